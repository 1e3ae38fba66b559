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
import { type StoredValue, toStoredForm } from '@/core/patch';
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
  key: string;
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
 * least one cell, with the cells counted by `count` and accepted as the column's settings say.
 */
export function columnNoticesOf(
  columns: readonly ColumnSettings[],
  count: (columnId: string, code: NoticeCode) => number,
): ColumnNotice[] {
  const notices: ColumnNotice[] = [];
  for (const column of columns) {
    if (column.target.kind !== 'metadata') continue;
    for (const code of NOTICE_CODES) {
      const cells = count(column.id, code);
      if (cells === 0) continue;
      notices.push({
        columnId: column.id,
        column: column.name,
        key: column.target.key,
        code,
        count: cells,
        accepted: column.acceptedNotices?.includes(code) ?? false,
      });
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
 * The first cell of a column a conversion applies to, to show what the notice does; null when none does.
 * `skipRow` leaves out rows that are not read at all (blank rows).
 */
export function findNoticeExample(
  code: NoticeCode,
  cells: CellSource,
  column: ColumnSettings,
  reading: ColumnReading,
  skipRow: (row: number) => boolean,
): NoticeExample | null {
  if (column.target.kind !== 'metadata' || !isValidKey(column.target.key)) return null;
  for (let row = 0; row < cells.length; row++) {
    const cell = cells.get(row);
    const read = readCell(cell, column, reading);
    if (read.status !== 'value') continue;
    if (code === 'looks_numeric_kept_text') {
      const kept = read.issues.find((issue) => issue.code === code);
      if (!kept || kept.code !== code || skipRow(row)) continue;
      const stored = typeof read.value === 'string' ? read.value : kept.text;
      return { row: row + 1, text: cellTextOf(cell), stored, reason: kept.reason };
    }
    const stored = toStoredForm(read.value);
    if (!stored.ok || stored.warning !== code || skipRow(row)) continue;
    return { row: row + 1, text: cellTextOf(cell), stored: stored.stored };
  }
  return null;
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
export function noticeSummary(notice: Pick<ColumnNotice, 'code' | 'count' | 'key'>): string {
  switch (notice.code) {
    case 'bool_to_string':
      return `${count(notice.count, 'true/false value is', 'true/false values are')} stored as the text "true" or "false": metadata holds text, numbers and null only.`;
    case 'looks_numeric_kept_text':
      return `Read as text: ${count(notice.count, 'value looks', 'values look')} like a number but would change as one, so the whole column is stored as text, as written.`;
    case 'json_to_string':
      return `${count(notice.count, 'object or list is', 'objects or lists are')} stored as JSON text.`;
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

/**
 * The cells of each column notice, kept up to date as rows are counted in (+1) and out (−1): a sheet model
 * counts each row's `notices` as it counts its issues.
 */
export class NoticeTally {
  private readonly counts = new Map<string, Map<NoticeCode, number>>();

  /** Counts a row's notices in (`sign` 1) or out (−1). */
  tally(notices: readonly { code: string; columnId: string }[], sign: 1 | -1): void {
    for (const notice of notices) {
      let byCode = this.counts.get(notice.columnId);
      if (!byCode) {
        byCode = new Map();
        this.counts.set(notice.columnId, byCode);
      }
      const code = notice.code as NoticeCode;
      const next = (byCode.get(code) ?? 0) + sign;
      if (next === 0) byCode.delete(code);
      else byCode.set(code, next);
    }
  }

  count(columnId: string, code: NoticeCode): number {
    return this.counts.get(columnId)?.get(code) ?? 0;
  }

  /** Every count, as plain data to post from a worker: column id, notice code, cells. */
  entries(): [string, string, number][] {
    const entries: [string, string, number][] = [];
    for (const [columnId, byCode] of this.counts)
      for (const [code, n] of byCode) entries.push([columnId, code, n]);
    return entries;
  }

  /** Adds `cells` to one count (a tally read back from `entries`). */
  add(columnId: string, code: string, cells: number): void {
    let byCode = this.counts.get(columnId);
    if (!byCode) {
      byCode = new Map();
      this.counts.set(columnId, byCode);
    }
    byCode.set(code as NoticeCode, (byCode.get(code as NoticeCode) ?? 0) + cells);
  }

  clear(): void {
    this.counts.clear();
  }
}
