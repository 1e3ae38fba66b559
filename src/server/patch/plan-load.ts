import { planSpanUpdate, type SpanWrite, type StoredPatch, type StoredType } from '@/core/patch';
import { type IncomingSpan, type IngestPlan, planIngest, storedEntries } from './plan-ingest';
import type { FieldWrite } from './plan-submission';

/** What a load from Arize AX writes to Spanpatch's copy (SPEC §14): new spans, and metadata Arize holds otherwise. */
export interface LoadPlan {
  /** Spans new to the copy, with their metadata in stored form. */
  inserts: IngestPlan['inserts'];
  /** Spans the copy holds whose metadata Arize holds otherwise: the keys that change, with before and after. */
  writes: SpanWrite[];
  fields: FieldWrite[];
  /** Spans the copy holds as Arize has them (or repeated in the page): nothing is written for them. */
  unchanged: number;
  /** What was left out of some span's metadata and why. */
  warnings: string[];
}

const MAX_WARNINGS = 5;

/**
 * Plans the upsert of a page of spans loaded from Arize AX, the system of record of a linked project (SPEC §14):
 * a span new to the copy is inserted as an ingest inserts it (`planIngest`); a span the copy holds takes Arize's
 * metadata key by key (a value Arize holds otherwise replaces the copy's, a key new there is added, a null stays a
 * null). A key the copy holds and Arize's export does not stays as it is: Arize cannot remove a key, so it is not a
 * removal. A value that cannot be stored or conflicts with its key's type is left out with a warning, as at
 * ingest. Loading the same spans again plans no write at all.
 */
export function planLoad(
  spans: readonly IncomingSpan[],
  current: ReadonlyMap<string, StoredPatch>,
  fieldTypes: ReadonlyMap<string, StoredType | null>,
): LoadPlan {
  const ingest = planIngest(
    spans.filter((span) => !current.has(span.spanId)),
    new Set(),
    fieldTypes,
  );
  const types = new Map(fieldTypes);
  const fields = new Map<string, FieldWrite>();
  for (const field of ingest.fields) {
    types.set(field.key, field.type);
    fields.set(field.key, { ...field });
  }
  const plan: LoadPlan = {
    inserts: ingest.inserts,
    writes: [],
    fields: [],
    unchanged: ingest.duplicates,
    warnings: [...ingest.warnings],
  };
  let warningCount = ingest.warnings.length;
  const warn = (message: string) => {
    warningCount++;
    if (plan.warnings.length < MAX_WARNINGS) plan.warnings.push(message);
  };
  const metadataBySpan = new Map(current);
  for (const span of spans) {
    const before = metadataBySpan.get(span.spanId);
    if (before === undefined) continue;
    const update = planSpanUpdate(before, storedEntries(span, types, warn), types);
    if (!update.ok) {
      warn(`Span ${span.spanId}: metadata kept as it was: ${update.errorMessage}`);
      plan.unchanged++;
      continue;
    }
    if (update.changes.length === 0) {
      plan.unchanged++;
      continue;
    }
    for (const [key, type] of update.fieldTypes) {
      types.set(key, type);
      fieldWrite(fields, key, type);
    }
    for (const change of update.changes) {
      if (!change.existedBefore) fieldWrite(fields, change.key, types.get(change.key) ?? null).addedSpans++;
    }
    metadataBySpan.set(span.spanId, update.metadata);
    plan.writes.push({ spanId: span.spanId, metadata: update.metadata, changes: update.changes });
  }
  if (warningCount > plan.warnings.length) {
    plan.warnings.push(`… and ${warningCount - plan.warnings.length} more`);
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
