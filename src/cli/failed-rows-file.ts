import { writeFile } from 'node:fs/promises';
import type { CellValue } from '@/core/import';
import { describeLocation, issueMessage } from '@/core/issues';
import {
  type FailedRow,
  type FailedSpan,
  failedRowsCsv,
  failedRowsWithErrors,
  failedRowsXlsx,
  notAppliedSpanIds,
  outcomeFailures,
  type SubmissionOutcome,
} from '@/core/outcome';
import type { SheetModel } from '@/core/sheet';
import { describeErrorMessage } from '@/core/words';
import { CommandError } from './exit-status';

/** What `--failed-out` wrote. */
export interface FailedRowsWritten {
  spans: number;
  rows: number;
}

/** A row of the sheet: 1-based, its cells in the file's columns, and its errors with the column of each. */
export interface SheetRow {
  row: number;
  cells: readonly CellValue[];
  errors?: readonly { column: number; message: string }[];
}

/** The message of a span not sent (the submission stopped first): no cell is to blame. */
const NOT_SENT_MESSAGE =
  'Not sent: the submission stopped before this span was sent. Submit again to send it.';

/**
 * The rows with an error that belong to no span (their span ID is blank): blocked like a span's rows, never sent,
 * yet in no span's outcome.
 */
export function erroneousRowsWithoutSpan(model: SheetModel): SheetRow[] {
  const rows: SheetRow[] = [];
  for (let row = 0; row < model.rowCount; row++) {
    if (model.rowStatus(row) !== 'error' || model.rowResult(row).spanId !== null) continue;
    const errors = model
      .rowIssues(row)
      .filter((issue) => issue.severity === 'error')
      .map((issue) => ({
        column: model.columns.findIndex((column) => column.id === issue.columnId),
        message: `${describeLocation(issue)}: ${issueMessage(issue)}`,
      }));
    rows.push({ row: row + 1, cells: model.columns.map((column) => model.cell(row, column.id)), errors });
  }
  return rows;
}

/** True when `--failed-out` names an Excel workbook (`.xlsx`); any other name is written as CSV. */
export function writesWorkbook(path: string): boolean {
  return /\.xlsx$/i.test(path);
}

/**
 * Writes the rows of every span not applied (`notAppliedSpanIds`: failed on the server, never delivered or of
 * unknown outcome, blocked by the sheet, not sent), in the file's own columns and order, as the app's Export does:
 * to a path ending in `.xlsx`, a workbook with an Error column, the cells that caused each failure filled and the
 * message as their comment (`failedRowsXlsx`); to any other, formula-safe CSV (`failedRowsCsv`). Either is ready
 * to fix and submit again; `otherRows` (rows blocked without a span) go in too. A file with no such row gets the
 * header alone.
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
  const contents = writesWorkbook(path)
    ? failedRowsXlsx(outcome.columns, workbookRows(outcome, spanIds, otherRows))
    : failedRowsCsv(outcome.columns, ordered);
  try {
    await writeFile(path, contents);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CommandError(`The failed rows could not be written to ${path}: ${reason}`);
  }
  return { spans: spanIds.length, rows: ordered.length };
}

/**
 * The rows of a workbook of failed rows, in sheet order: the spans' rows with their failures in the app's words
 * and the cells to blame (`failedRowsWithErrors`, as the app's Export), spans not sent with why, and the rows
 * blocked without a span with their errors on their cells.
 */
function workbookRows(
  outcome: SubmissionOutcome,
  spanIds: readonly string[],
  otherRows: readonly SheetRow[],
): FailedRow[] {
  const failures = outcomeFailures(outcome);
  const failed = new Set(failures.map((failure) => failure.spanId));
  const notSent: FailedSpan[] = spanIds
    .filter((spanId) => !failed.has(spanId))
    .map((spanId) => ({
      spanId,
      type: 'not_sent',
      message: NOT_SENT_MESSAGE,
      rows: outcome.spans.get(spanId)?.rows ?? [],
      blocked: false,
    }));
  const spanRows = failedRowsWithErrors(
    outcome,
    [...failures, ...notSent],
    (message) => describeErrorMessage(message).text,
  );
  const spanless = otherRows.map(({ row, cells, errors = [] }): FailedRow => {
    const marks = new Map<number, string[]>();
    for (const { column, message } of errors) {
      if (column >= 0) marks.set(column, [...(marks.get(column) ?? []), message]);
    }
    return { row, cells: [...cells], errors: errors.map((error) => error.message), marks };
  });
  return [...spanRows, ...spanless].sort((a, b) => a.row - b.row);
}
