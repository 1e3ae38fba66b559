import { isValidKey } from '@/core/api';
import {
  type CellSource,
  type ColumnReading,
  type ColumnSettings,
  type Inference,
  readCell,
} from '@/core/columns';
import type { CellValue } from '@/core/import';
import { type KeptTextReason, NOTICE_CODES, type NoticeCode } from '@/core/issues';
import { readPatchDocument, type StoredValue, toStoredForm } from '@/core/patch';
import { assertUnreachable } from '@/core/text';

/**
 * A conversion a column applies to all its cells of one kind, said once for the column instead of on each cell:
 * what happens, to how many cells, and whether the user accepted it (which quiets it; it never changes what is
 * stored).
 */
export interface ColumnNotice {
  columnId: string;
  /** The column's header. */
  column: string;
  /** The column's metadata key, or for a patch_document column the key of its documents the notice is about. */
  key: string;
  /** True for a key of a patch_document column: one notice per key, as a metadata column has one per column. */
  fromPatchDocument: boolean;
  code: NoticeCode;
  /** How many cells the conversion applies to. */
  count: number;
  accepted: boolean;
}

/** One cell the conversion applies to, to show what it does: its 1-based row, the cell as typed, what is stored. */
export interface NoticeExample {
  row: number;
  text: string;
  stored: StoredValue;
  /** Why a number was kept as text (`looks_numeric_kept_text`). */
  reason?: KeptTextReason;
}

const NONE: ReadonlySet<NoticeCode> = new Set();

/**
 * The conversions a metadata column applies to all its cells of one kind, from its settings and its inferred
 * type: every true/false of a true/false column is stored as text (`bool_to_string`), every object of a JSON
 * column as JSON text (`json_to_string`), every numeric-looking value of a column that `auto` read as text
 * because of them stays text (`looks_numeric_kept_text`), and every null of a column whose blanks are set to
 * null, or that holds only nulls, keeps its key (`null_not_removed`). A cell whose conversion is one of these is a
 * column notice; any other warning of a cell (it differs from the rest of its column) stays on the cell.
 */
export function wholeColumnConversions(
  column: ColumnSettings,
  inference: Inference,
): ReadonlySet<NoticeCode> {
  if (column.target.kind !== 'metadata') return NONE;
  const auto = column.type === 'auto';
  const type = auto ? inference.type : column.type;
  const codes: NoticeCode[] = [];
  if (type === 'boolean') codes.push('bool_to_string');
  if (auto && inference.keptNumericText) codes.push('looks_numeric_kept_text');
  if (type === 'json') codes.push('json_to_string');
  if (column.blankPolicy === 'null' || (auto && inference.onlyNulls)) codes.push('null_not_removed');
  return codes.length === 0 ? NONE : new Set(codes);
}

/** True when two readings fold the same conversions into column notices. */
export function sameConversions(a: ReadonlySet<NoticeCode>, b: ReadonlySet<NoticeCode>): boolean {
  return a.size === b.size && [...a].every((code) => b.has(code));
}

/**
 * The notices of a sheet's columns, left to right, each conversion in the order of `NOTICE_CODES`: those with at
 * least one cell, with the cells counted by `tally` and accepted as the column's settings say. A patch_document
 * column has one notice per key of its documents (its objects and lists stored as JSON text), keys in order.
 */
export function columnNoticesOf(
  columns: readonly ColumnSettings[],
  tally: Pick<NoticeTally, 'count' | 'keys'>,
): ColumnNotice[] {
  const notices: ColumnNotice[] = [];
  for (const column of columns) {
    const { target } = column;
    if (target.kind !== 'metadata' && target.kind !== 'patch_document') continue;
    for (const code of NOTICE_CODES) {
      const accepted = column.acceptedNotices?.includes(code) ?? false;
      const notice = { columnId: column.id, column: column.name, code, accepted };
      if (target.kind === 'patch_document') {
        for (const [key, count] of tally.keys(column.id, code))
          notices.push({ ...notice, key, fromPatchDocument: true, count });
        continue;
      }
      const count = tally.count(column.id, code);
      if (count > 0) notices.push({ ...notice, key: target.key, fromPatchDocument: false, count });
    }
  }
  return notices;
}

/** The notices that still need the user's attention (not accepted) and those accepted. */
export function splitNotices(notices: readonly ColumnNotice[]): {
  open: ColumnNotice[];
  accepted: ColumnNotice[];
} {
  return {
    open: notices.filter((notice) => !notice.accepted),
    accepted: notices.filter((notice) => notice.accepted),
  };
}

