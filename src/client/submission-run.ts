import { type AggregatedResponse, aggregateResponses } from '@/core/api';
import type { StoredPatch, StoredSpanPatch } from '@/core/patch';
import {
  DEFAULT_BATCH_SIZE,
  type LogMetadataOptions,
  logMetadata,
  type PreparedBatch,
  type SpansByBatch,
  type SubmissionProgress,
} from './log-metadata';
import { randomKey } from './retry-timing';

/** Options of a submission run: the client's, and how many new spans it is expected to send. */
export interface SubmissionRunOptions extends LogMetadataOptions {
  /** New spans the run expects to send (besides `resend`), counted in the progress until they are sent or left out. */
  expected: number;
}

/** A progress with nothing done and nothing to do. */
export function emptyProgress(): SubmissionProgress {
  return {
    spansDone: 0,
    spansTotal: 0,
    batchesDone: 0,
    batchesFailed: 0,
    spansUndelivered: 0,
    batchesTotal: 0,
    spansUpdated: 0,
    spansFailed: 0,
    retries: 0,
    retrying: null,
  };
}

/**
 * One submission as the app's Submit and Retry and the command line's `submit` send it, a part at a time: its
 * progress from the start (the spans still expected counted as to do), each part sent by `logMetadata` under the
 * one `submission.id` (the batches to re-send going first), the parts' answers combined into one, and the spans
 * whose outcome is open kept for a Retry. The app and the command line only render `onProgress`.
 */
export class SubmissionRun {
  /** The submission every part belongs to: its one ID (given, e.g. by a Retry, or a new random one) and label. */
  readonly submission: { id: string; label?: string };
  private readonly batchSize: number;
  /** Batches still to re-send: they go with the first part. */
  private resend: readonly PreparedBatch[];
  /** New spans expected but not yet handed to a part. */
  private remaining: number;
  /** The progress of the parts that ended. */
  private readonly done = emptyProgress();
  /** The progress of the part being sent, as it was last shown. */
  private current = emptyProgress();
  private readonly answers: AggregatedResponse[] = [];
  private readonly notSent: string[] = [];
  private readonly open: StoredSpanPatch[] = [];

  constructor(
    readonly project: string,
    private readonly options: SubmissionRunOptions,
  ) {
    this.submission = { id: options.submission?.id ?? randomKey(), label: options.submission?.label };
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.resend = options.resend ?? [];
    this.remaining = options.expected;
  }

  /**
   * Where the whole run stands: the parts sent, the part being sent, the batches still to re-send and the spans
   * still expected (counted as to send until they are sent or left out).
   */
  progress(): SubmissionProgress {
    const done = this.done;
    const current = this.current;
    const resentSpans = this.resend.reduce((total, batch) => total + batch.spans.length, 0);
    return {
      spansDone: done.spansDone + current.spansDone,
      spansTotal: done.spansTotal + current.spansTotal + resentSpans + this.remaining,
      batchesDone: done.batchesDone + current.batchesDone,
      batchesFailed: done.batchesFailed + current.batchesFailed,
      spansUndelivered: done.spansUndelivered + current.spansUndelivered,
      batchesTotal:
        done.batchesTotal +
        current.batchesTotal +
        this.resend.length +
        Math.ceil(this.remaining / this.batchSize),
      spansUpdated: done.spansUpdated + current.spansUpdated,
      spansFailed: done.spansFailed + current.spansFailed,
      retries: done.retries + current.retries,
      retrying: current.retrying,
    };
  }

  /** Says how many new spans the run now expects (once they are chosen); shows it when that changed. */
  expect(spans: number): void {
    if (spans === this.remaining) return;
    this.remaining = spans;
    this.report();
  }

  /** Leaves out `spans` of the expected spans without sending them (found up to date), and shows it. */
  leaveOut(spans: number): void {
    this.remaining = Math.max(0, this.remaining - spans);
    this.report();
  }

