import type { AggregatedResponse, SpanError } from '@/core/api-schema';
import type { CellValue } from '@/core/cell-reading';
import type { ColumnSettings } from '@/core/columns';
import { type ErrorType, parseErrorMessage } from '@/core/error-types';
import type { StoredValue } from '@/core/stored-form';

/** One failed span, as the results table lists it. */
export interface FailedSpan {
  spanId: string;
  type: ErrorType;
  message: string;
  /** 1-based rows of the sheet the span came from, when it was submitted. */
  rows: number[];
}

/** What a finished submission leaves for the Results tab: the response and enough of the sheet to act on it. */
export interface SubmissionOutcome {
  project: string;
  startedAt: string;
  finishedAt: string;
  cancelled: boolean;
  result: AggregatedResponse;
  /** The sheet's columns when it was submitted, for exporting and fixing failed rows. */
  columns: ColumnSettings[];
  /** Per failed or unsent span: its sheet rows (1-based) and their cells, aligned with `columns`. */
  spans: Map<string, { rows: number[]; cells: CellValue[][] }>;
  /** The patch each failed or unsent span was sent with, for Retry. */
  patches: Map<string, Record<string, StoredValue>>;
}

/** The failed spans of a response, with their type and source rows. */
export function failedSpans(outcome: SubmissionOutcome): FailedSpan[] {
  return outcome.result.errors.map((error: SpanError) => {
    const { type } = parseErrorMessage(error.error_message);
    return {
      spanId: error.span_id,
      type,
      message: error.error_message,
      rows: outcome.spans.get(error.span_id)?.rows ?? [],
    };
  });
}

/** The span IDs that failed because they could not be delivered: what Retry sends again. */
export function connectionFailures(result: AggregatedResponse): string[] {
  return result.errors
    .filter((error) => parseErrorMessage(error.error_message).type === 'connection_failure')
    .map((error) => error.span_id);
}

/**
 * The result after re-sending some spans: their old outcome is replaced by the new one, counts follow, and
 * spans still not sent stay listed as not sent.
 */
export function mergeRetry(
  previous: AggregatedResponse,
  retried: readonly string[],
  retry: AggregatedResponse,
): AggregatedResponse {
  const retriedSet = new Set(retried);
  const kept = previous.errors.filter((error) => !retriedSet.has(error.span_id));
  const previouslyFailed = previous.errors.length - kept.length;
  return {
    spans_processed: previous.spans_processed - previouslyFailed + retry.spans_processed,
    spans_updated: previous.spans_updated + retry.spans_updated,
    spans_failed: previous.spans_failed - previouslyFailed + retry.spans_failed,
    errors: [...kept, ...retry.errors],
    submission_id: previous.submission_id || retry.submission_id,
    submission_ids: [...previous.submission_ids, ...retry.submission_ids],
    not_sent: [...previous.not_sent.filter((spanId) => !retriedSet.has(spanId)), ...retry.not_sent],
  };
}