/** A column's accepted notices after accepting (or taking back) one: the settings change that does it. */
export function acceptedAfter(
  column: ColumnSettings,
  code: NoticeCode,
  accepted: boolean,
): { acceptedNotices: NoticeCode[] } {
  const current = column.acceptedNotices ?? [];
  const others = current.filter((candidate) => candidate !== code);
  return {
    acceptedNotices: accepted
      ? NOTICE_CODES.filter((known) => known === code || others.includes(known))
      : others,
  };
}

/**
 * The cells a notice applies to, top to bottom, to show what it does and where: a metadata column's cells whose
 * conversion is the notice's, or the values under the notice's key of a patch_document column's documents.
 * `skipRow` leaves out rows that are not read at all (blank rows).
 */
export function* noticeCells(
  notice: Pick<ColumnNotice, 'code' | 'key'>,
  cells: CellSource,
  column: ColumnSettings,
  reading: ColumnReading | null,
  skipRow: (row: number) => boolean,
): Generator<NoticeExample> {
  const { code } = notice;
  if (column.target.kind === 'patch_document') {
    if (!isValidKey(notice.key)) return;
    for (let row = 0; row < cells.length; row++) {
      const document = readPatchDocument(cells.get(row));
      if (document.status !== 'object' || !Object.hasOwn(document.value, notice.key)) continue;
      const value = document.value[notice.key];
      const stored = toStoredForm(value);
      if (!stored.ok || stored.warning !== code || skipRow(row)) continue;
      yield { row: row + 1, text: JSON.stringify(value), stored: stored.stored };
    }
    return;
  }
  if (column.target.kind !== 'metadata' || reading === null || !isValidKey(column.target.key)) return;
  for (let row = 0; row < cells.length; row++) {
    const cell = cells.get(row);
    const read = readCell(cell, column, reading);
    if (read.status !== 'value') continue;
    if (code === 'looks_numeric_kept_text') {
      const kept = read.issues.find((issue) => issue.code === code);
      if (!kept || kept.code !== code || skipRow(row)) continue;
      const stored = typeof read.value === 'string' ? read.value : kept.text;
      yield { row: row + 1, text: cellTextOf(cell), stored, reason: kept.reason };
      continue;
    }
    const stored = toStoredForm(read.value);
    if (!stored.ok || stored.warning !== code || skipRow(row)) continue;
    yield { row: row + 1, text: cellTextOf(cell), stored: stored.stored };
  }
}

/** The first cell a notice applies to, to show what it does (`noticeCells`); null when none does. */
export function findNoticeExample(
  notice: Pick<ColumnNotice, 'code' | 'key'>,
  cells: CellSource,
  column: ColumnSettings,
  reading: ColumnReading | null,
  skipRow: (row: number) => boolean,
): NoticeExample | null {
  for (const example of noticeCells(notice, cells, column, reading, skipRow)) return example;
  return null;
}

/** The 1-based rows of the first `limit` cells a notice applies to (`noticeCells`), top to bottom. */
export function noticeRowsOf(
  notice: Pick<ColumnNotice, 'code' | 'key'>,
  cells: CellSource,
  column: ColumnSettings,
  reading: ColumnReading | null,
  skipRow: (row: number) => boolean,
  limit: number,
): number[] {
  const rows: number[] = [];
  if (limit <= 0) return rows;
  for (const example of noticeCells(notice, cells, column, reading, skipRow)) {
    rows.push(example.row);
    if (rows.length >= limit) break;
  }
  return rows;
}

function cellTextOf(cell: CellValue): string {
  if (cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'object' && cell !== null) return JSON.stringify(cell);
  return String(cell);
}

function count(value: number, one: string, many: string): string {
  return `${value.toLocaleString('en-US')} ${value === 1 ? one : many}`;
}

function shown(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return short.trim() === '' ? 'a blank cell' : short;
}

function storedText(value: StoredValue): string {
  return value === null ? 'null' : JSON.stringify(value);
}

const keptReasons: Record<KeptTextReason, string> = {
  leading_zero: 'a leading zero',
  leading_plus: 'a leading "+"',
  too_many_digits: 'more than 15 digits',
  trailing_zero_on_id: 'a trailing ".0" in an ID',
};