  /** Records spans never handed to a part (a cancel, or a stop before they were sent): listed in `not_sent`. */
  leaveUnsent(spanIds: readonly string[]): void {
    for (const spanId of spanIds) this.notSent.push(spanId);
    this.remaining = Math.max(0, this.remaining - spanIds.length);
  }

  /**
   * Sends one part of the expected spans (after the batches to re-send, the first time) with `logMetadata`, and
   * returns its answer. `handedOver` is how many expected spans the part accounts for, those sent and those left
   * out (`spans` unless said).
   */
  async send(
    spans: readonly StoredSpanPatch[] | SpansByBatch,
    handedOver?: number,
  ): Promise<AggregatedResponse> {
    const count = 'spanIds' in spans ? spans.spanIds.length : spans.length;
    this.remaining = Math.max(0, this.remaining - (handedOver ?? count));
    const resend = this.resend;
    let last = emptyProgress();
    // NOTE: until the part's first report, the progress shows its totals as logMetadata counts them.
    this.current = {
      ...emptyProgress(),
      spansTotal: resend.reduce((total, batch) => total + batch.spans.length, count),
      batchesTotal: resend.length + Math.ceil(count / this.batchSize),
    };
    this.resend = [];
    const { expected: _expected, onProgress: _onProgress, ...options } = this.options;
    let answer: AggregatedResponse;
    try {
      answer = await logMetadata(this.project, spans, {
        ...options,
        resend,
        submission: this.submission,
        onProgress: (progress) => {
          last = progress;
          this.current = progress;
          this.report();
        },
      });
    } finally {
      // The part's progress as it was last reported joins the parts that ended.
      for (const key of Object.keys(this.done) as (keyof SubmissionProgress)[]) {
        if (key !== 'retrying') this.done[key] += last[key] as number;
      }
      this.current = emptyProgress();
    }
    this.answers.push(answer);
    const openIds = [...answer.undelivered_batches.flatMap((batch) => batch.span_ids), ...answer.not_sent];
    if (openIds.length > 0) {
      if ('patchesOf' in spans) {
        for (const span of spans.patchesOf(openIds)) this.open.push(span);
      } else {
        const open = new Set(openIds);
        for (const span of spans) if (open.has(span.span_id)) this.open.push(span);
      }
    }
    return answer;
  }

  /**
   * The parts' answers as one aggregated response of the one submission (SPEC §7), with the spans left unsent.
   * No part sent: no submission ID.
   */
  result(): AggregatedResponse {
    return aggregateResponses(this.answers, {
      submissionId: this.answers.length > 0 ? this.submission.id : '',
      notSent: [...this.answers.flatMap((answer) => answer.not_sent), ...this.notSent],
      undelivered: this.answers.flatMap((answer) => answer.undelivered_batches),
    });
  }

  /**
   * The new spans sent whose outcome is open (their batch not delivered, or not sent because of a cancel), with
   * the patches they were sent with: what a Retry sends again.
   */
  unfinished(): StoredSpanPatch[] {
    return [...this.open];
  }

  private report(): void {
    this.options.onProgress?.(this.progress());
  }
}

/**
 * What a Retry sends of an earlier result: each undelivered batch exactly as it was (same spans, order, patches
 * and Idempotency-Key, so the server applies it at most once), then the spans not sent as new ones. `patchOf`
 * gives the patch a span was sent with (none: left out).
 */
export function retryOf(
  result: AggregatedResponse,
  patchOf: (spanId: string) => StoredPatch | undefined,
): { resend: PreparedBatch[]; spans: StoredSpanPatch[] } {
  const spanOf = (spanId: string): StoredSpanPatch[] => {
    const patch = patchOf(spanId);
    return patch ? [{ span_id: spanId, patch_document: patch }] : [];
  };
  return {
    resend: result.undelivered_batches.map((batch) => ({
      idempotencyKey: batch.idempotency_key,
      spans: batch.span_ids.flatMap(spanOf),
    })),
    spans: result.not_sent.flatMap(spanOf),
  };
}
