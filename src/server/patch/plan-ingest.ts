import { isValidKey } from '@/core/api';
import {
  checkStoredType,
  planSpanUpdate,
  type StoredPatch,
  type StoredType,
  type StoredValue,
  toStoredForm,
} from '@/core/patch';
import { isJsonObject, jsonDepth, parseJson, wellFormedText } from '@/core/text';
import type { FieldWrite } from './plan-submission';

/** A span as it arrives from a tracer, before it is stored. */
export interface IncomingSpan {
  spanId: string;
  traceId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  /** ISO 8601 time. */
  startTime: string;
  endTime: string | null;
  /** The OpenInference `metadata` attribute as it arrived: JSON text, an object, or undefined. */
  metadata: unknown;
  /** The OpenInference `input.value` attribute (as JSON text when it was not text); absent or null when none. */
  input?: string | null;
  /** The OpenInference `output.value` attribute, likewise. */
  output?: string | null;
  /** The span's other attributes as plain JSON values (no `metadata`, `input.value`, `output.value`). */
  attributes?: Readonly<Record<string, unknown>>;
}

/** The spans to insert with their initial metadata in stored form, and what that does to the type registry. */
export interface IngestPlan {
  inserts: { span: IncomingSpan; metadata: StoredPatch }[];
  fields: FieldWrite[];
  /** Spans already stored (or repeated in the request): the stored span is kept as it is. */
  duplicates: number;
  /** What was left out of some span's metadata and why, for the OTLP partial-success message. */
  warnings: string[];
}

const MAX_WARNINGS = 5;
/**
 * Deepest `metadata` attribute stored, counted as jsonDepth counts. NOTE: more than a patch may nest (10), since a
 * tracer's nested values are simply stored as JSON text; the limit keeps the conversion to stored form, which
 * recurses (JSON.stringify), far from the end of the call stack.
 */
export const MAX_INGEST_METADATA_DEPTH = 64;

/**
 * Plans the insertion of traced spans with their initial metadata (SPEC §6): the `metadata` attribute's
 * top-level values in stored form, recorded in the project's type registry. A value that cannot be stored or
 * conflicts with its key's type is left out (the span is still stored); a span already stored is kept untouched,
 * so a re-sent export never loses metadata patched since.
 */
export function planIngest(
  spans: readonly IncomingSpan[],
  existingSpanIds: ReadonlySet<string>,
  fieldTypes: ReadonlyMap<string, StoredType | null>,
): IngestPlan {
  const types = new Map(fieldTypes);
  const fields = new Map<string, FieldWrite>();
  const seen = new Set<string>();
  const plan: IngestPlan = { inserts: [], fields: [], duplicates: 0, warnings: [] };
  let warningCount = 0;
  const warn = (message: string) => {
    warningCount++;
    if (plan.warnings.length < MAX_WARNINGS) plan.warnings.push(message);
  };
  for (const span of spans) {
    if (existingSpanIds.has(span.spanId) || seen.has(span.spanId)) {
      plan.duplicates++;
      continue;
    }
    seen.add(span.spanId);
    const entries = storedEntries(span, types, warn);
    const update = planSpanUpdate({}, entries, types);
    if (!update.ok) {
      warn(`Span ${span.spanId}: metadata not stored: ${update.errorMessage}`);
      plan.inserts.push({ span: wellFormedSpan(span), metadata: {} });
      continue;
    }
    for (const [key, type] of update.fieldTypes) types.set(key, type);
    for (const key of Object.keys(update.metadata)) {
      const type = types.get(key) ?? null;
      const write = fields.get(key) ?? { key, type, addedSpans: 0 };
      write.type = type;
      write.addedSpans++;
      fields.set(key, write);
    }
    plan.inserts.push({ span: wellFormedSpan(span), metadata: update.metadata });
  }
  if (warningCount > plan.warnings.length) {
    plan.warnings.push(`… and ${warningCount - plan.warnings.length} more`);
  }
  plan.fields = [...fields.values()];
  return plan;
}

/**
 * A span's `metadata` attribute as stored entries: each top-level value in stored form, left out (with a warning)
 * when its key is not valid, it cannot be stored, or it conflicts with its key's type in `types`.
 */
export function storedEntries(
  span: IncomingSpan,
  types: ReadonlyMap<string, StoredType | null>,
  warn: (message: string) => void,
): [string, StoredValue][] {
  let document = span.metadata;
  if (document === undefined || document === null || document === '') return [];
  if (typeof document === 'string') {
    const parsed = parseJson(document);
    if (!parsed.ok) {
      warn(`Span ${span.spanId}: the metadata attribute is not JSON (${parsed.message}); stored without it`);
      return [];
    }
    document = parsed.value;
  }
  if (!isJsonObject(document)) {
    warn(`Span ${span.spanId}: the metadata attribute is not a JSON object; stored without it`);
    return [];
  }
  if (jsonDepth(document, MAX_INGEST_METADATA_DEPTH) > MAX_INGEST_METADATA_DEPTH) {
    warn(
      `Span ${span.spanId}: the metadata attribute nests more than ${MAX_INGEST_METADATA_DEPTH} levels deep; stored without it`,
    );
    return [];
  }
  const entries: [string, StoredValue][] = [];
  for (const [sentKey, sentValue] of Object.entries(document)) {
    const key = wellFormedText(sentKey);
    const value = typeof sentValue === 'string' ? wellFormedText(sentValue) : sentValue;
    if (!isValidKey(key)) {
      warn(`Span ${span.spanId}: metadata key '${key.slice(0, 64)}' is not a valid key; left out`);
      continue;
    }
    const stored = toStoredForm(value);
    if (!stored.ok) {
      warn(`Span ${span.spanId}: metadata '${key}' cannot be stored (${stored.error}); left out`);
      continue;
    }
    const check = checkStoredType(types.get(key), stored.stored);
    if (!check.ok) {
      warn(
        `Span ${span.spanId}: metadata '${key}' is ${check.patchType} but the project stores ${types.get(key)}; left out`,
      );
      continue;
    }
    entries.push([key, stored.stored]);
  }
  return entries;
}

/**
 * A span's text as both stores keep it: a lone surrogate (which OTLP/JSON's `\ud800` escapes can carry and UTF-8
 * cannot) becomes one U+FFFD in its name and kind, as its metadata's keys and text values do.
 */
function wellFormedSpan(span: IncomingSpan): IncomingSpan {
  const name = wellFormedText(span.name);
  const kind = wellFormedText(span.kind);
  // NOTE: an absent input or output stays absent (not null), so a span without them is kept as it came.
  const input = typeof span.input === 'string' ? wellFormedText(span.input) : span.input;
  const output = typeof span.output === 'string' ? wellFormedText(span.output) : span.output;
  return name === span.name && kind === span.kind && input === span.input && output === span.output
    ? span
    : { ...span, name, kind, input, output };
}
