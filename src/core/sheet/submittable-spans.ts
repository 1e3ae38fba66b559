import type { SheetIssue } from '@/core/columns';
import {
  isSubmittable,
  type SpanResult,
  type SpanStatus,
  storedPatch,
  type StoredSpanPatch,
} from '@/core/patch';
import { type SheetSummary, submittableCount } from './sheet-tallies';

/** What choosing the spans to submit reads of a sheet (`SheetModel`). */
export interface SpanSource {
  readonly sheetIssues: readonly SheetIssue[];
  summary(): SheetSummary;
  spanIdsWhere(test: (status: SpanStatus) => boolean): string[];
  span(spanId: string): SpanResult | undefined;
}

/** The IDs of the spans a submit sends (`isSubmittable`), in the order of their first row, from their status alone. */
export function submittableSpanIds(sheet: SpanSource): string[] {
  if (submittableCount(sheet.summary()) === 0) return [];
  const sheetBlocked = sheet.sheetIssues.length > 0;
  return sheet.spanIdsWhere((status) => isSubmittable(status, sheetBlocked));
}

/** The spans named as they are submitted, with their patches (a batch's worth, computed when it is sent). */
export function submittedPatches(sheet: SpanSource, spanIds: readonly string[]): StoredSpanPatch[] {
  const spans: StoredSpanPatch[] = [];
  for (const spanId of spanIds) {
    const span = sheet.span(spanId);
    if (span) spans.push({ span_id: spanId, patch_document: storedPatch(span.patch) });
  }
  return spans;
}

/** Every span a submit sends, with its patch, at once (a page sends a large sheet's a batch at a time). */
export function submittableSpans(sheet: SpanSource): StoredSpanPatch[] {
  return submittedPatches(sheet, submittableSpanIds(sheet));
}
