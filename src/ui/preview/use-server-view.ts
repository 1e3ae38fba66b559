import { useEffect, useMemo, useRef, useState } from 'react';
import { getFields, listProjects, lookupSpans } from '@/client';
import {
  isSubmittable,
  isUpToDate,
  type PatchEntry,
  predictSubmission,
  type SpanPrediction,
  type SpanStatus,
  type StoredType,
  type StoredValue,
} from '@/core/patch';
import type { SheetModel } from '@/core/sheet';
import { type ConnectionSettings, toClientOptions } from '@/ui/settings';
import { inSlices } from '@/ui/shared/in-slices';
import { describeRequestError } from '@/ui/shared/request-error';
import type { RequestState } from '@/ui/shared/use-request';

/**
 * The server's side of the preview: current metadata, predicted failures and the spans already up to date (not
 * sent), or why there is none.
 */
export type ServerPreview =
  | { state: 'off'; reason: string }
  | { state: 'loading' }
  | {
      state: 'ready';
      /** The spans predicted to fail, with their predictions (few: kept for the whole sheet). */
      failures: ReadonlyMap<string, SpanPrediction>;
      /**
       * A span's prediction, for a card in view: its failure as predicted in submission order, else its keys
       * against the server's values, computed when asked (a million kept predictions would be 400 MB).
       */
      predict: (spanId: string, patch: readonly PatchEntry[]) => SpanPrediction | undefined;
      /** Submittable spans whose every key the server already stores as asked: Submit leaves them out. */
      upToDate: ReadonlySet<string>;
      /** The spans of `upToDate` by their status in the sheet (Ready or With warnings), to count them apart. */
      upToDateByStatus: Readonly<Record<SpanStatus, number>>;
      /** How many spans are predicted to fail. */
      predictedFailures: number;
      fieldCount: number;
    }
  /** `message` says why in plain words, as every tab says it. */
  | { state: 'failed'; message: string };

/** What the comparison depends on besides the sheet's model and the connection. */
export interface ComparisonCues {
  /** The sheet's version: the model changes in place, and every change is a new version. */
  version: number;
  /** Submits and Retries ended so far: each may have changed what the server stores. */
  finishedRuns: number;
  /**
   * True while a submission runs: no lookup starts (none races the submission, one under way stops), and the
   * comparison of the sheet as it is stays shown; once false again, the spans are compared anew if need be.
   */
  paused: boolean;
}

/** No span is known to be up to date (the server's values are not known): every submittable span is sent. */
export const NONE_UP_TO_DATE: ReadonlySet<string> = new Set();

/** The spans to leave out of a submission: those known to be up to date, none while the lookup is not ready. */
export function upToDateOf(server: ServerPreview): ReadonlySet<string> {
  return server.state === 'ready' ? server.upToDate : NONE_UP_TO_DATE;
}

const LOOKUP_DELAY_MS = 500;

const NO_PROJECT: ServerPreview = {
  state: 'off',
  reason: 'No project is set: choose one in Settings to compare with the server.',
};
const LOADING: ServerPreview = { state: 'loading' };
const PAUSED: ServerPreview = {
  state: 'off',
  reason: 'The comparison with the server waits for the submission to end.',
};

/**
 * Looks up the sheet's spans and the project's field types a moment after the sheet settles, and predicts each
 * span's outcome. A change of the sheet cancels the comparison under way; the preview works without it. The
 * work on the page (every span's patch, every prediction) is done in slices that give the main thread back to
 * the browser, so a large sheet does not freeze it. The same answer gives the same object back.
 */
export function useServerView(
  model: SheetModel,
  settings: ConnectionSettings,
  { version, finishedRuns, paused }: ComparisonCues,
): ServerPreview {
  const { project } = settings;
  // NOTE: the key names everything the comparison depends on: the sheet (its version), what the server stores
  // (a submission or Retry ended), and the connection. Read-only mode is not a change of any: it pauses.
  const key =
    project === '' ? null : `${version}|${finishedRuns}|${project}|${settings.serverUrl}|${settings.apiKey}`;
  const answer = usePausableRequest(key, paused, (signal) => compareWithServer(model, settings, signal));
  return useMemo((): ServerPreview => {
    switch (answer.status) {
      case 'idle':
        return NO_PROJECT;
      case 'paused':
        return PAUSED;
      case 'loading':
        return LOADING;
      case 'ready':
        return { state: 'ready', ...answer.data };
      case 'failed':
        // The same words as every other tab, e.g. the one sentence for a server that cannot be reached.
        return { state: 'failed', message: describeRequestError(answer.error, settings) };
    }
  }, [answer, settings]);
}

/** A request's state, or that it waits: paused before its answer came. */
type PausableState<T> = RequestState<T> | { status: 'paused' };

const IDLE: PausableState<never> = { status: 'idle' };
const PENDING: PausableState<never> = { status: 'loading', previous: null };
const WAITING: PausableState<never> = { status: 'paused' };

/**
 * `useRequest` that waits while `paused`: no request starts and the one under way is aborted, so the answer for
 * the key is the one already there, or none (`paused`); once not paused, the key is asked for unless its answer
 * is already there. The same state gives the same object back.
 */
