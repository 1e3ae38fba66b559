import { exceedsPatchLength } from '@/core/api';
import type { ColumnSettings } from '@/core/columns';
import { type Issue, makeIssue } from '@/core/issues';
import { entryLengthBound, type PatchEntry, type RowCheck, type RowResult } from './row-patch';
import type { StoredPatch } from './stored-patch';

/** How many other rows a duplicate_span_id warning names. */
const MAX_NAMED_ROWS = 10;

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
 * Merges the rows of one span (SPEC §4): in row order, later rows winning per key; then checks the merged patch
 * against the size limit (SPEC §5). NOTE: not the depth limit: each row refuses a value too deep (`row-patch.ts`),
 * and merging per key cannot nest a value deeper.
 */
export function computeSpan(
  spanId: string,
  rowIndexes: readonly number[],
  rowResult: (rowIndex: number) => RowResult,
  spanColumn: ColumnSettings,
): SpanResult {
  const rows = rowIndexes.map((index) => index + 1);
  const issues: Issue[] = [];
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
  if (rows.length > 1) {
    // NOTE: only the first few other rows are named, so a span repeated on thousands of rows stays linear.
    const firstRows = rows.slice(0, MAX_NAMED_ROWS + 1);
    for (const row of rows) {
      const otherRows = firstRows.filter((other) => other !== row).slice(0, MAX_NAMED_ROWS);
      const details = { code: 'duplicate_span_id' as const, spanId, otherRows, otherCount: rows.length - 1 };
      issues.push(makeIssue(details, row, spanColumn));
    }
  }
  if (mayExceedLength(patch)) {
    const length = JSON.stringify(storedPatch(patch)).length;
    if (exceedsPatchLength(length)) {
      issues.push(makeIssue({ code: 'patch_too_large', length }, rows[0] ?? null, spanColumn));
    }
  }
  if (patch.length === 0 && rowErrors === 0) {
    for (const row of rows) issues.push(makeIssue({ code: 'empty_patch' }, row, spanColumn));
  }
  let spanErrors = 0;
  for (const issue of issues) if (issue.severity === 'error') spanErrors++;
  const errorCount = rowErrors + spanErrors;
  const warningCount = rowWarnings + issues.length - spanErrors;
  const status: SpanStatus =
    errorCount > 0 ? 'blocked' : patch.length === 0 ? 'empty' : warningCount > 0 ? 'warnings' : 'ready';
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
