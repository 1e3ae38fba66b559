import { exceedsPatchLength } from '@/core/api';
import type { ColumnSettings } from '@/core/columns';
import { type Issue, makeIssue } from '@/core/issues';
import { entryLengthBound, type PatchEntry, type RowCheck, type RowResult } from './row-patch';
import type { StoredPatch } from './stored-patch';

/** How many other rows a duplicate_span_id warning names. */
export const MAX_NAMED_ROWS = 10;

/**
 * `ready`: will be submitted as is; `warnings`: will be submitted, with something to know; `blocked`: has an
 * error and is not submitted; `empty`: nothing to change, not submitted.
 */
export type SpanStatus = 'ready' | 'warnings' | 'blocked' | 'empty';

/** Every span status, in the order a summary lists them. */
export const SPAN_STATUSES: readonly SpanStatus[] = ['ready', 'warnings', 'blocked', 'empty'];

/**
 * Whether a submit sends a span (SPEC §4): one that is ready or has only warnings, and only while the sheet has
 * no sheet-wide issue (`sheetBlocked`), which blocks every span. The one rule behind the submit button's count,
 * the spans sent and the spans the preview compares with the server.
 */
export function isSubmittable(status: SpanStatus, sheetBlocked: boolean): boolean {
  return !sheetBlocked && (status === 'ready' || status === 'warnings');
}

/** The merged patch of one span, with provenance per key, and everything said about it. */
export interface SpanResult {
  spanId: string;
  /** 1-based rows of the span, in sheet order. */
  rows: number[];
  /** The merged patch in stored form, key by key, with the row and column each value came from. */
  patch: PatchEntry[];
  /** Issues about the span as a whole: duplicates, size, depth, nothing to change. */
  issues: Issue[];
  status: SpanStatus;
  /** Errors and warnings of the span's rows and of the span itself. */
  errorCount: number;
  warningCount: number;
}

/**
 * What is said about a span as a whole, as bits: the sheet engine keeps these per span (a byte each, no object)
 * and the issues are made from them only when shown (`spanIssuesOf`, `spanIssuesOnRow`).
 */
export const SPAN_DUPLICATE = 1;
/** Nothing to change: an `empty_patch` warning on each of its rows. */
export const SPAN_EMPTY = 2;
/** The merged patch is over the length limit: a `patch_too_large` error on its first row. */
export const SPAN_TOO_LARGE = 4;

/** A span's merged patch and what is said about it, without an issue object: `findings` are `SPAN_*` bits. */
export interface SpanCheck {
  patch: PatchEntry[];
  status: SpanStatus;
  findings: number;
  /** The merged patch's JSON length when it is over the limit (`SPAN_TOO_LARGE`), else 0. */
  length: number;
  errorCount: number;
  warningCount: number;
}

/** How many issues of each code a span's findings make, over `rowCount` rows. */
export function spanFindingCounts(
  findings: number,
  rowCount: number,
): { code: 'duplicate_span_id' | 'empty_patch' | 'patch_too_large'; count: number }[] {
  const counts: { code: 'duplicate_span_id' | 'empty_patch' | 'patch_too_large'; count: number }[] = [];
  if (findings & SPAN_DUPLICATE) counts.push({ code: 'duplicate_span_id', count: rowCount });
  if (findings & SPAN_TOO_LARGE) counts.push({ code: 'patch_too_large', count: 1 });
  if (findings & SPAN_EMPTY) counts.push({ code: 'empty_patch', count: rowCount });
  return counts;
}

/**
 * Merges the rows of one span (SPEC §4): in row order, later rows winning per key; then checks the merged patch
 * against the size limit (SPEC §5). NOTE: not the depth limit: each row refuses a value too deep (`row-patch.ts`),
 * and merging per key cannot nest a value deeper. Makes no issue object: see `computeSpan` for those.
 */
export function checkSpan(
  rowIndexes: readonly number[],
  rowResult: (rowIndex: number) => RowResult | undefined,
): SpanCheck {
  let rowErrors = 0;
  let rowWarnings = 0;
  let patch: PatchEntry[];
  if (rowIndexes.length === 1) {
    const result = rowResult(rowIndexes[0] ?? 0);
    rowErrors = result?.errorCount ?? 0;
    rowWarnings = result?.warningCount ?? 0;
    patch = result?.entries ?? [];
  } else {
    const merged = new Map<string, PatchEntry>();
    for (const index of rowIndexes) {
      const result = rowResult(index);
      if (!result) continue;
      rowErrors += result.errorCount;
      rowWarnings += result.warningCount;
      for (const entry of result.entries) merged.set(entry.key, entry);
    }
    patch = [...merged.values()];
  }
  let findings = 0;
  let length = 0;
  if (rowIndexes.length > 1) findings |= SPAN_DUPLICATE;
  if (mayExceedLength(patch)) {
    const exact = JSON.stringify(storedPatch(patch)).length;
    if (exceedsPatchLength(exact)) {
      findings |= SPAN_TOO_LARGE;
      length = exact;
    }
  }
  if (patch.length === 0 && rowErrors === 0) findings |= SPAN_EMPTY;
  let errorCount = rowErrors;
  let warningCount = rowWarnings;
  for (const { code, count } of spanFindingCounts(findings, rowIndexes.length)) {
    if (code === 'patch_too_large') errorCount += count;
    else warningCount += count;
  }
  const status: SpanStatus =
    errorCount > 0 ? 'blocked' : patch.length === 0 ? 'empty' : warningCount > 0 ? 'warnings' : 'ready';
  return { patch, status, findings, length, errorCount, warningCount };
}

