import {
  type AggregatedResponse,
  aggregateResponses,
  apiRoutes,
  findResponseContradiction,
  formatErrorMessage,
  formatRefusal,
  KEY_REFUSED,
  MAX_SPANS_PER_REQUEST,
  type PatchResponse,
  SUBMISSION_REVERTED,
  type SubmissionRef,
} from '@/core/api';
import type { StoredSpanPatch } from '@/core/patch';
import { apiRequest, ApiRequestError, type ClientOptions } from './api-request';
import { backoffDelay, formatDuration, randomKey, sleep } from './retry-timing';

/** Where a submission stands, reported after each batch and before each retry. */
export interface SubmissionProgress {
  /** Spans of batches the server answered. A batch that could not be delivered never counts here. */
  spansDone: number;
  spansTotal: number;
  /** Batches the server answered. */
  batchesDone: number;
  /** Batches that could not be delivered (their spans fail with connection_failure). */
  batchesFailed: number;
  /** Spans of the batches that could not be delivered. */
  spansUndelivered: number;
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
  /**
   * The submission every batch belongs to (SPEC §7, §9): one `id` for the whole call (a new random one unless
   * given, e.g. to add a Retry to the same submission) and its label (the file name, or what the user typed).
   */
  submission?: { id?: string; label?: string };
  /**
   * Batches to send again exactly as they were, each with its own Idempotency-Key: the `undelivered_batches` of
   * an earlier result. The server applies each at most once. They are sent before `spans`.
   */
  resend?: readonly PreparedBatch[];
}

/** A batch as it is sent: its spans, in order, and its Idempotency-Key. */
export interface PreparedBatch {
  idempotencyKey: string;
  spans: StoredSpanPatch[];
}

/**
 * Spans whose patches are made a batch at a time, just before the batch is sent: a large sheet starts sending at
 * once, and computing the next batch's patches overlaps the requests in flight. `patchesOf` gives the patches of
 * the spans named, in order.
 */
export interface SpansByBatch {
  spanIds: readonly string[];
  /** One patch per span named, in the same order. */
  patchesOf: (spanIds: readonly string[]) => StoredSpanPatch[];
}

/** A batch of a submission: its spans' IDs, and their patches once made (always, unless `SpansByBatch`). */
interface PendingBatch {
  idempotencyKey: string;
  spanIds: readonly string[];
  spans: StoredSpanPatch[] | null;
}

/** Spans per request unless the caller says otherwise (SPEC §7). */
export const DEFAULT_BATCH_SIZE = 5_000;
/** Requests in flight at once unless the caller says otherwise (SPEC §7). */
export const DEFAULT_CONCURRENCY = 2;

/**
 * How a batch ended: answered by the server, refused whole by it (its spans fail with the server's reason, and
 * sending it again would be refused the same), not delivered (its spans fail with connection_failure), or not sent.
 */
type BatchResult =
  | { kind: 'answered'; response: PatchResponse }
  | { kind: 'refused'; response: PatchResponse }
  | { kind: 'undelivered'; response: PatchResponse }
  | { kind: 'not_sent' };

