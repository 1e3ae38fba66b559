import { type LogMetadataOptions, retryOf, type SpansByBatch, SubmissionRun } from '@/client';
import type { AggregatedResponse } from '@/core/api';
import {
  blockedSpanErrors,
  buildOutcome,
  includeLeftOut,
  leftOutSpanErrors,
  mergeRetry,
  type SubmissionOutcome,
} from '@/core/outcome';
import type { SpanPrediction, StoredSpanPatch } from '@/core/patch';
import { submittableCount, submittableSpanIds, submittedPatches } from '@/core/sheet';
import { type ConnectionSettings, toClientOptions } from '@/ui/settings';
import { nextMacrotask } from '@/ui/shared/in-slices';
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
  /** How many Submits and Retries have ended (delivered, failed or cancelled). */
  finishedRuns: number;
}

/** Options of a Submit or a Retry: the client's, and who to tell when it ends. */
export interface RunOptions extends Partial<LogMetadataOptions> {
  /**
   * Called as the run ends (delivered, failed or cancelled), before the sheet is editable again, with the
   * connection and project it wrote to: what the server stores may have changed (the app marks what it read of
   * the project as out of date).
   */
  onEnded?: (written: ConnectionSettings) => void;
}

/** Options of a Submit: a run's, and the spans Preview found already up to date (left out). */
export interface SubmitOptions extends RunOptions {
  /** Span IDs the server already has as asked: not sent, counted in the outcome as left out. */
  upToDate?: ReadonlySet<string>;
  /**
   * Spans the user chose to leave out because Preview predicts them to fail, with the predicted failure: not
   * sent, listed in the outcome with that reason, and kept to be sent later (`sendLeftOut`).
   */
  leftOut?: ReadonlyMap<string, NonNullable<SpanPrediction['failure']>>;
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
    super({ running: null, outcome: null, problem: null, savedProblem: null, finishedRuns: 0 });
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
    const { upToDate, leftOut, onEnded, ...clientOptions } = options;
    const model = sheet.model;
    const source = sheet.source;
    const label = submissionLabel(source);
    const startedAt = new Date().toISOString();
    // NOTE: read-only first: the spans' patches are made batch by batch while the submission runs, and no edit
    // may change the sheet in between.
    sheet.setReadOnly(true);
    try {
      let skippedUpToDate = 0;
      let leftOutIds: string[] = [];
      const expected = Math.max(
        0,
        submittableCount(model.summary()) - (upToDate?.size ?? 0) - (leftOut?.size ?? 0),
      );
      // The spans to send are chosen from their status (quick), and their patches made a batch at a time as the
      // batches go: a large sheet starts sending at once, and the next batch's patches are made while one is in
      // flight.
      const choose = (): SpansByBatch => {
        const submittable = submittableSpanIds(model);
        const sendable = upToDate ? submittable.filter((spanId) => !upToDate.has(spanId)) : submittable;
        skippedUpToDate = submittable.length - sendable.length;
        const spanIds = leftOut ? sendable.filter((spanId) => !leftOut.has(spanId)) : sendable;
        leftOutIds = leftOut ? sendable.filter((spanId) => leftOut.has(spanId)) : [];
        return { spanIds, patchesOf: (batch) => submittedPatches(model, batch) };
      };
      const result = await this.run(
        settings,
        'submit',
        { expected, choose },
        {
          ...clientOptions,
          submission: { label },
        },
        onEnded,
      );
      if (!result) return;
      this.update({
        outcome: buildOutcome({
          model,
          // Only those Retry may send again are kept: their patches, made once more from the unchanged sheet.
          sent: result.unfinished,
          blocked: blockedSpanErrors(model),
          result: result.result,
          project: settings.project,
          label,
          source,
          startedAt,
          finishedAt: new Date().toISOString(),
          cancelled: this.lastRunCancelled,
          skippedUpToDate,
          leftOut: {
            errors: leftOutSpanErrors(
              leftOutIds.flatMap((spanId) => {
                const failure = leftOut?.get(spanId);
                return failure ? [[spanId, failure] as const] : [];
              }),
            ),
            patches: submittedPatches(model, leftOutIds),
          },
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
  async retry(settings: ConnectionSettings, options: RunOptions = {}): Promise<void> {
    const { onEnded, ...clientOptions } = options;
    const outcome = this.outcome;
    if (!outcome || this.running) return;
    const { resend, spans: notSent } = retryOf(outcome.result, (spanId) => outcome.patches.get(spanId));
    if (resend.length === 0 && notSent.length === 0) return;
    const spans = { expected: notSent.length, choose: () => notSent };
    const result = await this.run(
      { ...settings, project: outcome.project },
      'retry',
      spans,
      {
        ...clientOptions,
        resend,
        submission: { id: outcome.result.submission_id || undefined, label: outcome.label },
      },
      onEnded,
    );
    if (!result) return;
    this.update({
      outcome: mergeRetry(outcome, result.result, new Date().toISOString(), this.lastRunCancelled),
    });
  }

  /**
   * Sends, in the same submission, the spans the Submit left out because they were predicted to fail (and, as a
   * Retry does, anything never delivered or not sent): the user chose to send them after all.
   */
  async sendLeftOut(settings: ConnectionSettings, options: RunOptions = {}): Promise<void> {
    const outcome = this.outcome;
    if (!outcome || outcome.leftOut.length === 0 || this.running) return;
    this.update({ outcome: includeLeftOut(outcome) });
    await this.retry(settings, options);
  }

  /**
   * Stops sending at once: batches not started are reported as not sent; requests in flight are aborted and
   * their spans fail with connection_failure (outcome unknown), so Retry sends them again.
   */
  cancel(): void {
    this.controller?.abort();
  }

  /**
   * Runs a Submit or a Retry: shows it running at once (with `spans.expected` new spans), chooses the new spans
   * (`spans.choose`, which a cancel stops: then nothing is sent and there is no result), then sends them after
   * the batches to re-send. Returns the result, or null when nothing could be sent (`problem` says why); tells
   * `onEnded` as it ends.
   */
  private async run(
    settings: ConnectionSettings,
    kind: RunningSubmission['kind'],
    spans: { expected: number; choose: () => StoredSpanPatch[] | SpansByBatch },
    options: Partial<LogMetadataOptions>,
    onEnded: RunOptions['onEnded'],
  ): Promise<{ result: AggregatedResponse; unfinished: StoredSpanPatch[] } | null> {
    const controller = new AbortController();
    this.controller = controller;
    const run = new SubmissionRun(settings.project, {
      ...toClientOptions(settings),
      ...options,
      expected: spans.expected,
      signal: controller.signal,
      onProgress: (progress) => {
        const { running } = this.getState();
        if (running) this.update({ running: { ...running, progress, updatedAt: Date.now() } });
      },
    });
    this.update({
      problem: null,
      running: {
        project: settings.project,
        serverUrl: settings.serverUrl,
        kind,
        startedAt: Date.now(),
        updatedAt: Date.now(),
        progress: run.progress(),
      },
    });
    let sending = false;
    try {
      // Let the progress (and its Cancel) show before anything is sent: a cancel now sends nothing.
      await nextMacrotask();
      controller.signal.throwIfAborted();
      const chosen = spans.choose();
      sending = true;
      run.expect('spanIds' in chosen ? chosen.spanIds.length : chosen.length);
      await run.send(chosen);
      return { result: run.result(), unfinished: run.unfinished() };
    } catch (error) {
      // Cancelled before anything was sent: there is nothing to say.
      if (!sending && controller.signal.aborted) return null;
      const what = kind === 'retry' ? 'The Retry' : 'The submission';
      this.update({
        // The same words as every tab (one sentence for a server that cannot be reached, a refused key…).
        problem: `${what} could not be sent. ${describeRequestError(error, settings)}`,
      });
      return null;
    } finally {
      onEnded?.(settings);
      this.ended(controller);
    }
  }

  /** The end of a run, sent or not: no longer running, one more run ended. */
  private ended(controller: AbortController): void {
    this.lastRunCancelled = controller.signal.aborted;
    this.controller = null;
    this.update({ running: null, finishedRuns: this.getState().finishedRuns + 1 });
  }
}
