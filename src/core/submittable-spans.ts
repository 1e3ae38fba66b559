import type { SheetIssue } from './sheet-issues';
import { type SheetSummary, submittableCount } from './sheet-tallies';
import { isSubmittable, type SpanResult, type SpanStatus, storedPatch } from './span-patch';
import type { StoredValue } from './stored-form';

/** A span as it is submitted. */
export interface SubmittableSpan {
  span_id: string;
  patch_document: Record<string, StoredValue>;
}

/** What choosing the spans to submit reads of a sheet (`SheetModel`). */
export interface SpanSource {
  readonly sheetIssues: readonly SheetIssue[];
  summary(): SheetSummary;
  spanIds(): string[];
  spanStatus(spanId: string): SpanStatus | undefined;
  span(spanId: string): SpanResult | undefined;
}

/** How many spans one slice of `submittableSlices` computes: a few milliseconds of work. */
export const SLICE_SPANS = 2_000;

/**
 * The spans a submit sends (`isSubmittable`), in the order of their first row, a slice at a time: no errors,
 * something to change, and a sheet not blocked. Each slice computes the patches of `size` spans, so a caller
 * can yield to the browser between slices instead of freezing a page of a million rows.
 */
export function* submittableSlices(sheet: SpanSource, size = SLICE_SPANS): Generator<SubmittableSpan[]> {
  if (submittableCount(sheet.summary()) === 0) return;
  const sheetBlocked = sheet.sheetIssues.length > 0;
  const spanIds = sheet.spanIds();
  for (let start = 0; start < spanIds.length; start += size) {
    const slice: SubmittableSpan[] = [];
    for (const spanId of spanIds.slice(start, start + size)) {
      const status = sheet.spanStatus(spanId);
      if (status === undefined || !isSubmittable(status, sheetBlocked)) continue;
      const span = sheet.span(spanId);
      if (span) slice.push({ span_id: spanId, patch_document: storedPatch(span.patch) });
    }
    yield slice;
  }
}

/** Every span a submit sends, at once (`submittableSlices` for a large sheet in a page). */
export function submittableSpans(sheet: SpanSource): SubmittableSpan[] {
  const spans: SubmittableSpan[] = [];
  for (const slice of submittableSlices(sheet)) for (const span of slice) spans.push(span);
  return spans;
}

/** Every span a submit sends, yielding to the event loop between slices; stops when `signal` aborts. */
export async function submittableSpansInSlices(
  sheet: SpanSource,
  pause: () => Promise<void>,
  signal?: AbortSignal,
): Promise<SubmittableSpan[]> {
  const spans: SubmittableSpan[] = [];
  for (const slice of submittableSlices(sheet)) {
    for (const span of slice) spans.push(span);
    signal?.throwIfAborted();
    await pause();
  }
  return spans;
}