/** A span as a sheet engine keeps it, to make its issues from: its ID, its rows (0-based) and its findings. */
export interface SpanFindings {
  spanId: string;
  findings: number;
  /** The merged patch's length when it is too large (`SPAN_TOO_LARGE`). */
  length: number;
  rowCount: number;
  /** The span's first 0-based row. */
  firstRow: number;
  /** Its first rows, 0-based in sheet order: at least `MAX_NAMED_ROWS + 1` of them, or all. */
  firstRows: readonly number[];
}

/** The duplicate_span_id warning on a 1-based row: the first few other rows named, and how many there are. */
function duplicateIssue(span: SpanFindings, row: number, spanColumn: ColumnSettings): Issue {
  const otherRows: number[] = [];
  for (const index of span.firstRows) {
    if (otherRows.length === MAX_NAMED_ROWS) break;
    if (index + 1 !== row) otherRows.push(index + 1);
  }
  const details = {
    code: 'duplicate_span_id' as const,
    spanId: span.spanId,
    otherRows,
    otherCount: span.rowCount - 1,
  };
  return makeIssue(details, row, spanColumn);
}

/** The issues about a span as a whole located on one of its rows (1-based), made from its findings. */
export function spanIssuesOnRow(span: SpanFindings, row: number, spanColumn: ColumnSettings): Issue[] {
  if (span.findings === 0) return [];
  const issues: Issue[] = [];
  if (span.findings & SPAN_DUPLICATE) issues.push(duplicateIssue(span, row, spanColumn));
  if (span.findings & SPAN_TOO_LARGE && row === span.firstRow + 1) {
    issues.push(makeIssue({ code: 'patch_too_large', length: span.length }, row, spanColumn));
  }
  if (span.findings & SPAN_EMPTY) issues.push(makeIssue({ code: 'empty_patch' }, row, spanColumn));
  return issues;
}

/** Every issue about a span as a whole, made from its findings: duplicates, then size, then nothing to change. */
export function spanIssuesOf(
  span: SpanFindings,
  rows: readonly number[],
  spanColumn: ColumnSettings,
): Issue[] {
  const issues: Issue[] = [];
  if (span.findings & SPAN_DUPLICATE)
    for (const row of rows) issues.push(duplicateIssue(span, row, spanColumn));
  if (span.findings & SPAN_TOO_LARGE) {
    issues.push(makeIssue({ code: 'patch_too_large', length: span.length }, rows[0] ?? null, spanColumn));
  }
  if (span.findings & SPAN_EMPTY)
    for (const row of rows) issues.push(makeIssue({ code: 'empty_patch' }, row, spanColumn));
  return issues;
}

/**
 * Merges the rows of one span and says everything about it (`checkSpan`, with the issues made): for a span shown
 * or a small sheet.
 */
export function computeSpan(
  spanId: string,
  rowIndexes: readonly number[],
  rowResult: (rowIndex: number) => RowResult,
  spanColumn: ColumnSettings,
): SpanResult {
  const rows = rowIndexes.map((index) => index + 1);
  const check = checkSpan(rowIndexes, rowResult);
  const findings: SpanFindings = {
    spanId,
    findings: check.findings,
    length: check.length,
    rowCount: rowIndexes.length,
    firstRow: rowIndexes[0] ?? 0,
    firstRows: rowIndexes.slice(0, MAX_NAMED_ROWS + 1),
  };
  const issues = spanIssuesOf(findings, rows, spanColumn);
  const { patch, status, errorCount, warningCount } = check;
  return { spanId, rows, patch, issues, status, errorCount, warningCount };
}

/**
 * The status of a span of one row when nothing can be said about the span as a whole (surely within the size
 * limit, something to change or an error): then it follows from the row alone, as `computeSpan` would find it.
 * Null when `computeSpan` must look.
 */
export function quietSingleRowStatus(row: RowResult): SpanStatus | null {
  if (row.entries.length === 0 && row.errorCount === 0) return null;
  if (mayExceedLength(row.entries)) return null;
  if (row.errorCount > 0) return 'blocked';
  return row.warningCount > 0 ? 'warnings' : 'ready';
}

/** `quietSingleRowStatus` of a row checked without its patch (`RowChecker`). */
export function quietCheckedRowStatus(row: RowCheck): SpanStatus | null {
  if (row.entryCount === 0 && row.errorCount === 0) return null;
  if (exceedsPatchLength(row.lengthBound)) return null;
  if (row.errorCount > 0) return 'blocked';
  return row.warningCount > 0 ? 'warnings' : 'ready';
}

/**
 * False when a patch is certainly within the length limit, so the exact JSON length need not be computed: JSON
 * writes a character as at most 6 (`\u0000`), and a number or the punctuation around a key as at most 30.
 */
function mayExceedLength(patch: readonly PatchEntry[]): boolean {
  let bound = 2;
  for (const entry of patch) bound += entryLengthBound(entry.key, entry.stored);
  return exceedsPatchLength(bound);
}

/** The patch document that is submitted for a span: each key's stored value. */
export function storedPatch(patch: readonly PatchEntry[]): StoredPatch {
  const document: StoredPatch = {};
  for (const entry of patch) document[entry.key] = entry.stored;
  return document;
}
