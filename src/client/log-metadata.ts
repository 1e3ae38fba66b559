import {
  type AggregatedResponse,
  aggregateResponses,
  describeSchemaError,
  MAX_SPANS_PER_REQUEST,
  type PatchResponse,
  patchResponseSchema,
  type SpanPatch,
} from '@/core/api-schema';
import { formatErrorMessage } from '@/core/error-types';
import { findResponseContradiction } from '@/core/response-consistency';
import { apiHeaders, apiUrl, type ClientOptions, describeNetworkError, errorMessageOf } from './api-request';
import {
  backoffDelay,
  DEFAULT_REQUEST_TIMEOUT_MS,
  formatDuration,
  parseRetryAfter,
  randomKey,
  runWithTimeout,
  sleep,
} from './retry-timing';

/** Where a submission stands, reported after each batch and before each retry. */
export interface SubmissionProgress {
  /** Spans of finished batches (delivered or failed). */
  spansDone: number;
  spansTotal: number;
  batchesDone: number;
  batchesTotal: number;
  spansUpdated: number;
  spansFailed: number;
  /** Retries made so far, over all batches. */
  retries: number;
  /** Set when this report announces a retry: which batch (0-based), after how long, and why. */
  retrying: { batch: number; attempt: number; delayMs: number; reason: string } | null;
}

/** Options of `logMetadata`: where the server is, batching, cancel, progress and retry timing. */
export interface LogMetadataOptions extends Omit<ClientOptions, 'signal' | 'timeoutMs'> {
  /** Spans per request; at most 10,000. Default 5,000. */
  batchSize?: number;
  /** Requests in flight at once. Default 2. */
  concurrency?: number;
  /**
   * Cancels the submission at once: no new batch starts (those are reported in `not_sent`), pending retries
   * stop, and requests in flight are aborted. Their spans fail with `[connection_failure]` saying that the
   * outcome is unknown and that Retry (same Idempotency-Key) applies them at most once. `logMetadata` resolves
   * right after the abort, without waiting for the network.
   */
  signal?: AbortSignal;
  onProgress?: (progress: SubmissionProgress) => void;
  /** Retries per batch on a network error, 5xx or 429. Default 3. */
  maxRetries?: number;
  /** First retry delay; doubles each retry, with jitter. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Longest wait between retries; a Retry-After beyond it ends the retries. Default 60 s. */
  retryMaxDelayMs?: number;
  /**
   * Longest time for one attempt, from sending to the last byte of the answer; past it the attempt counts as a
   * network error (retried). Default 30 s; `Infinity` for no limit.
   */
  requestTimeoutMs?: number;
  /** Random source for the jitter (tests). */
  random?: () => number;
  /** Makes each batch's Idempotency-Key (tests); default a random UUID. */
  createIdempotencyKey?: () => string;
}

type BatchResult = { kind: 'answered'; response: PatchResponse } | { kind: 'not_sent' };

interface Attempt {
  /** Why the attempt failed. */
  failure: string;
  retryable: boolean;
  retryAfterMs: number | null;
  /** False only when the server answered that it did not process the batch (429 / 503). */
  mayHaveApplied: boolean;
  /** True when the user cancelled during the attempt: stop at once, without retrying. */
  cancelled?: boolean;
}

/** What the spans of a batch aborted by a cancel fail with (SPEC §7). */
export const CANCELLED_IN_FLIGHT =
  'Cancelled while the request was in flight, so the outcome is unknown: the server may or may not have ' +
  'applied it. Retry (same Idempotency-Key) applies it at most once.';

/**
 * Submits metadata patches (SPEC §7): in batches, `concurrency` at a time, each batch with its own
 * Idempotency-Key reused on its retries; each attempt under a timeout (answer body included); retries network
 * errors, timeouts, 5xx and 429 with exponential backoff and jitter, honouring Retry-After; validates every
 * answer with the shared schema and against its batch's counts. Returns one aggregated response: spans of a
 * batch that could not be delivered (or whose answer contradicts it, or that a cancel aborted in flight) fail
 * with `[connection_failure] <what happened>`, spans not sent because of a cancel are listed in `not_sent`.
 */
