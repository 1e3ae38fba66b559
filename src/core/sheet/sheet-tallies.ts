import type { SheetIssue } from '@/core/columns';
import { type Issue, type IssueCode, severityOf } from '@/core/issues';
import {
  isSubmittable,
  type RowResult,
  SPAN_STATUSES,
  spanFindingCounts,
  type SpanStatus,
} from '@/core/patch';
import { type ColumnNotice, NoticeTally } from './column-notices';

/** The counts a summary shows, kept up to date edit by edit. */
export interface SheetSummary {
  rows: number;
  blankRows: number;
  spans: number;
  spansByStatus: Record<SpanStatus, number>;
  rowsWithErrors: number;
  rowsWithWarnings: number;
  errors: number;
  warnings: number;
  byCode: Partial<Record<IssueCode, number>>;
  sheetIssues: SheetIssue[];
  /**
   * Conversions of whole columns, one notice each instead of a warning per cell: not in `warnings` or
   * `byCode`. Those not accepted still need attention.
   */
  notices: ColumnNotice[];
}

/** How many spans a submit sends (`isSubmittable`): those ready or with warnings, none while the sheet is blocked. */
export function submittableCount(summary: SheetSummary): number {
  const sheetBlocked = summary.sheetIssues.length > 0;
  let count = 0;
  for (const status of SPAN_STATUSES) {
    if (isSubmittable(status, sheetBlocked)) count += summary.spansByStatus[status];
  }
  return count;
}

/** A row's flag bits: an error of its own or of its span on it, a warning, or blank. */
export const ERROR_FLAG = 1;
export const WARNING_FLAG = 2;
export const BLANK_FLAG = 4;

/** What a row's counts are taken from: its result, or its check (`RowChecker`) without its patch. */
type RowCounts = Pick<RowResult, 'blank' | 'issues' | 'notices' | 'errorCount' | 'warningCount'>;

/** The flag bits of a row's own issues. */
export function flagsOf(result: RowCounts): number {
  if (result.blank) return BLANK_FLAG;
  return (result.errorCount > 0 ? ERROR_FLAG : 0) | (result.warningCount > 0 ? WARNING_FLAG : 0);
}

/** The summary's counts as plain data, to post from a worker. */
export interface PackedTallies {
  errors: number;
  warnings: number;
  byCode: [IssueCode, number][];
  /** Column id, notice code, cells, and the key of a patch_document column's notice (none in older packs). */
  notices: [string, string, number, string?][];
  spansByStatus: Record<SpanStatus, number>;
  rowsWithErrors: number;
  rowsWithWarnings: number;
  blankRows: number;
}

function emptyStatusCounts(): Record<SpanStatus, number> {
  return { ready: 0, warnings: 0, blocked: 0, empty: 0 };
}

/**
 * The counts of a sheet's summary, each issue, row and span counted in (+1) when it appears and out (−1) when it
 * goes, so an edit changes them without counting the sheet again.
 */
export class SheetTallies {
  errors = 0;
  warnings = 0;
  private readonly byCode = new Map<IssueCode, number>();
  readonly notices = new NoticeTally();
  spansByStatus = emptyStatusCounts();
  rowsWithErrors = 0;
  rowsWithWarnings = 0;
  blankRows = 0;

  static unpack(packed: PackedTallies): SheetTallies {
    const tallies = new SheetTallies();
    tallies.errors = packed.errors;
    tallies.warnings = packed.warnings;
    for (const [code, count] of packed.byCode) tallies.byCode.set(code, count);
    for (const [columnId, code, cells, key] of packed.notices)
      tallies.notices.add(columnId, code, cells, key);
    tallies.spansByStatus = { ...packed.spansByStatus };
    tallies.rowsWithErrors = packed.rowsWithErrors;
    tallies.rowsWithWarnings = packed.rowsWithWarnings;
    tallies.blankRows = packed.blankRows;
    return tallies;
  }

  pack(): PackedTallies {
    return {
      errors: this.errors,
      warnings: this.warnings,
      byCode: [...this.byCode],
      notices: this.notices.entries(),
      spansByStatus: { ...this.spansByStatus },
      rowsWithErrors: this.rowsWithErrors,
      rowsWithWarnings: this.rowsWithWarnings,
      blankRows: this.blankRows,
    };
  }

  clear(): void {
    this.errors = 0;
    this.warnings = 0;
    this.byCode.clear();
    this.notices.clear();
    this.spansByStatus = emptyStatusCounts();
    this.rowsWithErrors = 0;
    this.rowsWithWarnings = 0;
    this.blankRows = 0;
  }

  codes(): Partial<Record<IssueCode, number>> {
    return Object.fromEntries(this.byCode);
  }

  issues(issues: readonly Issue[], sign: 1 | -1): void {
    for (const issue of issues) {
      if (issue.severity === 'error') this.errors += sign;
      else this.warnings += sign;
      const count = (this.byCode.get(issue.code) ?? 0) + sign;
      if (count === 0) this.byCode.delete(issue.code);
      else this.byCode.set(issue.code, count);
    }
  }

  row(result: RowCounts, sign: 1 | -1): void {
    if (result.blank) this.blankRows += sign;
    if (result.issues.length > 0) this.issues(result.issues, sign);
    if (result.notices.length > 0) this.notices.tally(result.notices, sign);
  }

  /** Counts a span in or out: its status, and the issues its findings (`SPAN_*` bits) make on its rows. */
  span(status: SpanStatus, findings: number, rowCount: number, sign: 1 | -1): void {
    this.spansByStatus[status] += sign;
    if (findings === 0) return;
    for (const { code, count } of spanFindingCounts(findings, rowCount)) this.code(code, count * sign);
  }

  /** Counts `delta` issues of one code in (or out, when negative). */
  private code(code: IssueCode, delta: number): void {
    if (severityOf(code) === 'error') this.errors += delta;
    else this.warnings += delta;
    const count = (this.byCode.get(code) ?? 0) + delta;
    if (count === 0) this.byCode.delete(code);
    else this.byCode.set(code, count);
  }

  /** Counts a row's change of flags: rows with errors, and rows with warnings but no error. */
  rowFlags(old: number, flag: number): void {
    this.rowsWithErrors += (flag & ERROR_FLAG ? 1 : 0) - (old & ERROR_FLAG ? 1 : 0);
    this.rowsWithWarnings +=
      (flag & WARNING_FLAG && !(flag & ERROR_FLAG) ? 1 : 0) -
      (old & WARNING_FLAG && !(old & ERROR_FLAG) ? 1 : 0);
  }
}
