import Papa from 'papaparse';
import { autoMapColumns } from '../../src/core/columns';
import { SheetModel } from '../../src/core/sheet';
import { fillChanges } from '../../src/ui/sheet/grid/grid-selection';
import { generateSheetCsv } from './generate';

/** Median of a few timed runs of `work`, in milliseconds. */
function time(runs: number, work: () => void): number {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

/**
 * The engine at 100,000 rows: building a validated sheet from parsed CSV against the bare parse of the same text,
 * and one cell edit against a from-scratch recompute of the same sheet.
 */
export function runCoreBench(rows = 100_000) {
  const csv = generateSheetCsv(rows);
  const bareParse = time(3, () => Papa.parse<string[]>(csv, { skipEmptyLines: true }));
  let model: SheetModel | undefined;
  const pipeline = time(3, () => {
    const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true });
    const [header = [], ...body] = parsed.data;
    model = SheetModel.fromRows(autoMapColumns(header).columns, body);
  });
  if (!model) throw new Error('no model');
  const sheet = model;
  const scoreColumn = sheet.columns[4]?.id ?? 'c4';
  let edit = 0;
  const cellEdit = time(201, () => {
    edit++;
    sheet.apply({
      kind: 'set_cells',
      cells: [{ row: (edit * 7919) % rows, columnId: scoreColumn, value: String(edit % 90) }],
    });
    sheet.summary();
  });
  const recompute = time(3, () => SheetModel.fromRows(sheet.columns, sheet.rowCells()));
  // "Fill the selected cells with…" over a whole metadata column (every row), as the grid does it: the changes,
  // one edit, the summary. Each run fills a new value, so every cell changes.
  const visibleRows = Array.from({ length: rows }, (_, row) => row);
  const labelIndex = sheet.columns.findIndex((column) => column.target.kind === 'metadata');
  const range = { top: 0, bottom: rows - 1, left: labelIndex, right: labelIndex };
  let fills = 0;
  const fill = time(3, () => {
    fills++;
    const cells = fillChanges(
      range,
      { visibleRows, columns: sheet.columns, cell: sheet.cell.bind(sheet) },
      `tag ${fills}`,
    );
    sheet.apply({ kind: 'set_cells', cells });
    sheet.summary();
  });
  return { rows, bareParse, pipeline, cellEdit, recompute, fill };
}

function report() {
  const result = runCoreBench();
  const ms = (value: number) => `${value.toFixed(value < 1 ? 3 : 1)} ms`;
  console.log(`core bench, ${result.rows.toLocaleString('en-US')} rows`);
  console.log(`  bare Papa.parse                      ${ms(result.bareParse)}`);
  console.log(
    `  parse + map + validate (SheetModel)  ${ms(result.pipeline)}   ratio ${(result.pipeline / result.bareParse).toFixed(2)}x the bare parse`,
  );
  console.log(`  one cell edit + summary              ${ms(result.cellEdit)}   (median of 201)`);
  console.log(
    `  full recompute of the same sheet     ${ms(result.recompute)}   edit is ${(result.recompute / result.cellEdit).toFixed(0)}x faster`,
  );
  console.log(
    `  fill ${result.rows.toLocaleString('en-US')} cells + summary       ${ms(result.fill)}   ratio ${(result.fill / result.recompute).toFixed(2)}x the full recompute`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) report();
