import { formatErrorMessage, type SpanError } from '@/core/api';
import {
  planSpanUpdate,
  type PreparedPatch,
  segmentNotFoundMessage,
  type SpanWrite,
  type StoredPatch,
  type StoredType,
} from '@/core/patch';

/** One span of a request, its patch_document already validated and in stored form (or its failure). */
export interface SubmittedSpan {
  spanId: string;
  patch: PreparedPatch;
}

/** What a submission does to the project's type registry for one key. */
export interface FieldWrite {
  key: string;
  /** The key's type after the submission (null while only null was stored). */
  type: StoredType | null;
  /** Spans that hold the key now and did not before. */
  addedSpans: number;
}

/** Everything a submission writes, decided before anything is written. */
export interface SubmissionPlan {
  /** Spans to write, in request order (a span repeated in the request appears once per occurrence). */
  writes: SpanWrite[];
  fields: FieldWrite[];
  errors: SpanError[];
  spansProcessed: number;
  spansUpdated: number;
  /** Updated spans whose stored values were already what the patch asked: nothing is written for them. */
  spansUnchanged: number;
  spansFailed: number;
}

/**
 * Plans a metadata submission (SPEC §6) against the spans' current metadata and the project's field types,
 * span by span in request order: each span gets all its keys or none, and one span's failure never affects
 * another's. The patch rules themselves are `planSpanUpdate` from core; this only threads the project state
 * from one span to the next, so any store can run it inside its own transaction.
 */
export function planSubmission(
  project: string,
  spans: readonly SubmittedSpan[],
  currentMetadata: ReadonlyMap<string, StoredPatch>,
  fieldTypes: ReadonlyMap<string, StoredType | null>,
): SubmissionPlan {
  const metadataBySpan = new Map(currentMetadata);
  const types = new Map(fieldTypes);
  const fields = new Map<string, FieldWrite>();
  const plan: SubmissionPlan = {
    writes: [],
    fields: [],
    errors: [],
    spansProcessed: spans.length,
    spansUpdated: 0,
    spansUnchanged: 0,
    spansFailed: 0,
  };
  const failSpan = (spanId: string, errorMessage: string) => {
    plan.spansFailed++;
    plan.errors.push({ span_id: spanId, error_message: errorMessage });
  };
  for (const { spanId, patch } of spans) {
    if (!patch.ok) {
      failSpan(spanId, patch.errorMessage);
      continue;
    }
    const current = metadataBySpan.get(spanId);
    if (current === undefined) {
      failSpan(spanId, formatErrorMessage('segment_not_found', segmentNotFoundMessage(spanId, project)));
      continue;
    }
    const update = planSpanUpdate(current, Object.entries(patch.stored), types);
    if (!update.ok) {
      failSpan(spanId, update.errorMessage);
      continue;
    }
    plan.spansUpdated++;
    for (const [key, type] of update.fieldTypes) {
      types.set(key, type);
      fieldWrite(fields, key, type);
    }
    for (const change of update.changes) {
      if (!change.existedBefore) fieldWrite(fields, change.key, types.get(change.key) ?? null).addedSpans++;
    }
    if (update.changes.length > 0) {
      metadataBySpan.set(spanId, update.metadata);
      plan.writes.push({ spanId, metadata: update.metadata, changes: update.changes });
    } else {
      plan.spansUnchanged++;
    }
  }
  plan.fields = [...fields.values()];
  return plan;
}

function fieldWrite(fields: Map<string, FieldWrite>, key: string, type: StoredType | null): FieldWrite {
  let write = fields.get(key);
  if (!write) {
    write = { key, type, addedSpans: 0 };
    fields.set(key, write);
  }
  write.type = type;
  return write;
}
