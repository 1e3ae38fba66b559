import type { AggregatedResponse, SpanPatch } from '@/core/api-schema';
import { type LogMetadataOptions, logMetadata, type SubmissionProgress } from '@/client';
import type { SheetModel } from '@/core/sheet-model';
import type { StoredValue } from '@/core/stored-form';
import { type ConnectionSettings, toClientOptions } from '@/ui/settings';
import type { SheetStore } from '@/ui/sheet/sheet-store';
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

/**
 * The submission of the sheet and its outcome, shared by the Preview (submit, progress, cancel) and Results
 * (failures, retry) tabs. The sheet is read-only while a submission runs.
 */
export class SubmissionStore {
  running: RunningSubmission | null = null;
  outcome: SubmissionOutcome | null = null;
  /** A problem that stopped the submission before any result (not a per-span failure). */
  problem: string | null = null;
  private controller: AbortController | null = null;
  /** Whether the user cancelled the last run (it may have aborted requests in flight, not only unsent ones). */
  private lastRunCancelled = false;
  private readonly listeners = new Set<() => void>();
  private version = 0;

  getVersion = (): number => this.version;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
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
      this.outcome = {
        project: settings.project,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        cancelled: result.not_sent.length > 0 || this.lastRunCancelled,
        result,
        columns,
        ...snapshotFailures(model, spans, result),
      };
    } finally {
      sheet.setReadOnly(false);
      this.changed();
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
    this.outcome = {
      ...outcome,
      finishedAt: new Date().toISOString(),
      cancelled: result.not_sent.length > 0 || this.lastRunCancelled,
      result: mergeRetry(outcome.result, spanIds, result),
    };
    this.changed();
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
    this.problem = null;
    this.running = {
      project: settings.project,
      kind,
      startedAt: Date.now(),
      updatedAt: Date.now(),
      progress: {
        spansDone: 0,
        spansTotal: spans.length,
        batchesDone: 0,
        batchesTotal: Math.ceil(spans.length / (options.batchSize ?? 5000)),
        spansUpdated: 0,
        spansFailed: 0,
        retries: 0,
        retrying: null,
      },
    };
    this.changed();
    try {
      return await logMetadata(settings.project, spans, {
        ...toClientOptions(settings),
        ...options,
        signal: controller.signal,
        onProgress: (progress) => {
          if (this.running) this.running = { ...this.running, progress, updatedAt: Date.now() };
          this.changed();
        },
      });
    } catch (error) {
      this.problem = `The submission could not be sent: ${error instanceof Error ? error.message : String(error)}`;
      return null;
    } finally {
      this.lastRunCancelled = controller.signal.aborted;
      this.running = null;
      this.controller = null;
      this.changed();
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
