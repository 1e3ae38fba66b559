import { getFields, lookupSpans } from '@/client';
import { predictSubmission, type SpanPrediction, upToDateSpanIds } from '@/core/predict';
import type { SheetModel } from '@/core/sheet-model';
import { isSubmittable } from '@/core/span-patch';
import type { StoredType } from '@/core/stored-form';
import { describeRequestError } from '@/ui/shared/request-error';
import { useRequest } from '@/ui/shared/use-request';
import { type ConnectionSettings, toClientOptions } from '@/ui/settings';

/**
 * The server's side of the preview: current metadata, predicted failures and the spans already up to date (not
 * sent), or why there is none.
 */
export type ServerPreview =
  | { state: 'off'; reason: string }
  | { state: 'loading' }
  | {
      state: 'ready';
      predictions: Map<string, SpanPrediction>;
      /** Submittable spans whose every key the server already stores as asked: Submit leaves them out. */
      upToDate: ReadonlySet<string>;
      fieldCount: number;
    }
  /** `message` says why in plain words, as every tab says it. */
  | { state: 'failed'; message: string };

/** No span is known to be up to date (the server's values are not known): every submittable span is sent. */
export const NONE_UP_TO_DATE: ReadonlySet<string> = new Set();

/** The spans to leave out of a submission: those known to be up to date, none while the lookup is not ready. */
export function upToDateOf(server: ServerPreview): ReadonlySet<string> {
  return server.state === 'ready' ? server.upToDate : NONE_UP_TO_DATE;
}

const LOOKUP_DELAY_MS = 500;

/** Resolves after `ms`, or rejects at once when the signal aborts. */
function settle(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * Looks up the sheet's spans and the project's field types a moment after the sheet settles, and predicts each
 * span's outcome. A change of the sheet cancels the lookup in flight; the preview works without it.
 */
export function useServerView(
  model: SheetModel,
  version: number,
  settings: ConnectionSettings,
): ServerPreview {
  const { project } = settings;
  // NOTE: the sheet version and the connection name everything the lookup depends on (the model changes in
  // place, and every change is a new version). A submission makes the sheet read-only and then editable again,
  // two new versions, so the spans are looked up again after it and those it sent show as up to date.
  const key = project === '' ? null : `${version}|${project}|${settings.serverUrl}|${settings.apiKey}`;
  const answer = useRequest(key, async (signal) => {
    await settle(LOOKUP_DELAY_MS, signal);
    const sheetBlocked = model.sheetIssues.length > 0;
    const spans = model.spans().filter((span) => isSubmittable(span.status, sheetBlocked));
    const options = { ...toClientOptions(settings), signal };
    const [fields, lookup] = await Promise.all([
      getFields(project, options),
      lookupSpans(
        project,
        spans.map((span) => span.spanId),
        options,
      ),
    ]);
    const predictions = predictSubmission(spans, {
      project,
      fields: new Map<string, StoredType | null>(fields.fields.map((field) => [field.key, field.type])),
      spans: new Map(lookup.spans.map((span) => [span.span_id, span.metadata])),
    });
    return { predictions, upToDate: upToDateSpanIds(predictions), fieldCount: fields.fields.length };
  });

  switch (answer.status) {
    case 'idle':
      return {
        state: 'off',
        reason: 'No project is set: choose one in Settings to compare with the server.',
      };
    case 'loading':
      return { state: 'loading' };
    case 'ready':
      return { state: 'ready', ...answer.data };
    case 'failed':
      // The same words as every other tab, e.g. the one sentence for a server that cannot be reached.
      return { state: 'failed', message: describeRequestError(answer.error, settings) };
  }
}
