import { randomUUID } from 'node:crypto';
import { DEFAULT_BATCH_SIZE, getFields, lookupSpans, type SubmissionProgress, SubmissionRun } from '@/client';
import type { AggregatedResponse, LookupResponse } from '@/core/api';
import {
  predictSubmission,
  type SpanResult,
  storedPatch,
  type StoredSpanPatch,
  type StoredType,
  upToDateSpanIds,
} from '@/core/patch';
import { type Connection, requestProblem } from './connection';
import type { CommandError } from './exit-status';

/** How a submission is sent: the client's batching, the cancel, progress, and its label. */
export interface SendOptions {
  batchSize?: number;
  concurrency?: number;
  signal: AbortSignal;
  label: string;
  onProgress(progress: SubmissionProgress): void;
}

/** What was sent, and what was left out. */
export interface SendResult {
  /** The client's aggregated answer over every part, as one submission. */
  result: AggregatedResponse;
  /** Spans left out because the server already had every value as asked. */
  upToDate: number;
  /** The spans sent whose outcome is not known or that were never sent (for the outcome). */
  unfinished: StoredSpanPatch[];
  /** Why sending stopped before the end when the server could no longer be asked; null otherwise. */
  problem: CommandError | null;
}

/** Fewest spans looked up at once: small batches still get lookups of a useful size. */
const MIN_PART_SPANS = 1000;

/**
 * Spans looked up, then sent, at a time: what the client sends at once (a batch per request in flight; 10,000 by
 * default, the most one lookup takes), at least `MIN_PART_SPANS`, in whole batches.
 */
function partSize(batchSize: number, concurrency: number): number {
  const size = Math.max(MIN_PART_SPANS, batchSize * concurrency);
  return Math.ceil(size / batchSize) * batchSize;
}

/**
 * Sends the spans as one submission, as the app's Submit does after its Preview: each span the server already
 * has as asked (`upToDateSpanIds`, from its current metadata) is left out, the rest go to `logMetadata` under one
 * `submission.id` and label.
 * NOTE: the spans are looked up a part at a time, and the next part is looked up and compared while the client
 * sends this one (it is sent as soon as this one is answered), so a big file starts sending at once and its lookups
 * and comparisons cost no time of their own. A cancel leaves the parts not sent yet in
 * `not_sent`, up to date or not.
 */
export async function sendSubmission(
  spans: readonly SpanResult[],
  project: string,
  connection: Connection,
  options: SendOptions,
): Promise<SendResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  // NOTE: lookups stop with the submission: a Ctrl+C while they run leaves every span not sent.
  const asked = { ...connection, signal: options.signal };
  let fields: Map<string, StoredType | null>;
  try {
    const answer = await getFields(project, asked);
    fields = new Map(answer.fields.map((field) => [field.key, field.type]));
  } catch (error) {
    if (!options.signal.aborted) throw requestProblem(error, connection, `Comparing with project ${project}`);
    fields = new Map();
  }
  // NOTE: every key a span holds is in the project's fields (the type registry, SPEC §6), so a span whose patch
  // sets a key the project has never had cannot be up to date: only the others are looked up. A review that
  // brings new keys, the usual case, needs no lookup at all, and is then sent in one go.
  const mayBeUpToDate = (span: SpanResult) =>
    span.patch.length > 0 && span.patch.every((entry) => fields.has(entry.key));
  const size = spans.some(mayBeUpToDate) ? partSize(batchSize, options.concurrency ?? 2) : spans.length;
  const parts: SpanResult[][] = [];
  for (let start = 0; start < spans.length; start += size) parts.push(spans.slice(start, start + size));
  const lookUp = (index: number): Promise<LookupResponse> => {
    const spanIds = (parts[index] ?? []).filter(mayBeUpToDate).map((span) => span.spanId);
    if (spanIds.length === 0) return Promise.resolve({ spans: [], missing: [] });
    return lookupSpans(project, spanIds, asked);
  };
  let next: Promise<LookupResponse> | null = parts.length > 0 && !options.signal.aborted ? lookUp(0) : null;
  next?.catch(() => undefined);

  const run = new SubmissionRun(project, {
    ...connection,
    batchSize,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    signal: options.signal,
    submission: { id: randomUUID(), label: options.label },
    expected: spans.length,
    onProgress: options.onProgress,
  });
  let upToDate = 0;
  let problem: CommandError | null = null;
  /** The part being sent: the next one is looked up and prepared meanwhile, and sent once it is answered. */
  let sending: Promise<unknown> = Promise.resolve();

  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] ?? [];
    const partIds = () => part.map((span) => span.spanId);
    if (options.signal.aborted || problem !== null || next === null) {
      await sending;
      run.leaveUnsent(partIds());
      continue;
    }
    let lookup: LookupResponse;
    try {
      lookup = await next;
    } catch (error) {
      if (!options.signal.aborted) {
        problem = requestProblem(error, connection, `Looking up the spans of project ${project}`);
      }
      await sending;
      run.leaveUnsent(partIds());
      continue;
    }
    next = index + 1 < parts.length ? lookUp(index + 1) : null;
    // NOTE: a lookup the loop will not wait for (after a cancel) must not end the process as unhandled.
    next?.catch(() => undefined);
    const predictions = predictSubmission(part.filter(mayBeUpToDate), {
      project,
      fields,
      spans: new Map(lookup.spans.map((span) => [span.span_id, span.metadata])),
    });
    const current = upToDateSpanIds(predictions);
    upToDate += current.size;
    const toSend: StoredSpanPatch[] = [];
    for (const span of part) {
      if (!current.has(span.spanId))
        toSend.push({ span_id: span.spanId, patch_document: storedPatch(span.patch) });
    }
    await sending;
    if (options.signal.aborted) run.leaveUnsent(partIds());
    else if (toSend.length === 0) run.leaveOut(part.length);
    else sending = run.send(toSend, part.length);
  }
  await sending;
  return { result: run.result(), upToDate, unfinished: run.unfinished(), problem };
}
