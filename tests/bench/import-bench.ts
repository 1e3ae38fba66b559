/**
 * Import speed against a bare `Papa.parse` of the same text: a generated 100,000-row CSV shaped like a pandas
 * export (span ID, 8 metadata columns of mixed types, a patch_document). Prints times and ratios; asserts nothing.
 * "file → checked sheet" is what the import worker does with a file's bytes (read, map, check every row); the aims
 * are 1.5× at 100,000 rows and 2× at 1,000,000, for unique span IDs and for each span ID on 4 rows
 * (a duplicate_span_id warning on every row).
 * Run: npm run bench -- import [--rows=1000000]
 */
import Papa from 'papaparse';
import { autoMapColumns } from '@/core/columns';
import { createDelimitedParser, importFile, parseDelimited, tableRowCount } from '@/core/import';
import { type SheetModel as Model, SheetModel } from '@/core/sheet';
import { generateSheetCsv, ROWS_PER_REPEATED_SPAN } from './generate';

const rowsOption = process.argv.find((arg) => arg.startsWith('--rows='));
const ROWS = rowsOption ? Number(rowsOption.slice('--rows='.length)) : 100_000;
const RUNS = ROWS > 300_000 ? 3 : 7;
const CHUNK_CHARS = 1024 * 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function time(run: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}

function rowsOf(result: ReturnType<typeof parseDelimited>): number {
  if (!result.ok) throw new Error(result.error.message);
  return tableRowCount(result.table);
}

const text = generateSheetCsv(ROWS);
const bytes = new TextEncoder().encode(text);

// Check before timing: the same rows as bare papaparse (less its header row and the empty last record).
const bare = Papa.parse<string[]>(text).data;
const ours = parseDelimited(text);
if (!ours.ok) throw new Error(ours.error.message);
if (JSON.stringify(ours.table.rows) !== JSON.stringify(bare.slice(1, ROWS + 1))) {
  throw new Error('parseDelimited and Papa.parse disagree on the rows');
}

const repeatedText = generateSheetCsv(ROWS, 7, 'repeated');
const repeatedBytes = new TextEncoder().encode(repeatedText);
const papaMs = await time(() => Papa.parse(text));
const repeatedPapaMs = await time(() => Papa.parse(repeatedText));
const wholeMs = await time(() => rowsOf(parseDelimited(text)));
const streamMs = await time(() => {
  const parser = createDelimitedParser();
  for (let at = 0; at < text.length; at += CHUNK_CHARS) parser.push(text.slice(at, at + CHUNK_CHARS));
  return rowsOf(parser.finish());
});
const fileMs = await time(() => importFile('bench.csv', bytes));
const sheetOf = (csv: string) => {
  const result = parseDelimited(csv);
  if (!result.ok) throw new Error(result.error.message);
  const { columns } = autoMapColumns(result.table.headers, result.table.origin);
  return SheetModel.fromRows(columns, result.table.rows).summary();
};
const sheetMs = await time(() => sheetOf(text));
// The same sheet with each span ID on several rows: a duplicate_span_id warning on every row.
const repeatedSheetMs = await time(() => sheetOf(repeatedText));

/** What the import worker does with a file: read it, map its columns, check every row and span. */
async function checkedSheet(data: Uint8Array): Promise<Model> {
  const result = await importFile('bench.csv', data);
  if (!result.ok) throw new Error(result.error.message);
  const { table } = result;
  const { columns } = autoMapColumns(table.headers, table.origin);
  // As the import worker does: CSV read into columns is checked as it is.
  if (table.columns !== undefined)
    return SheetModel.fromTextColumns(columns, table.columns, tableRowCount(table));
  const cells = columns.map((_, index) => table.rows.map((row) => row[index]));
  return SheetModel.fromColumns(columns, cells, table.rows.length);
}
const checkedMs = await time(() => checkedSheet(bytes));
const repeatedMs = await time(() => checkedSheet(repeatedBytes));

const mb = (bytes.length / (1024 * 1024)).toFixed(1);
const line = (label: string, ms: number): string =>
  `${label.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms   ${(ms / papaMs).toFixed(2)}× bare Papa.parse`;
console.log(
  `import bench: ${ROWS.toLocaleString('en-US')} rows × 10 columns, ${mb} MB of CSV, median of ${RUNS} runs`,
);
console.log(`${'bare Papa.parse(text)'.padEnd(44)} ${papaMs.toFixed(1).padStart(8)} ms`);
console.log(line('parseDelimited(text)', wholeMs));
console.log(line(`createDelimitedParser, ${CHUNK_CHARS / 1024} KB chunks`, streamMs));
console.log(line('importFile(name, bytes) incl. UTF-8 decoding', fileMs));
console.log(line('parse + autoMapColumns + SheetModel (info)', sheetMs));
console.log(
  `${`the same, span IDs on ${ROWS_PER_REPEATED_SPAN} rows each`.padEnd(44)} ${repeatedSheetMs.toFixed(1).padStart(8)} ms   ` +
    `${(repeatedSheetMs / repeatedPapaMs).toFixed(2)}× bare Papa.parse of that file`,
);
console.log(line('file → checked sheet (aim 1.5×; 2× at 1M)', checkedMs));
console.log(
  `${`file → checked sheet, IDs on ${ROWS_PER_REPEATED_SPAN} rows each`.padEnd(44)} ${repeatedMs.toFixed(1).padStart(8)} ms   ` +
    `${(repeatedMs / repeatedPapaMs).toFixed(2)}× its bare Papa.parse (${repeatedPapaMs.toFixed(1)} ms)`,
);
