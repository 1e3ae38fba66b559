import type { AggregatedResponse, SpanPatch } from '@/core/api-schema';
import { DEFAULT_BATCH_SIZE, type LogMetadataOptions, logMetadata, type SubmissionProgress } from '@/client';
import type { SheetModel } from '@/core/sheet-model';
import type { StoredValue } from '@/core/stored-form';
import { type ConnectionSettings, toClientOptions } from '@/ui/settings';
import { Store } from '@/ui/shared/store';
import type { SheetStore } from '@/ui/sheet';
import { connectionFailures, mergeRetry, type SubmissionOutcome } from './submission-result';

/** A submission in flight: what the progress bar shows. */
export interface RunningSubmission {
  project: string;
  kind: 'submit' | 'retry';
  startedAt: number;
  /** When the last progress report came, for the rate. */
  updatedAt: number;
  progress: SubmissionProgress;
}

/** What views read of the submission store; a new object after every change. */
export interface SubmissionState {
  running: RunningSubmission | null;
  outcome: SubmissionOutcome | null;
  /** A problem that stopped the submission before any result (not a per-span failure). */
  problem: string | null;
}

/**
 * The submission of the sheet and its outcome, shared by the Preview (submit, progress, cancel) and Results
 * (failures, retry) tabs. The sheet is read-only while a submission runs. Progress changes `running` many times
 * a second: views select what they show (`useStore(store, selector)`), so only the progress bar follows it.
 */
export class SubmissionStore extends Store<SubmissionState> {
  private controller: AbortController | null = null;
  /** Whether the user cancelled the last run (it may have aborted requests in flight, not only unsent ones). */
  private lastRunCancelled = false;

  constructor() {
    super({ running: null, outcome: null, problem: null });
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

  /** Submits every span of the sheet that is ready (errors and empty patches excluded). */
  async submit(sheet: SheetStore, settings: ConnectionSettings, options: Partial<LogMetadataOptions> = {}) {
    const model = sheet.model;
    const spans = model.submittableSpans();
    const columns = [...model.columns];
    const startedAt = new Date();
    sheet.setReadOnly(true);
    try {
      const result = await this.run(settings, spans, 'submit', options);
      if (!result) return;
      this.update({
        outcome: {
          project: settings.project,
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          cancelled: result.not_sent.length > 0 || this.lastRunCancelled,
          result,
          columns,
          ...snapshotFailures(model, spans, result),
        },
      });
    } finally {
      sheet.setReadOnly(false);
    }
  }

  /** Sends again the spans that failed with connection_failure, and merges their new outcome. */
  async retry(settings: ConnectionSettings, options: Partial<LogMetadataOptions> = {}) {
    const outcome = this.outcome;
    if (!outcome || this.running) return;
    const spanIds = [...connectionFailures(outcome.result), ...outcome.result.not_sent];
    const spans = spanIds.flatMap((spanId) => {
      const patch = outcome.patches.get(spanId);
      return patch ? [{ span_id: spanId, patch_document: patch }] : [];
    });
    const result = await this.run(settings, spans, 'retry', options);
    if (!result) return;
    this.update({
      outcome: {
        ...outcome,
        finishedAt: new Date().toISOString(),
        cancelled: result.not_sent.length > 0 || this.lastRunCancelled,
        result: mergeRetry(outcome.result, spanIds, result),
      },
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
    this.update({
      problem: null,
      running: {
        project: settings.project,
        kind,
        startedAt: Date.now(),
        updatedAt: Date.now(),
        progress: {
          spansDone: 0,
          spansTotal: spans.length,
          batchesDone: 0,
          batchesTotal: Math.ceil(spans.length / (options.batchSize ?? DEFAULT_BATCH_SIZE)),
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
      this.update({
        problem: `The submission could not be sent: ${error instanceof Error ? error.message : String(error)}`,
      });
      return null;
    } finally {
      this.lastRunCancelled = controller.signal.aborted;
      this.controller = null;
      this.update({ running: null });
    }
  }
}

/** The rows, cells and patches of the spans that failed or were not sent, kept for export, fix and retry. */
function snapshotFailures(
  model: SheetModel,
  spans: readonly SpanPatch[],
  result: AggregatedResponse,
): Pick<SubmissionOutcome, 'spans' | 'patches'> {
  const wanted = new Set([...result.errors.map((error) => error.span_id), ...result.not_sent]);
  const sheetSpans: SubmissionOutcome['spans'] = new Map();
  const patches = new Map<string, Record<string, StoredValue>>();
  for (const span of spans) {
    if (!wanted.has(span.span_id)) continue;
    const rows = model.spanRowNumbers(span.span_id);
    const cells = rows.map((row) => model.columns.map((column) => model.cell(row - 1, column.id)));
    sheetSpans.set(span.span_id, { rows, cells });
    if (typeof span.patch_document !== 'string') {
      patches.set(span.span_id, span.patch_document as Record<string, StoredValue>);
    }
  }
  return { spans: sheetSpans, patches };
}
