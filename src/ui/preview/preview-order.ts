import type { SpanResult, SpanStatus } from '@/core/patch';
import { valueText } from '@/ui/shared/cell-text';

/** Where a span stands in the Preview's order: problems first, then the rest in sheet order. */
export type PreviewRank = 'predicted' | 'blocked' | 'other';

/**
 * A span's place in the Preview: a predicted failure first (the server is expected to refuse it), then a span
 * the sheet blocks (it is not sent), then every other span.
 */
export function previewRank(status: SpanStatus | undefined, predictedFailure: boolean): PreviewRank {
  if (predictedFailure) return 'predicted';
  return status === 'blocked' ? 'blocked' : 'other';
}

/**
 * The spans in the Preview's order: predicted failures, then blocked spans, then the others, each group in sheet
 * order. Linear in the number of spans (40,000 spans are sorted on every change).
 */
export function problemsFirst(spanIds: readonly string[], rankOf: (spanId: string) => PreviewRank): string[] {
  const predicted: string[] = [];
  const blocked: string[] = [];
  const others: string[] = [];
  for (const spanId of spanIds) {
    const rank = rankOf(spanId);
    if (rank === 'predicted') predicted.push(spanId);
    else if (rank === 'blocked') blocked.push(spanId);
    else others.push(spanId);
  }
  return [...predicted, ...blocked, ...others];
}

/** The search text as it is compared: trimmed and lowercased; empty means no search. */
export function normalizeSearch(text: string): string {
  return text.trim().toLowerCase();
}

/**
 * Whether a span matches the Preview's search (already normalized): its span ID, or a key of its patch, or a
 * value as typed or as stored (as the card shows it, text in quotes or not), contains the text, ignoring case.
 */
export function spanMatchesSearch(span: Pick<SpanResult, 'spanId' | 'patch'>, query: string): boolean {
  if (query === '') return true;
  if (span.spanId.toLowerCase().includes(query)) return true;
  return span.patch.some(
    (entry) =>
      entry.key.toLowerCase().includes(query) ||
      valueText(entry.input).toLowerCase().includes(query) ||
      valueText(entry.stored).toLowerCase().includes(query),
  );
}