interface Attempt {
  /** Why the attempt failed. */
  failure: string;
  retryable: boolean;
  retryAfterMs: number | null;
  /** False only when the server answered that it did not process the batch (429 / 503). */
  mayHaveApplied: boolean;
  /** True when the user cancelled during the attempt: stop at once, without retrying. */
  cancelled?: boolean;
  /**
   * Set when the server refused the batch for good and applied nothing of it (a 409 `submission_reverted`, or a
   * 401 / 403 for the API key): what each of its spans fails with, the server's message.
   */
  refusal?: string;
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
 * with `[connection_failure] <what happened>`, spans not sent because of a cancel are listed in `not_sent`. A batch
 * the server refuses whole fails with the server's message, typed as the refusal it is: `[submission_reverted]`
 * when its submission was reverted meanwhile (409), `[key_refused]` for the API key (401 none, 403 a wrong or
 * read-only key). It applied nothing, and it is not offered for a Retry: the same batch would be refused the same.
 */
export async function logMetadata(
  project: string,
  spans: readonly StoredSpanPatch[] | SpansByBatch,
  options: LogMetadataOptions = {},
): Promise<AggregatedResponse> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_SPANS_PER_REQUEST) {
    throw new RangeError(`batchSize must be an integer from 1 to ${MAX_SPANS_PER_REQUEST}`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError('concurrency must be a positive integer');
  }
  if (project === '') throw new RangeError('project must not be empty');

  const createKey = options.createIdempotencyKey ?? randomKey;
  const batches: PendingBatch[] = (options.resend ?? []).map((batch) => ({
    idempotencyKey: batch.idempotencyKey,
    spanIds: batch.spans.map((span) => span.span_id),
    spans: [...batch.spans],
  }));
  if ('patchesOf' in spans) {
    for (let start = 0; start < spans.spanIds.length; start += batchSize)
      batches.push({
        idempotencyKey: createKey(),
        spanIds: spans.spanIds.slice(start, start + batchSize),
        spans: null,
      });
  } else {
    for (let start = 0; start < spans.length; start += batchSize) {
      const batch = spans.slice(start, start + batchSize);
      batches.push({ idempotencyKey: createKey(), spanIds: batch.map((span) => span.span_id), spans: batch });
    }
  }
  /** A batch's spans with their patches, made now if they were not yet. */
  const prepared = (batch: PendingBatch): PreparedBatch => {
    batch.spans ??= 'patchesOf' in spans ? spans.patchesOf(batch.spanIds) : [];
    return { idempotencyKey: batch.idempotencyKey, spans: batch.spans };
  };
  const submission = { id: options.submission?.id ?? randomKey(), label: options.submission?.label };
  const results: (BatchResult | undefined)[] = new Array<BatchResult | undefined>(batches.length);
  const progress: SubmissionProgress = {
    spansDone: 0,
    spansTotal: batches.reduce((total, batch) => total + batch.spanIds.length, 0),
    batchesDone: 0,
    batchesFailed: 0,
    spansUndelivered: 0,
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
      const pending = batches[index];
      if (pending === undefined) return;
      const batch = prepared(pending);
      const result = await deliverBatch(project, batch, submission, index, options, (retrying) => {
        progress.retries++;
        report(retrying);
      });
      results[index] = result;
      if (result.kind === 'answered' || result.kind === 'refused') {
        progress.spansDone += batch.spans.length;
        progress.batchesDone++;
        progress.spansUpdated += result.response.spans_updated;
        progress.spansFailed += result.response.spans_failed;
        report(null);
      } else if (result.kind === 'undelivered') {
        progress.batchesFailed++;
        progress.spansUndelivered += batch.spans.length;
        progress.spansFailed += batch.spans.length;
        report(null);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));

  const parts: PatchResponse[] = [];
  const notSent: string[] = [];
  const undelivered: AggregatedResponse['undelivered_batches'] = [];
  batches.forEach((batch, index) => {
    const result = results[index];
    if (result !== undefined && result.kind !== 'not_sent') parts.push(result.response);
    else for (const spanId of batch.spanIds) notSent.push(spanId);
    if (result?.kind === 'undelivered') {
      undelivered.push({
        idempotency_key: batch.idempotencyKey,
        span_ids: (batch.spans ?? []).map((span) => span.span_id),
      });
    }
  });
  return aggregateResponses(parts, { submissionId: submission.id, notSent, undelivered });
}

