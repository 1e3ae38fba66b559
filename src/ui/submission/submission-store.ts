import { DEFAULT_BATCH_SIZE, type LogMetadataOptions, logMetadata, type PreparedBatch } from '@/client';
import type { AggregatedResponse, SpanPatch } from '@/core/api-schema';
import {
  blockedSpanErrors,
  buildOutcome,
  mergeRetry,
  type SubmissionOutcome,
} from '@/core/submission-outcome';
import { type ConnectionSettings, toClientOptions } from '@/ui/settings';
import { describeRequestError } from '@/ui/shared/request-error';
import { Store } from '@/ui/shared/store';
import type { SheetStore } from '@/ui/sheet';
import { submissionLabel } from './submission-label';
import type { ProgressSnapshot } from './submission-texts';

/** A submission in flight: what the progress bar shows. */
export type RunningSubmission = ProgressSnapshot;

/** What views read of the submission store; a new object after every change. */
export interface SubmissionState {
  running: RunningSubmission | null;
  /** The last submission (restored after a reload), with its Retries merged in. */
  outcome: SubmissionOutcome | null;
  /** A problem that stopped the last Submit or Retry before any result (not a per-span failure). */
  problem: string | null;
  /** Why the saved results of the last submission could not be restored or saved; null when all is well. */
  savedProblem: string | null;
}

/** Options of a Submit: the client's, and the spans Preview found already up to date (left out). */
export interface SubmitOptions extends Partial<LogMetadataOptions> {
  /** Span IDs the server already has as asked: not sent, counted in the outcome as left out. */
  upToDate?: ReadonlySet<string>;
}

/**
 * The submission of the sheet and its outcome, shared by the Preview (submit, progress, cancel) and Results
 * (failures, retry with progress and cancel) tabs. The sheet is read-only while a submission runs. Progress
 * changes `running` many times a second: views select what they show (`useStore(store, selector)`), so only the
 * progress bar follows it.
 */
export class SubmissionStore extends Store<SubmissionState> {
  private controller: AbortController | null = null;
  /** Whether the user cancelled the last run (it may have aborted requests in flight, not only unsent ones). */
  private lastRunCancelled = false;

  constructor() {
    super({ running: null, outcome: null, problem: null, savedProblem: null });
  }

  get running(): RunningSubmission | null {
    return this.getState().running;
  }

  get outcome(): SubmissionOutcome | null {
    return this.getState().outcome;
  }

  get problem(): string | null {
    return this.getState().problem;
  }

  private update(changes: Partial<SubmissionState>): void {
    this.setState({ ...this.getState(), ...changes });
  }

  /**
   * Puts back the outcome saved before a reload; never over a submission made since (or one running).
   * Returns whether it was put back.
   */
  restore(outcome: SubmissionOutcome): boolean {
    const state = this.getState();
    if (state.outcome || state.running) return false;
    this.update({ outcome });
    return true;
  }

  /** Says why the saved results could not be restored or saved (null once that is no longer so). */
  setSavedProblem(savedProblem: string | null): void {
    if (this.getState().savedProblem !== savedProblem) this.update({ savedProblem });
  }

  /**
   * Submits every span of the sheet that is ready (errors, empty patches and `upToDate` spans left out) as one
   * submission labelled with the sheet's file name, or "Edited sheet". The outcome keeps the spans the sheet
   * blocked beside those that failed.
   */
  async submit(sheet: SheetStore, settings: ConnectionSettings, options: SubmitOptions = {}): Promise<void> {
    if (this.running) return;
    const { upToDate, ...clientOptions } = options;
    const model = sheet.model;
    const source = sheet.source;
    const submittable = model.submittableSpans();
    const spans = upToDate ? submittable.filter((span) => !upToDate.has(span.span_id)) : submittable;
    const blocked = blockedSpanErrors(model);
    const label = submissionLabel(source);
    const startedAt = new Date().toISOString();
    sheet.setReadOnly(true);
    try {
      const result = await this.run(settings, spans, 'submit', {
        ...clientOptions,
        submission: { label },
      });
      if (!result) return;
      this.update({
        outcome: buildOutcome({
          model,
          sent: spans,
          blocked,
          result,
          project: settings.project,
          label,
          source,
          startedAt,
          finishedAt: new Date().toISOString(),
          cancelled: this.lastRunCancelled,
          skippedUpToDate: submittable.length - spans.length,
        }),
      });
    } finally {
      sheet.setReadOnly(false);
    }
  }

  /**
   * Sends again, in the same submission, what the last one could not deliver: each undelivered batch exactly as
   * it was (same spans, order, patches and Idempotency-Key, so the server applies it at most once), then the
   * spans a cancel left unsent as new batches. The Retry's result replaces the retried spans' old outcome.
   */
  async retry(settings: ConnectionSettings, options: Partial<LogMetadataOptions> = {}): Promise<void> {
    const outcome = this.outcome;
    if (!outcome || this.running) return;
    const spanOf = (spanId: string): SpanPatch[] => {
      const patch = outcome.patches.get(spanId);
      return patch ? [{ span_id: spanId, patch_document: patch }] : [];
    };
    const resend: PreparedBatch[] = outcome.result.undelivered_batches.map((batch) => ({
      idempotencyKey: batch.idempotency_key,
      spans: batch.span_ids.flatMap(spanOf),
    }));
    const notSent = outcome.result.not_sent.flatMap(spanOf);
    if (resend.length === 0 && notSent.length === 0) return;
    const result = await this.run({ ...settings, project: outcome.project }, notSent, 'retry', {
      ...options,
      resend,
      submission: { id: outcome.result.submission_id || undefined, label: outcome.label },
    });
    if (!result) return;
    this.update({
      outcome: mergeRetry(outcome, result, new Date().toISOString(), this.lastRunCancelled),
    });
  }

  /**
   * Stops sending at once: batches not started are reported as not sent; requests in flight are aborted and
   * their spans fail with connection_failure (outcome unknown), so Retry sends them again.
   */
  cancel(): void {
    this.controller?.abort();
  }

  private async run(
    settings: ConnectionSettings,
    spans: SpanPatch[],
    kind: RunningSubmission['kind'],
    options: Partial<LogMetadataOptions>,
  ): Promise<AggregatedResponse | null> {
    const controller = new AbortController();
    this.controller = controller;
    const resent = options.resend ?? [];
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.update({
      problem: null,
      running: {
        project: settings.project,
        kind,
        startedAt: Date.now(),
        updatedAt: Date.now(),
        progress: {
          spansDone: 0,
          spansTotal: resent.reduce((total, batch) => total + batch.spans.length, spans.length),
          batchesDone: 0,
          batchesFailed: 0,
          spansUndelivered: 0,
          batchesTotal: resent.length + Math.ceil(spans.length / batchSize),
          spansUpdated: 0,
          spansFailed: 0,
          retries: 0,
          retrying: null,
        },
      },
    });
    try {
      return await logMetadata(settings.project, spans, {
        ...toClientOptions(settings),
        ...options,
        signal: controller.signal,
        onProgress: (progress) => {
          const { running } = this.getState();
          if (running) this.update({ running: { ...running, progress, updatedAt: Date.now() } });
        },
      });
    } catch (error) {
      const what = kind === 'retry' ? 'The Retry' : 'The submission';
      this.update({
        // The same words as every tab (one sentence for a server that cannot be reached, a refused key…).
        problem: `${what} could not be sent. ${describeRequestError(error, settings)}`,
      });
      return null;
    } finally {
      this.lastRunCancelled = controller.signal.aborted;
      this.controller = null;
      this.update({ running: null });
    }
  }
}
