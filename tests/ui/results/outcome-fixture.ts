import type { AggregatedResponse } from '@/core/api';
import { autoMapColumns } from '@/core/columns';
import type { CellValue } from '@/core/import';
import type { SubmissionOutcome } from '@/core/outcome';

/** A failed span of a fixture: its ID, its error message, and its sheet rows (1-based) with their cells. */
export interface FixtureSpan {
  spanId: string;
  message: string;
  rows: { row: number; cells: CellValue[] }[];
}

export const COLUMNS = autoMapColumns([
  'context.span_id',
  'attributes.metadata.score',
  'attributes.metadata.note',
]).columns;

function span(spanId: string, message: string, row: number, score: CellValue, note: CellValue): FixtureSpan {
  return { spanId, message, rows: [{ row, cells: [spanId, score, note] }] };
}

/** Twelve failures: every known type (type_conflict three times), one unknown and one unlisted type. */
export const FAILED: FixtureSpan[] = [
  span(
    'tc-0001',
    "[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8",
    2,
    'high',
    '=SUM(A1)',
  ),
  span(
    'tc-0002',
    "[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8",
    5,
    'low',
    'He said "hi", then left',
  ),
  span('tc-0003', "[type_conflict] Type conflict on 'note': stored Utf8, patch has Int64", 9, 7, 12),
  span('pf-0001', '[parse_failure] patch_document is not JSON: Unexpected token', 3, undefined, '{bad'),
  span('pa-0001', "[patch_failure] Invalid key '' in patch", 4, 1, ''),
  span('nf-0001', "[segment_not_found] No span 'nf-0001' in project demo", 6, 2, 'gone'),
  span('nf-0002', "[segment_not_found] No span 'nf-0002' in project demo", 7, -3, '+cmd'),
  span('cf-0001', '[connection_failure] Could not reach the server: fetch failed', 8, 4, 'retry me'),
  span('cf-0002', '[connection_failure] Could not reach the server: fetch failed', 10, 5, null),
  span('dr-0001', '[druid_rejection] Metadata would exceed 1,000,000 characters', 11, 6, '@user'),
  span('un-0001', 'Something odd happened without a type', 12, 8, 'plain'),
  span('rl-0001', '[rate_limited] Too many writes to this project', 13, 9, 'later'),
];

/** Spans the sheet blocked: bad JSON (twice) and a value that is not a number. */
export const BLOCKED: FixtureSpan[] = [
  span(
    'bl-0001',
    '[parse_failure] Blocked before sending: Row 14, column patch_document: patch_document is not valid JSON: Unexpected end.',
    14,
    1,
    '{"a":',
  ),
  span(
    'bl-0002',
    '[parse_failure] Blocked before sending: Row 15, column patch_document: patch_document is not valid JSON: Unexpected end.',
    15,
    2,
    '{"b":',
  ),
  span(
    'bl-0003',
    '[patch_failure] Blocked before sending: Row 16, column attributes.metadata.score: "high" is not a number.',
    16,
    'high',
    'n',
  ),
];

/**
 * An outcome with these failures (and these spans blocked by the sheet); the counts are the server's own, not
 * derived from the errors, unless overridden.
 */
export function makeOutcome(
  failed: readonly FixtureSpan[] = FAILED,
  overrides: Partial<AggregatedResponse> = {},
  cancelled = false,
  blocked: readonly FixtureSpan[] = [],
): SubmissionOutcome {
  const undelivered = failed
    .filter((entry) => entry.message.startsWith('[connection_failure]'))
    .map((entry) => entry.spanId);
  const result: AggregatedResponse = {
    spans_processed: 28 + failed.length,
    spans_updated: 28,
    spans_unchanged: 0,
    spans_failed: failed.length,
    errors: failed.map((entry) => ({ span_id: entry.spanId, error_message: entry.message })),
    submission_id: 'sub-1',
    not_sent: [],
    undelivered_batches:
      undelivered.length > 0 ? [{ idempotency_key: 'batch-key-2', span_ids: undelivered }] : [],
    ...overrides,
  };
  return {
    project: 'demo',
    label: 'review.csv',
    source: { name: 'review.csv', kind: 'file' },
    startedAt: '2025-03-04T10:00:00.000Z',
    finishedAt: '2025-03-04T10:00:05.000Z',
    cancelled,
    result,
    blocked: blocked.map((entry) => ({ span_id: entry.spanId, error_message: entry.message })),
    columns: COLUMNS,
    spans: new Map(
      [...failed, ...blocked].map((entry) => [
        entry.spanId,
        { rows: entry.rows.map((row) => row.row), cells: entry.rows.map((row) => row.cells) },
      ]),
    ),
    patches: new Map(
      [...undelivered, ...result.not_sent].map((spanId) => [spanId, { reviewed: 'yes', span: spanId }]),
    ),
    skippedUpToDate: 0,
    leftOut: [],
    lastRetry: null,
  };
}