function usePausableRequest<T>(
  key: string | null,
  paused: boolean,
  load: (signal: AbortSignal) => Promise<T>,
): PausableState<T> {
  const [settled, setSettled] = useState<{ key: string; state: RequestState<T> } | null>(null);
  // NOTE: read in the effect only, so the end of a pause asks again only for a key not answered yet.
  const answeredKey = useRef<string | null>(null);
  useEffect(() => {
    if (key === null || paused || answeredKey.current === key) return;
    const controller = new AbortController();
    const settle = (state: RequestState<T>) => {
      if (controller.signal.aborted) return;
      answeredKey.current = key;
      setSettled({ key, state });
    };
    load(controller.signal).then(
      (data) => settle({ status: 'ready', data }),
      (error: unknown) => settle({ status: 'failed', error }),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` names everything `load` depends on
  }, [key, paused]);
  if (key === null) return IDLE;
  if (settled?.key === key) return settled.state;
  return paused ? WAITING : PENDING;
}

/** What a comparison finds: the spans predicted to fail, those already up to date, the server's values. */
interface Comparison {
  failures: Map<string, SpanPrediction>;
  predict: (spanId: string, patch: readonly PatchEntry[]) => SpanPrediction | undefined;
  upToDate: ReadonlySet<string>;
  upToDateByStatus: Readonly<Record<SpanStatus, number>>;
  predictedFailures: number;
  fieldCount: number;
}

/** A span a submission would send, with its status in the sheet and, once computed, its merged patch. */
interface SpanToSend {
  spanId: string;
  status: SpanStatus;
}

/**
 * Compares the sheet with the server: the submittable spans' IDs are looked up (in batches, by the client) while
 * their patches are computed a slice at a time; then each span's outcome is predicted, a slice at a time.
 */
async function compareWithServer(
  model: SheetModel,
  settings: ConnectionSettings,
  signal: AbortSignal,
): Promise<Comparison> {
  await delay(LOOKUP_DELAY_MS, signal);
  const { project } = settings;
  // NOTE: a request that fails stops the computing beside it at once (and the other way round).
  const controller = new AbortController();
  const stop = () => controller.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  try {
    const toSend = await submittableSpans(model, controller.signal);
    const options = { ...toClientOptions(settings), signal: controller.signal };
    const [fields, lookup, spans, projects] = await Promise.all([
      getFields(project, options),
      lookupSpans(
        project,
        toSend.map((span) => span.spanId),
        options,
      ),
      patchesOf(model, toSend, controller.signal),
      listProjects(options),
    ]).catch((error: unknown) => {
      controller.abort(error);
      throw error;
    });

    const stored = new Map<string, Readonly<Record<string, StoredValue>>>();
    for await (const [start, end] of inSlices(lookup.spans.length, { signal: controller.signal })) {
      for (const span of lookup.spans.slice(start, end)) stored.set(span.span_id, span.metadata);
    }
    const server = {
      project,
      fields: new Map<string, StoredType | null>(fields.fields.map((field) => [field.key, field.type])),
      spans: stored,
      // A project linked to Arize AX: a span the copy does not hold is left to Arize (SPEC §14).
      linked: projects.projects.find((listed) => listed.name === project)?.target.kind === 'arize',
    };
    // The field types known so far: each slice's spans add those they set, as the server does in order.
    const fieldTypes = new Map(server.fields);
    const failures = new Map<string, SpanPrediction>();
    const upToDate = new Set<string>();
    const upToDateByStatus: Record<SpanStatus, number> = { ready: 0, warnings: 0, blocked: 0, empty: 0 };
    let predictedFailures = 0;
    for await (const [start, end] of inSlices(spans.length, { signal: controller.signal })) {
      const slice = spans.slice(start, end);
      const predicted = predictSubmission(slice, server, fieldTypes);
      for (const { spanId, status } of slice) {
        const prediction = predicted.get(spanId);
        if (prediction === undefined) continue;
        if (prediction.failure) {
          failures.set(spanId, prediction);
          predictedFailures++;
        }
        if (isUpToDate(prediction)) {
          upToDate.add(spanId);
          upToDateByStatus[status]++;
        }
      }
    }
    // NOTE: a span not predicted to fail is predicted alone when shown: without the types earlier spans set,
    // which only decide failures, and those are kept.
    const alone = {
      project,
      fields: new Map<string, StoredType | null>(),
      spans: stored,
      linked: server.linked,
    };
    // Only the spans compared have a prediction (those a submission sends): a span not found on the server is
    // among the failures, so one found neither there nor here was not compared (a blocked span).
    const predict = (spanId: string, patch: readonly PatchEntry[]) =>
      failures.get(spanId) ??
      (stored.has(spanId) || server.linked
        ? predictSubmission([{ spanId, patch }], alone).get(spanId)
        : undefined);
    return {
      failures,
      predict,
      upToDate,
      upToDateByStatus,
      predictedFailures,
      fieldCount: fields.fields.length,
    };
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** The spans a submission would send (`isSubmittable`), in sheet order, from their status alone. */
async function submittableSpans(model: SheetModel, signal: AbortSignal): Promise<SpanToSend[]> {
  if (model.sheetIssues.length > 0) return [];
  const spanIds = model.spanIds();
  const spans: SpanToSend[] = [];
  for await (const [start, end] of inSlices(spanIds.length, { signal })) {
    for (const spanId of spanIds.slice(start, end)) {
      const status = model.spanStatus(spanId);
      if (status !== undefined && isSubmittable(status, false)) spans.push({ spanId, status });
    }
  }
  return spans;
}

/** Each span's merged patch, computed a slice at a time (the costly part of a large sheet's comparison). */
async function patchesOf(
  model: SheetModel,
  toSend: readonly SpanToSend[],
  signal: AbortSignal,
): Promise<(SpanToSend & { patch: readonly PatchEntry[] })[]> {
  const spans: (SpanToSend & { patch: readonly PatchEntry[] })[] = [];
  for await (const [start, end] of inSlices(toSend.length, { signal })) {
    for (const { spanId, status } of toSend.slice(start, end)) {
      const span = model.span(spanId);
      if (span !== undefined) spans.push({ spanId, status, patch: span.patch });
    }
  }
  return spans;
}

/** Resolves after `ms`, or rejects at once when the signal aborts. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
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
