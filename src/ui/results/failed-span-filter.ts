import type { CellValue } from '@/core/import';
import type { FailedSpan, SubmissionOutcome } from '@/core/outcome';
import { describeErrorMessage } from '@/core/words';

/** What narrows the failed spans: the error types selected (none selected = every type) and a search text. */
export interface FailedSpanFilter {
  types: ReadonlySet<string>;
  search: string;
}

/** True when the filter hides anything: a type is selected or there is search text. */
export function isFilterActive(filter: FailedSpanFilter): boolean {
  return filter.types.size > 0 || filter.search.trim() !== '';
}

/**
 * The failed spans a filter shows: of any selected type (several types = their union), and whose span ID or
 * message (as sent, or as shown in words) contains the search text, ignoring case.
 */
export function filterFailedSpans(spans: readonly FailedSpan[], filter: FailedSpanFilter): FailedSpan[] {
  const query = filter.search.trim().toLowerCase();
  if (filter.types.size === 0 && query === '') return [...spans];
  return spans.filter(
    (span) =>
      (filter.types.size === 0 || filter.types.has(span.type)) &&
      (query === '' ||
        span.spanId.toLowerCase().includes(query) ||
        span.message.toLowerCase().includes(query) ||
        describeErrorMessage(span.message).text.toLowerCase().includes(query)),
  );
}

/**
 * The sheet rows of some failed or blocked spans, as they were when submitted (saved with the outcome, never
 * read from the sheet as it is now): cells aligned with `outcome.columns`, in sheet order, each row once. Spans
 * whose rows are unknown add nothing.
 */
export function failedRowCells(outcome: SubmissionOutcome, spans: readonly FailedSpan[]): CellValue[][] {
  const rows = new Map<number, CellValue[]>();
  const seen = new Set<string>();
  for (const span of spans) {
    if (seen.has(span.spanId)) continue;
    seen.add(span.spanId);
    const source = outcome.spans.get(span.spanId);
    if (!source) continue;
    source.rows.forEach((row, index) => {
      const cells = source.cells[index];
      if (cells && !rows.has(row)) rows.set(row, cells);
    });
  }
  return [...rows].sort(([a], [b]) => a - b).map(([, cells]) => cells);
}

/** Sheet rows as a short text: consecutive rows as a range, "3–5, 9"; "—" when there are none. */
export function formatSourceRows(rows: readonly number[]): string {
  if (rows.length === 0) return '—';
  const sorted = [...new Set(rows)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0] ?? 0;
  let end = start;
  for (const row of sorted.slice(1)) {
    if (row === end + 1) {
      end = row;
      continue;
    }
    parts.push(start === end ? String(start) : `${start}–${end}`);
    start = row;
    end = row;
  }
  parts.push(start === end ? String(start) : `${start}–${end}`);
  return parts.join(', ');
}
