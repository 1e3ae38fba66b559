/**
 * Excel import speed: a 100,000-row × 10-column workbook written by openpyxl (span ID, scores, counts, booleans,
 * text, a date, a patch_document) read into a checked sheet, against reading the same workbook with the reader
 * alone (read-excel-file) in the same run. Prints times and the ratio; asserts nothing.
 * Run: npx tsx tests/bench/xlsx-bench.ts [--rows=100000]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import readXlsxFile from 'read-excel-file/universal';
import { autoMapColumns } from '@/core/columns';
import { importFile } from '@/core/import';
import { SheetModel } from '@/core/sheet';
import { type WorkbookRow, writeWorkbook } from '../support/workbook';
import { median, msText, ratioText } from './report-table';

const rowsOption = process.argv.find((arg) => arg.startsWith('--rows='));
const ROWS = rowsOption === undefined ? 100_000 : Number(rowsOption.slice('--rows='.length));
const RUNS = 3;

const header = [
  'context.span_id',
  'attributes.metadata.score',
  'attributes.metadata.tokens',
  'attributes.metadata.reviewed',
  'attributes.metadata.reviewer',
  'attributes.metadata.label',
  'attributes.metadata.latency',
  'attributes.metadata.day',
  'attributes.metadata.ticket',
  'patch_document',
];
const reviewers = ['ana', 'bo', 'chen', 'dita'];
const rows: WorkbookRow[] = [header];
for (let index = 0; index < ROWS; index++) {
  rows.push([
    index.toString(16).padStart(16, '0'),
    (index % 100) / 100,
    index % 5000,
    index % 3 === 0,
    reviewers[index % reviewers.length] ?? 'ana',
    index % 7 === 0 ? 'hallucination' : 'ok',
    1.5 + (index % 900) / 10,
    { date: `2025-0${1 + (index % 9)}-1${index % 10}` },
    `T-${100000 + index}`,
    index % 10 === 0 ? '{"source":"bench"}' : null,
  ]);
}

const dir = mkdtempSync(join(tmpdir(), 'spanpatch-xlsx-bench-'));
try {
  const path = join(dir, 'bench.xlsx');
  const writeStart = performance.now();
  writeWorkbook(path, [{ name: 'Spans', rows }]);
  const bytes = new Uint8Array(readFileSync(path));
  const arrayBuffer = () => bytes.slice().buffer;
  console.log(
    `xlsx bench: ${ROWS.toLocaleString('en-US')} rows × 10 columns, ${(bytes.length / (1024 * 1024)).toFixed(1)} MB ` +
      `workbook (openpyxl wrote it in ${msText(performance.now() - writeStart)}), median of ${RUNS} runs`,
  );

  const time = async (run: () => Promise<unknown>): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    return median(times);
  };

  const readerMs = await time(async () => {
    const [sheet] = await readXlsxFile(arrayBuffer());
    if (sheet?.data.length !== ROWS + 1) throw new Error('the reader read another number of rows');
  });
  const importMs = await time(async () => {
    const result = await importFile('bench.xlsx', bytes);
    if (!result.ok) throw new Error(result.error.message);
  });
  let spans = 0;
  const sheetMs = await time(async () => {
    const result = await importFile('bench.xlsx', bytes);
    if (!result.ok) throw new Error(result.error.message);
    const { columns } = autoMapColumns(result.table.headers, result.table.origin);
    spans = SheetModel.fromRows(columns, result.table.rows).summary().spans;
  });
  if (spans !== ROWS) throw new Error(`the checked sheet has ${spans} spans, not ${ROWS}`);

  const line = (label: string, ms: number, base: number | null) =>
    `${label.padEnd(52)} ${msText(ms).padStart(9)}${base === null ? '' : `   ${ratioText(ms, base)} the reader alone`}`;
  console.log(line('read-excel-file alone (all cells, no checks)', readerMs, null));
  console.log(line('importFile: header, typed cells, dates as ISO text', importMs, readerMs));
  console.log(line('importFile + autoMapColumns + SheetModel (checked)', sheetMs, readerMs));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
