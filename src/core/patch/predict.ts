import { parseErrorMessage } from '@/core/api';
import type { PatchEntry } from './row-patch';
import { planSpanUpdate } from './span-update';
import type { StoredType, StoredValue } from './stored-form';
import type { StoredPatch } from './stored-patch';
import { segmentNotFoundMessage } from './submitted-patch';

/** How a key of a span changes: it did not exist, it gets another value, or it already has this value. */
export type PredictedKeyChange = 'added' | 'changed' | 'unchanged';

/** A failure the server would give this span, predicted from its current metadata and the project's types. */
export interface PredictedFailure {
  type: 'segment_not_found' | 'type_conflict' | 'druid_rejection';
  message: string;
}

/** One span against the server: its metadata now and after the patch, key by key, or the predicted failure. */
export interface SpanPrediction {
  /** The span's metadata now; null when the span was not found. */
  before: Readonly<StoredPatch> | null;
  /** The span's metadata after the patch; null when the patch is predicted to fail. */
  after: Readonly<StoredPatch> | null;
  changes: Map<string, PredictedKeyChange>;
  failure: PredictedFailure | null;
}

/** What the server said about the project and the spans, from `metadata/fields` and `spans/lookup`. */
export interface ServerView {
  project: string;
  fields: ReadonlyMap<string, StoredType | null>;
  /** Current metadata of the spans found. */
  spans: ReadonlyMap<string, Readonly<StoredPatch>>;
}

/**
 * Predicts what submitting the spans in this order would do, with the same rules the server applies
 * (`planSpanUpdate`): spans not found, type conflicts (including with keys typed by an earlier span of the
 * same submission), and store limits. Marked as predictions: the server decides when the patch is sent.
 *
 * @param fields the field types known so far, to which each span adds those it sets (a copy of `server.fields`
 *   unless given): to predict one submission in parts, in order, pass the same map with every part
 */
export function predictSubmission(
  spans: readonly { spanId: string; patch: readonly PatchEntry[] }[],
  server: ServerView,
  fields: Map<string, StoredType | null> = new Map(server.fields),
): Map<string, SpanPrediction> {
  const predictions = new Map<string, SpanPrediction>();
  for (const { spanId, patch } of spans) {
    const before = server.spans.get(spanId);
    if (before === undefined) {
      predictions.set(spanId, {
        before: null,
        after: null,
        changes: new Map(),
        failure: { type: 'segment_not_found', message: segmentNotFoundMessage(spanId, server.project) },
      });
      continue;
    }
    const entries = patch.map((entry): [string, StoredValue] => [entry.key, entry.stored]);
    const plan = planSpanUpdate(before, entries, fields);
    const changes = new Map<string, PredictedKeyChange>();
    for (const [key, value] of entries) {
      changes.set(
        key,
        !Object.hasOwn(before, key) ? 'added' : Object.is(before[key], value) ? 'unchanged' : 'changed',
      );
    }
    if (!plan.ok) {
      const { type, detail } = parseErrorMessage(plan.errorMessage);
      const failureType = type === 'druid_rejection' ? 'druid_rejection' : 'type_conflict';
      predictions.set(spanId, {
        before,
        after: null,
        changes,
        failure: { type: failureType, message: detail },
      });
      continue;
    }
    for (const [key, type] of plan.fieldTypes) fields.set(key, type);
    predictions.set(spanId, { before, after: plan.metadata, changes, failure: null });
  }
  return predictions;
}

/**
 * Whether sending this span would change nothing: the server has it, no failure is predicted, and every key of
 * its patch is already stored with an `Object.is`-equal value (the server counts such a span in
 * `spans_unchanged` and records no change for it).
 */
export function isUpToDate(prediction: SpanPrediction): boolean {
  if (prediction.failure !== null || prediction.before === null || prediction.changes.size === 0)
    return false;
  for (const change of prediction.changes.values()) {
    if (change !== 'unchanged') return false;
  }
  return true;
}

/**
 * The spans already up to date on the server (`isUpToDate`), which a submission leaves out since sending them
 * would change nothing. Leaving them out changes no other span's prediction: an up-to-date span adds no key and
 * sets no type.
 */
export function upToDateSpanIds(predictions: ReadonlyMap<string, SpanPrediction>): Set<string> {
  const spanIds = new Set<string>();
  for (const [spanId, prediction] of predictions) {
    if (isUpToDate(prediction)) spanIds.add(spanId);
  }
  return spanIds;
}