async function deliverBatch(
  project: string,
  { spans: batch, idempotencyKey }: PreparedBatch,
  submission: SubmissionRef,
  index: number,
  options: LogMetadataOptions,
  onRetry: (retrying: NonNullable<SubmissionProgress['retrying']>) => void,
): Promise<BatchResult> {
  const maxRetries = options.maxRetries ?? 3;
  const baseDelay = options.retryBaseDelayMs ?? 500;
  const maxDelay = options.retryMaxDelayMs ?? 60_000;
  const random = options.random ?? Math.random;
  let mayHaveApplied = false;
  for (let attempt = 0; ; attempt++) {
    const outcome = await sendOnce(project, batch, submission, idempotencyKey, options);
    if ('response' in outcome) return { kind: 'answered', response: outcome.response };
    if (outcome.cancelled) return undeliverable(batch, outcome.failure);
    if (outcome.refusal !== undefined) return refused(batch, outcome.refusal);
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

function undeliverable(batch: readonly StoredSpanPatch[], failure: string): BatchResult {
  return {
    kind: 'undelivered',
    response: everySpanFailed(batch, formatErrorMessage('connection_failure', failure)),
  };
}

function refused(batch: readonly StoredSpanPatch[], errorMessage: string): BatchResult {
  return { kind: 'refused', response: everySpanFailed(batch, errorMessage) };
}

/** The answer of a batch none of whose spans was applied, each failing with the same message. */
function everySpanFailed(batch: readonly StoredSpanPatch[], errorMessage: string): PatchResponse {
  return {
    spans_processed: batch.length,
    spans_updated: 0,
    spans_unchanged: 0,
    spans_failed: batch.length,
    errors: batch.map((span) => ({ span_id: span.span_id, error_message: errorMessage })),
    submission_id: '',
  };
}

/**
 * One attempt at one batch, answer body included, under the attempt timeout and the user's cancel: the answer
 * (validated by `apiRequest`) checked against the batch, or why it failed and whether a retry may help.
 */
async function sendOnce(
  project: string,
  batch: StoredSpanPatch[],
  submission: SubmissionRef,
  idempotencyKey: string,
  options: LogMetadataOptions,
): Promise<{ response: PatchResponse } | Attempt> {
  let response: PatchResponse;
  try {
    response = await apiRequest(
      apiRoutes.patchSpanMetadata,
      {
        params: { project },
        body: { spans: batch, submission },
        headers: { 'Idempotency-Key': idempotencyKey },
      },
      {
        baseUrl: options.baseUrl,
        apiKey: options.apiKey,
        fetch: options.fetch,
        signal: options.signal,
        timeoutMs: options.requestTimeoutMs,
      },
    );
  } catch (error) {
    if (error instanceof ApiRequestError) return failedAttempt(error);
    // Only a cancel rejects with something else (the signal's reason).
    if (options.signal?.aborted) return { ...outcomeUnknown(CANCELLED_IN_FLIGHT, false), cancelled: true };
    throw error;
  }
  // NOTE: an answer whose counts contradict the batch is not retried: the server did answer, and asking again
  // with the same Idempotency-Key would most likely replay the same answer. Its spans fail with
  // connection_failure, so a later Retry (the key makes a repeat safe) can send them again.
  const spanIds = batch.map((span) => span.span_id);
  const contradiction = findResponseContradiction(spanIds, response);
  if (contradiction !== null) {
    return outcomeUnknown(`The server's answer contradicts the request: ${contradiction}`, false);
  }
  return { response };
}

/**
 * Whether a failed attempt is worth retrying: network failures and timeouts (the batch may have been applied),
 * 5xx and 429 (honouring Retry-After; a 429 or 503 was not applied), never other error answers or an answer that
 * breaks the contract. A 409 `submission_reverted`, and a 401 or 403 for the API key, are refusals: the server
 * applied nothing, and never will for this batch as it is sent.
 */
function failedAttempt(error: ApiRequestError): Attempt {
  if (error.networkFailure) return outcomeUnknown(error.message, true);
  if (error.kind === 'invalid_answer' || error.status === null) return outcomeUnknown(error.message, false);
  const status = error.status;
  const refusal =
    status === 409 && error.code === SUBMISSION_REVERTED
      ? SUBMISSION_REVERTED
      : status === 401 || status === 403
        ? KEY_REFUSED
        : null;
  if (refusal !== null) {
    return {
      failure: error.message,
      retryable: false,
      retryAfterMs: null,
      mayHaveApplied: false,
      refusal: formatRefusal(refusal, error.message),
    };
  }
  return {
    failure: error.message.startsWith('HTTP ') ? error.message : `HTTP ${status}: ${error.message}`,
    retryable: status === 429 || status >= 500,
    retryAfterMs: error.retryAfterMs,
    mayHaveApplied: status !== 429 && status !== 503 && status >= 500,
  };
}

/** A failure after which the server may or may not have applied the batch; retried only when `retryable`. */
function outcomeUnknown(failure: string, retryable: boolean): Attempt {
  return { failure, retryable, retryAfterMs: null, mayHaveApplied: true };
}
