import { File as NodeFile } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { SheetModel } from '@/core/sheet';
import { createImportWorkerHandler } from '@/ui/sheet/import/import-worker-handler';
import type { ImportWorkerMessage } from '@/ui/sheet/import/import-worker-protocol';

/**
 * What the import worker posts for a checked sheet is typed arrays, moved between threads: no object per row, span
 * or issue for the page to deserialise in one task, whatever the file holds (issue 26: a file where every row is
 * warned froze the page for seconds).
 */

const ROWS = 2_000;
const ROWS_PER_SPAN = 4;
/** The rows of the last span: many more than a duplicate warning names. */
const LONG_SPAN_ROWS = 16;

const spanIdOf = (index: number) => (index + 1).toString(16).padStart(16, '0');

/** A CSV where each span ID is on 4 rows (the last on 16): a duplicate_span_id warning on every row. */
function repeatedIdsCsv(): string {
  const lines = ['context.span_id,attributes.metadata.score,patch_document'];
  for (let row = 0; row < ROWS; row++) {
    const span = row >= ROWS - LONG_SPAN_ROWS ? ROWS : Math.floor(row / ROWS_PER_SPAN);
    lines.push(`${spanIdOf(span)},${row % 7},"{""batch"":${row % 10}}"`);
  }
  return `${lines.join('\n')}\n`;
}

/** Where, in a posted value, there is an array of objects or values, or an object shaped like an issue. */
function objectsIn(value: unknown, path: string, found: string[]): void {
  if (value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return;
  if (Array.isArray(value)) {
    // A handful of entries per column or per code is fine; one per row, span or issue is what freezes the page.
    if (value.length > 32) found.push(`${path}: an array of ${value.length}`);
    value.forEach((item, index) => objectsIn(item, `${path}[${index}]`, found));
    return;
  }
  if ('code' in value && 'severity' in value) found.push(`${path}: an issue object`);
  for (const [key, item] of Object.entries(value)) objectsIn(item, `${path}.${key}`, found);
}

/** The typed arrays of a posted value, with where they are. */
function typedArraysIn(value: unknown, path: string, found: [string, ArrayBufferView][]): void {
  if (value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value)) {
    found.push([path, value]);
    return;
  }
  for (const [key, item] of Object.entries(value)) typedArraysIn(item, `${path}.${key}`, found);
}

describe('the checked sheet the import worker posts', () => {
  it('holds no issue objects and no array per row or span when every row is warned: only typed arrays, moved', async () => {
    const posted: { message: ImportWorkerMessage; transfer: Transferable[] }[] = [];
    const handle = createImportWorkerHandler((message, transfer) => posted.push({ message, transfer }));
    const file = new NodeFile([repeatedIdsCsv()], 'repeated-ids.csv', { type: 'text/csv' });
    await handle({ type: 'import', file: file as unknown as File, knownKeys: [] });

    const done = posted.find(({ message }) => message.type === 'done');
    if (done?.message.type !== 'done') throw new Error(`no sheet posted: ${JSON.stringify(posted.at(-1))}`);
    const { sheet } = done.message;

    const objects: string[] = [];
    objectsIn(sheet, 'sheet', objects);
    expect(objects).toEqual([]);
    const arrays: [string, ArrayBufferView][] = [];
    typedArraysIn(sheet, 'sheet', arrays);
    const copied = arrays
      .filter(([, array]) => !done.transfer.includes(array.buffer as ArrayBuffer))
      .map(([path]) => path);
    expect(copied).toEqual([]);

    // The page opens it as posted, and makes the words of each row's issues when it is looked at.
    const model = SheetModel.unpack(structuredClone(sheet, { transfer: done.transfer }));
    const summary = model.summary();
    expect(summary.rowsWithWarnings).toBe(ROWS);
    expect(summary.byCode.duplicate_span_id).toBe(ROWS);
    expect(summary.spans).toBe((ROWS - LONG_SPAN_ROWS) / ROWS_PER_SPAN + 1);
    expect(model.rowIssues(5)).toEqual([
      expect.objectContaining({
        code: 'duplicate_span_id',
        row: 6,
        spanId: spanIdOf(1),
        otherRows: [5, 7, 8],
        otherCount: 3,
        severity: 'warning',
        column: 'context.span_id',
      }),
    ]);
    const firstLong = ROWS - LONG_SPAN_ROWS + 1;
    const longRows = Array.from({ length: LONG_SPAN_ROWS }, (_, offset) => firstLong + offset);
    expect(model.rowIssues(ROWS - 1)).toEqual([
      expect.objectContaining({
        code: 'duplicate_span_id',
        row: ROWS,
        otherRows: longRows.slice(0, 10),
        otherCount: LONG_SPAN_ROWS - 1,
      }),
    ]);
    // The same words as a sheet checked on the page from the same cells.
    const onPage = SheetModel.fromRows(model.columns, model.rowCells());
    for (const row of [0, 5, ROWS - LONG_SPAN_ROWS, ROWS - 1])
      expect(model.rowIssues(row)).toEqual(onPage.rowIssues(row));
    expect(model.summary()).toEqual(onPage.summary());
  });
});