export async function logMetadata(
  project: string,
  spans: readonly SpanPatch[],
  options: LogMetadataOptions = {},
): Promise<AggregatedResponse> {
  const batchSize = options.batchSize ?? 5_000;
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_SPANS_PER_REQUEST) {
    throw new RangeError(`batchSize must be an integer from 1 to ${MAX_SPANS_PER_REQUEST}`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError('concurrency must be a positive integer');
  }
  if (project === '') throw new RangeError('project must not be empty');

  const batches: SpanPatch[][] = [];
  for (let start = 0; start < spans.length; start += batchSize)
    batches.push(spans.slice(start, start + batchSize));
  const results: (BatchResult | undefined)[] = new Array<BatchResult | undefined>(batches.length);
  const progress: SubmissionProgress = {
    spansDone: 0,
    spansTotal: spans.length,
    batchesDone: 0,
    batchesTotal: batches.length,
    spansUpdated: 0,
    spansFailed: 0,
    retries: 0,
    retrying: null,
  };
  const report = (retrying: SubmissionProgress['retrying']) =>
    options.onProgress?.({ ...progress, retrying });

  let nextBatch = 0;
  const worker = async () => {
    for (;;) {
      if (options.signal?.aborted) return;
      const index = nextBatch++;
      const batch = batches[index];
      if (batch === undefined) return;
      const result = await deliverBatch(project, batch, index, options, (retrying) => {
        progress.retries++;
        report(retrying);
      });
      results[index] = result;
      if (result.kind === 'answered') {
        progress.spansDone += batch.length;
        progress.batchesDone++;
        progress.spansUpdated += result.response.spans_updated;
        progress.spansFailed += result.response.spans_failed;
        report(null);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));

  const parts: PatchResponse[] = [];
  const notSent: string[] = [];
  batches.forEach((batch, index) => {
    const result = results[index];
    if (result?.kind === 'answered') parts.push(result.response);
    else for (const span of batch) notSent.push(span.span_id);
  });
  return aggregateResponses(parts, notSent);
}

async function deliverBatch(
  project: string,
  batch: readonly SpanPatch[],
  index: number,
  options: LogMetadataOptions,
  onRetry: (retrying: NonNullable<SubmissionProgress['retrying']>) => void,
): Promise<BatchResult> {
  const maxRetries = options.maxRetries ?? 3;
  const baseDelay = options.retryBaseDelayMs ?? 500;
  const maxDelay = options.retryMaxDelayMs ?? 60_000;
  const random = options.random ?? Math.random;
  const idempotencyKey = (options.createIdempotencyKey ?? randomKey)();
  const body = JSON.stringify({ spans: batch });
  const spanIds = batch.map((span) => span.span_id);
  let mayHaveApplied = false;
  for (let attempt = 0; ; attempt++) {
    const outcome = await sendOnce(project, body, spanIds, idempotencyKey, options);
    if ('response' in outcome) return { kind: 'answered', response: outcome.response };
    if (outcome.cancelled) return undeliverable(batch, outcome.failure);
    mayHaveApplied ||= outcome.mayHaveApplied;
    const tries = attempt + 1;
    const failure = tries > 1 ? `${outcome.failure} (after ${tries} attempts)` : outcome.failure;
    if (!outcome.retryable || attempt >= maxRetries) return undeliverable(batch, failure);
    if (outcome.retryAfterMs !== null && outcome.retryAfterMs > maxDelay) {
      return undeliverable(
        batch,
        `${outcome.failure}; the server asked to retry after ${formatDuration(outcome.retryAfterMs)}`,
      );
    }
    const delayMs = outcome.retryAfterMs ?? backoffDelay(attempt, baseDelay, maxDelay, random);
    if (!options.signal?.aborted) onRetry({ batch: index, attempt: tries, delayMs, reason: outcome.failure });
    const waited = await sleep(delayMs, options.signal);
    if (!waited || options.signal?.aborted) {
      // NOTE: cancelled while waiting to retry. If no attempt can have been applied, the batch was simply not
      // sent; otherwise its outcome is unknown, which only a failure tells the user truthfully.
      if (!mayHaveApplied) return { kind: 'not_sent' };
      return undeliverable(
        batch,
        `${failure}; cancelled before retrying, so the server may or may not have applied it`,
      );
    }
  }
}

function undeliverable(batch: readonly SpanPatch[], failure: string): BatchResult {
  const errorMessage = formatErrorMessage('connection_failure', failure);
  return {
    kind: 'answered',
    response: {
      spans_processed: batch.length,
      spans_updated: 0,
      spans_failed: batch.length,
      errors: batch.map((span) => ({ span_id: span.span_id, error_message: errorMessage })),
      submission_id: '',
    },
  };
}

/**
 * One attempt at one batch, answer body included, under the attempt timeout and the user's cancel: the answer
 * validated and checked against the batch, or why it failed and whether a retry may help.
 */
async function sendOnce(
  project: string,
  body: string,
  spanIds: readonly string[],
  idempotencyKey: string,
  options: LogMetadataOptions,
): Promise<{ response: PatchResponse } | Attempt> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let answerStarted = false;
  const end = await runWithTimeout(
    async (signal): Promise<{ response: PatchResponse } | Attempt> => {
      let response: Response;
      try {
        response = await fetchImpl(
          apiUrl(options.baseUrl, `/api/v1/projects/${encodeURIComponent(project)}/spans/metadata`),
          {
            method: 'POST',
            headers: apiHeaders(options.apiKey, {
              'Content-Type': 'application/json',
              'Idempotency-Key': idempotencyKey,
            }),
            body,
            signal,
          },
        );
      } catch (error) {
        return networkFailure(`Could not reach the server: ${describeNetworkError(error)}`);
      }
      answerStarted = true;
      if (!response.ok) {
        const { message } = await errorMessageOf(response);
        const status = response.status;
        return {
          failure: message.startsWith('HTTP ') ? message : `HTTP ${status}: ${message}`,
          retryable: status === 429 || status >= 500,
          retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')),
          mayHaveApplied: status !== 429 && status !== 503 && status >= 500,
        };
      }
      // NOTE: the body is read as text first, so a connection that breaks mid-answer (retried) is told apart
      // from a complete answer that is not JSON (not retried: the server did answer, just not in the API).
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        return networkFailure(
          `The connection broke while the server's answer was arriving: ${describeNetworkError(error)}`,
        );
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        return invalidAnswer(`The server's answer is not JSON (${describeNetworkError(error)})`);
      }
      const parsed = patchResponseSchema.safeParse(json);
      if (!parsed.success) {
        return invalidAnswer(
          `The server's answer does not match the API: ${describeSchemaError(parsed.error)}`,
        );
      }
      // NOTE: an answer whose counts contradict the batch is not retried: the server did answer, and asking
      // again with the same Idempotency-Key would most likely replay the same answer. Its spans fail with
      // connection_failure, so a later Retry (the key makes a repeat safe) can send them again.
      const contradiction = findResponseContradiction(spanIds, parsed.data);
      if (contradiction !== null) {
        return invalidAnswer(`The server's answer contradicts the request: ${contradiction}`);
      }
      return { response: parsed.data };
    },
    timeoutMs,
    options.signal,
  );
  switch (end.kind) {
    case 'done':
      return end.value;
    case 'failed':
      return networkFailure(`Could not reach the server: ${describeNetworkError(end.error)}`);
    case 'timeout':
      return networkFailure(
        answerStarted
          ? `No complete answer from the server within ${formatDuration(timeoutMs)}: the answer began but did not finish`
          : `No answer from the server within ${formatDuration(timeoutMs)}`,
      );
    case 'cancelled':
      return { ...networkFailure(CANCELLED_IN_FLIGHT), retryable: false, cancelled: true };
  }
}

function networkFailure(failure: string): Attempt {
  return { failure, retryable: true, retryAfterMs: null, mayHaveApplied: true };
}

function invalidAnswer(failure: string): Attempt {
  return { failure, retryable: false, retryAfterMs: null, mayHaveApplied: true };
}
