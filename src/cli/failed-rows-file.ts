import { writeFile } from 'node:fs/promises';
import type { CellValue } from '@/core/import';
import { failedRowsCsv, notAppliedSpanIds, type SubmissionOutcome } from '@/core/outcome';
import type { SheetModel } from '@/core/sheet';
import { CommandError } from './exit-status';

/** What `--failed-out` wrote. */
export interface FailedRowsWritten {
  spans: number;
  rows: number;
}

/** A row of the sheet: 1-based, and its cells in the file's columns. */
export interface SheetRow {
  row: number;
  cells: readonly CellValue[];
}

/**
 * The rows with an error that belong to no span (their span ID is blank): blocked like a span's rows, never sent,
 * yet in no span's outcome.
 */
export function erroneousRowsWithoutSpan(model: SheetModel): SheetRow[] {
  const rows: SheetRow[] = [];
  for (let row = 0; row < model.rowCount; row++) {
    if (model.rowStatus(row) !== 'error' || model.rowResult(row).spanId !== null) continue;
    rows.push({ row: row + 1, cells: model.columns.map((column) => model.cell(row, column.id)) });
  }
  return rows;
}

/**
 * Writes the rows of every span not applied (`notAppliedSpanIds`: failed on the server, never delivered or of
 * unknown outcome, blocked by the sheet, not sent), in the file's own columns and order, as the app's Export does:
 * formula-safe CSV (`failedRowsCsv`), ready to fix and submit again; `otherRows` (rows blocked without a span) go
 * in too. A file with no such row gets the header alone.
 */
export async function writeFailedRows(
  path: string,
  outcome: SubmissionOutcome,
  otherRows: readonly SheetRow[] = [],
): Promise<FailedRowsWritten> {
  const spanIds = notAppliedSpanIds(outcome);
  const rows = new Map<number, readonly CellValue[]>(otherRows.map(({ row, cells }) => [row, cells]));
  for (const spanId of spanIds) {
    const source = outcome.spans.get(spanId);
    source?.rows.forEach((row, index) => rows.set(row, source.cells[index] ?? []));
  }
  const ordered = [...rows].sort(([a], [b]) => a - b).map(([, cells]) => cells);
  try {
    await writeFile(path, failedRowsCsv(outcome.columns, ordered));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CommandError(`The failed rows could not be written to ${path}: ${reason}`);
  }
  return { spans: spanIds.length, rows: ordered.length };
}
