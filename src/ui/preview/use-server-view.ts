import { useEffect, useState } from 'react';
import { getFields, lookupSpans } from '@/client';
import { predictSubmission, type SpanPrediction } from '@/core/predict';
import type { SheetModel } from '@/core/sheet-model';
import type { StoredType } from '@/core/stored-form';
import { type ConnectionSettings, toClientOptions } from '@/ui/settings';

/** The server's side of the preview: current metadata and predicted failures, or why there is none. */
export type ServerPreview =
  | { state: 'off'; reason: string }
  | { state: 'loading' }
  | { state: 'ready'; predictions: Map<string, SpanPrediction>; fieldCount: number }
  | { state: 'failed'; message: string };

const LOOKUP_DELAY_MS = 500;

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
  // The answer is kept with the sheet version and connection it is for: anything else is still loading.
  const request = `${version}|${project}|${settings.serverUrl}|${settings.apiKey}`;
  const [answer, setAnswer] = useState<{ request: string; view: ServerPreview } | null>(null);
  const setView = (view: ServerPreview) => setAnswer({ request, view });

  useEffect(() => {
    if (project === '') return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const spans = model.spans().filter((span) => span.status === 'ready' || span.status === 'warnings');
      const options = { ...toClientOptions(settings), signal: controller.signal };
      Promise.all([
        getFields(project, options),
        lookupSpans(
          project,
          spans.map((span) => span.spanId),
          options,
        ),
      ])
        .then(([fields, lookup]) => {
          if (controller.signal.aborted) return;
          const predictions = predictSubmission(spans, {
            project,
            fields: new Map<string, StoredType | null>(fields.fields.map((field) => [field.key, field.type])),
            spans: new Map(lookup.spans.map((span) => [span.span_id, span.metadata])),
          });
          setView({ state: 'ready', predictions, fieldCount: fields.fields.length });
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          const message = error instanceof Error ? error.message : String(error);
          setView({ state: 'failed', message });
        });
    }, LOOKUP_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `request` names everything the lookup depends on
  }, [model, request]);

  if (project === '') {
    return { state: 'off', reason: 'No project is set: choose one in Settings to compare with the server.' };
  }
  return answer?.request === request ? answer.view : { state: 'loading' };
}
