import { type QueryKey, queryOptions } from '@tanstack/react-query';
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
import { projectKey, type ServerConnection, toClientOptions } from '@/ui/settings';
import { inSlices } from '@/ui/shared/in-slices';

const LOOKUP_DELAY_MS = 500;

/** Where `comparison` stands in a comparison's key: right after the project's key. */
const COMPARISON_AT = projectKey({ serverUrl: '', apiKey: '' }, '').length;

/** A number for each sheet model compared: the model changes in place, its version says when. */
const sheetNumbers = new WeakMap<SheetModel, number>();
let sheetsNumbered = 0;

function sheetNumberOf(model: SheetModel): number {
  let number = sheetNumbers.get(model);
  if (number === undefined) {
    number = ++sheetsNumbered;
    sheetNumbers.set(model, number);
  }
  return number;
}

/** The query keys of the Preview's comparisons: under the project's, so a submission marks them out of date. */
export const comparisonKeys = {
  /** The comparison of one sheet as it is (its model and version) with a project. */
  sheet: (connection: ServerConnection, project: string, model: SheetModel, version: number) =>
    [...projectKey(connection, project), 'comparison', { sheet: sheetNumberOf(model), version }] as const,
  isComparison: (key: QueryKey) => key[COMPARISON_AT] === 'comparison',
};

/**
 * The comparison of a sheet as it is with the server: one query for the whole sheet (its spans are looked up and
 * predicted in slices inside it, never a query each). It waits a moment first, so an edit made meanwhile (a new
 * version, another query) drops it before anything is asked. Fresh for as long as every read of the app (the Preview
 * shown again within it shows it at once), unless a submission or a revert marks it out of date first; never
 * shared structurally (it holds maps and a function, and up to a million spans).
 */
export function comparisonQueryOptions(
  model: SheetModel,
  connection: ServerConnection,
  project: string,
  version: number,
) {
  return queryOptions({
    queryKey: comparisonKeys.sheet(connection, project, model, version),
    queryFn: ({ signal }) => compareWithServer(model, connection, project, signal),
    structuralSharing: false,
  });
}

/** What a comparison finds: the spans predicted to fail, those already up to date, the server's values. */
export interface Comparison {
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
  connection: ServerConnection,
  project: string,
  signal: AbortSignal,
): Promise<Comparison> {
  await delay(LOOKUP_DELAY_MS, signal);
  // NOTE: a request that fails stops the computing beside it at once (and the other way round).
  const controller = new AbortController();
  const stop = () => controller.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  try {
    const toSend = await submittableSpans(model, controller.signal);
    const options = { ...toClientOptions(connection), signal: controller.signal };
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

/** The spans a submission would send (`isSubmittable`), in sheet order, from their status alone, in slices. */
async function submittableSpans(model: SheetModel, signal: AbortSignal): Promise<SpanToSend[]> {
  if (model.sheetIssues.length > 0) return [];
  const order = model.spanOrder();
  const spans: SpanToSend[] = [];
  for await (const [start, end] of inSlices(order.length, { signal })) {
    for (let index = start; index < end; index++) {
      const status = order.status(index);
      if (status !== undefined && isSubmittable(status, false))
        spans.push({ spanId: order.id(index), status });
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
