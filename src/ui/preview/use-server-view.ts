import { getFields, lookupSpans } from '@/client';
import { predictSubmission, type SpanPrediction } from '@/core/predict';
import type { SheetModel } from '@/core/sheet-model';
import { isSubmittable } from '@/core/span-patch';
import type { StoredType } from '@/core/stored-form';
import { useRequest } from '@/ui/shared/use-request';
import { type ConnectionSettings, toClientOptions } from '@/ui/settings';

/** The server's side of the preview: current metadata and predicted failures, or why there is none. */
export type ServerPreview =
  | { state: 'off'; reason: string }
  | { state: 'loading' }
  | { state: 'ready'; predictions: Map<string, SpanPrediction>; fieldCount: number }
  | { state: 'failed'; message: string };

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
  // place, and every change is a new version).
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
    return { predictions, fieldCount: fields.fields.length };
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
    case 'failed': {
      const { error } = answer;
      return { state: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
  }
}