/** What a notice says happens, in plain words, with how many cells: "2 true/false values are stored as text". */
export function noticeSummary(
  notice: Pick<ColumnNotice, 'code' | 'count' | 'key'> & { fromPatchDocument?: boolean },
): string {
  switch (notice.code) {
    case 'bool_to_string':
      return `${count(notice.count, 'true/false value is', 'true/false values are')} stored as the text "true" or "false": metadata holds text, numbers and null only.`;
    case 'looks_numeric_kept_text':
      return `Read as text: ${count(notice.count, 'value looks', 'values look')} like a number but would change as one, so the whole column is stored as text, as written.`;
    case 'json_to_string':
      return notice.fromPatchDocument
        ? `${count(notice.count, 'object or list', 'objects or lists')} under "${notice.key}" ${notice.count === 1 ? 'is' : 'are'} stored as JSON text.`
        : `${count(notice.count, 'object or list is', 'objects or lists are')} stored as JSON text.`;
    case 'null_not_removed':
      return `${count(notice.count, 'cell sets', 'cells set')} "${notice.key}" to null: the key stays on the span with the value null; it is not removed.`;
    default:
      return assertUnreachable(notice.code);
  }
}

/** A notice's example in words: "Row 2: True is stored as "true"". */
export function exampleText(example: NoticeExample): string {
  const because = example.reason ? ` (${keptReasons[example.reason]})` : '';
  return `Row ${example.row}: ${shown(example.text)} is stored as ${storedText(example.stored)}${because}.`;
}

/** The tally's key of a notice that is not about one key of a patch_document (a metadata column's). */
const WHOLE_COLUMN = '';

/** How many rows a notice names before "and N more": the detail of where, kept to one line. */
export const NOTICE_ROWS_SHOWN = 5;

/**
 * Where a notice's conversion happens, in words: "In rows 1, 3, 5, 7, 9 and 1,495 more." `rows` are the first
 * rows (`noticeRowsOf`), `count` all its cells; a row holds at most one cell of a notice.
 */
export function noticeRowsText(rows: readonly number[], count: number): string {
  if (rows.length === 0) return '';
  const named = rows.map((row) => row.toLocaleString('en-US'));
  if (count <= 1 || named.length === 1) {
    const more = count - named.length;
    return more > 0 ? `In row ${named[0]} and ${more.toLocaleString('en-US')} more.` : `In row ${named[0]}.`;
  }
  const more = count - named.length;
  if (more > 0) return `In rows ${named.join(', ')} and ${more.toLocaleString('en-US')} more.`;
  return `In rows ${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}.`;
}

/**
 * The cells of each column notice, kept up to date as rows are counted in (+1) and out (−1): a sheet model
 * counts each row's `notices` as it counts its issues. Counted per column, conversion and key: a metadata column's
 * notices all have its key (or none), a patch_document column's have the key of their value.
 */
export class NoticeTally {
  private readonly counts = new Map<string, Map<NoticeCode, Map<string, number>>>();

  /** Counts a row's notices in (`sign` 1) or out (−1). */
  tally(notices: readonly { code: string; columnId: string; key?: string }[], sign: 1 | -1): void {
    for (const notice of notices) this.add(notice.columnId, notice.code, sign, notice.key);
  }

  /** The cells of a column's conversion, over all its keys. */
  count(columnId: string, code: NoticeCode): number {
    const byKey = this.counts.get(columnId)?.get(code);
    if (!byKey) return 0;
    let total = 0;
    for (const cells of byKey.values()) total += cells;
    return total;
  }

  /** The keys a column's conversion applies to, in order, each with its cells. */
  keys(columnId: string, code: NoticeCode): [string, number][] {
    const byKey = this.counts.get(columnId)?.get(code);
    if (!byKey) return [];
    return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Every count, as plain data to post from a worker: column id, notice code, cells, key. */
  entries(): [string, string, number, string][] {
    const entries: [string, string, number, string][] = [];
    for (const [columnId, byCode] of this.counts)
      for (const [code, byKey] of byCode)
        for (const [key, cells] of byKey) entries.push([columnId, code, cells, key]);
    return entries;
  }

  /** Adds `cells` to one count (a tally read back from `entries`; a count without a key is the column's). */
  add(columnId: string, code: string, cells: number, key: string = WHOLE_COLUMN): void {
    let byCode = this.counts.get(columnId);
    if (!byCode) {
      byCode = new Map();
      this.counts.set(columnId, byCode);
    }
    let byKey = byCode.get(code as NoticeCode);
    if (!byKey) {
      byKey = new Map();
      byCode.set(code as NoticeCode, byKey);
    }
    const next = (byKey.get(key) ?? 0) + cells;
    if (next !== 0) byKey.set(key, next);
    else {
      byKey.delete(key);
      if (byKey.size === 0) byCode.delete(code as NoticeCode);
    }
  }

  clear(): void {
    this.counts.clear();
  }
}
