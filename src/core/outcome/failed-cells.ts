import { type ColumnSettings } from '@/core/columns';
import type { CellValue } from '@/core/import';
import { BLOCKED_BEFORE_SENDING, type FailedSpan, type SubmissionOutcome } from './submission-outcome';

/** A `[type] ` prefix of a span error, as the server and the client write it. */
const TYPE_PREFIX = /^\[[^\]]*\]\s*/;
/** The key a server's per-span message names in quotes: "Type conflict on 'score': …". */
const QUOTED_KEY = /'([^']*)'/;

type Failure = Pick<FailedSpan, 'type' | 'message' | 'blocked'>;

/**
 * The columns (0-based, of `columns`) whose cells caused a failure, for marking them in an exported workbook:
 * - blocked by the sheet: the column its message names ("Blocked before sending: Row 5, column score: …");
 * - `type_conflict` and other messages naming a key in quotes: the metadata column of that key, else the
 *   patch_document column (the key came from there);
 * - `parse_failure` and `patch_failure`: the patch_document column;
 * - `segment_not_found`: the span ID column (no span has that ID);
 * - anything else (the connection failed, the store refused): none — no cell is to blame.
 */
export function failureColumns(
  failure: Failure,
  columns: readonly Pick<ColumnSettings, 'name' | 'target'>[],
): number[] {
  const text = failure.message.replace(TYPE_PREFIX, '');
  const where = (kind: ColumnSettings['target']['kind'], key?: string): number[] =>
    columns.flatMap((column, index) =>
      column.target.kind === kind &&
      (key === undefined || (column.target.kind === 'metadata' && column.target.key === key))
        ? [index]
        : [],
    );
  if (failure.blocked && text.startsWith(`${BLOCKED_BEFORE_SENDING}: `)) {
    const location = text
      .slice(BLOCKED_BEFORE_SENDING.length + 2)
      .replace(/^Row \d+, column /, '')
      .replace(/^Column /, '');
    // NOTE: the longest name that the location starts with, so a column "score" does not take "score (raw)".
    let best = -1;
    columns.forEach((column, index) => {
      if (
        location.startsWith(`${column.name}: `) &&
        (best === -1 || column.name.length > (columns[best]?.name.length ?? 0))
      ) {
        best = index;
      }
    });
    return best === -1 ? [] : [best];
  }
  if (failure.type === 'segment_not_found') return where('span_id');
  if (failure.type === 'parse_failure' || failure.type === 'patch_failure') return where('patch_document');
  const key = QUOTED_KEY.exec(text)?.[1];
  if (key !== undefined) {
    const metadata = where('metadata', key);
    return metadata.length > 0 ? metadata : where('patch_document');
  }
  return [];
}

/** The 1-based sheet row a blocked span's message names ("… Row 5, column score: …"), else null. */
export function failureRow(failure: Failure): number | null {
  if (!failure.blocked) return null;
  const named = /^(?:\[[^\]]*\]\s*)?Blocked before sending: Row (\d+), column /.exec(failure.message);
  return named === null ? null : Number(named[1]);
}

/**
 * The cells of one row to blame among a failure's columns: a metadata column whose cell in this row is blank gave
 * no value, so the key's value came from the row's patch_document, whose cell is marked instead.
 */
function cellsToBlame(
  columns: readonly number[],
  cells: readonly CellValue[],
  sheetColumns: readonly Pick<ColumnSettings, 'target'>[],
): number[] {
  const blank = (index: number) => {
    const cell = cells[index];
    return cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '');
  };
  const documents = sheetColumns.flatMap((column, index) =>
    column.target.kind === 'patch_document' && !blank(index) ? [index] : [],
  );
  const blamed = columns.flatMap((index) =>
    sheetColumns[index]?.target.kind === 'metadata' && blank(index) && documents.length > 0
      ? documents
      : [index],
  );
  return [...new Set(blamed)];
}

/** One exported row: its cells as submitted, the messages of its failures, and the cells each one marks. */
export interface FailedRow {
  /** 1-based row of the sheet it came from. */
  row: number;
  cells: CellValue[];
  /** The messages of the failures of the row's span, in words when a describer is given. */
  errors: string[];
  /** Column index (of the sheet's columns) → the messages of the failures that cell caused. */
  marks: Map<number, string[]>;
}

/**
 * The rows of some failed or blocked spans, as submitted (in sheet order, each row once), each with its errors and
 * the cells that caused them (`failureColumns`): what an exported workbook of failed rows holds. `describe` puts
 * a message in the words the app shows.
 */
export function failedRowsWithErrors(
  outcome: Pick<SubmissionOutcome, 'columns' | 'spans'>,
  spans: readonly FailedSpan[],
  describe: (message: string) => string = (message) => message,
): FailedRow[] {
  const rows = new Map<number, FailedRow>();
  for (const span of spans) {
    const source = outcome.spans.get(span.spanId);
    if (!source) continue;
    const message = describe(span.message);
    const columns = failureColumns(span, outcome.columns);
    const onlyRow = failureRow(span);
    source.rows.forEach((row, index) => {
      const cells = source.cells[index];
      if (!cells) return;
      let failed = rows.get(row);
      if (failed === undefined) {
        failed = { row, cells, errors: [], marks: new Map() };
        rows.set(row, failed);
      }
      if (!failed.errors.includes(message)) failed.errors.push(message);
      // NOTE: a span of several rows blocked by one cell marks that cell's row only.
      for (const column of onlyRow === null || onlyRow === row
        ? cellsToBlame(columns, cells, outcome.columns)
        : []) {
        const marked = failed.marks.get(column) ?? [];
        if (!marked.includes(message)) marked.push(message);
        failed.marks.set(column, marked);
      }
    });
  }
  return [...rows.values()].sort((a, b) => a.row - b.row);
}
