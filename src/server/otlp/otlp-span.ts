import type { IncomingSpan } from '@/server/patch/plan-ingest';

/*
 * One OTLP span, as decoded and checked by `decode-traces.ts`, turned into the span ingest stores: its IDs
 * checked, its OpenInference attributes (project, kind, metadata, input, output) read, the rest kept as plain
 * JSON values.
 */

/** Resource attribute naming the project of OpenInference spans. */
export const PROJECT_ATTRIBUTE = 'openinference.project.name';
/** Span attribute holding OpenInference metadata, a JSON object as text. */
export const METADATA_ATTRIBUTE = 'metadata';
/** Span attribute holding the OpenInference span kind (CHAIN, LLM, RETRIEVER, TOOL, …). */
export const SPAN_KIND_ATTRIBUTE = 'openinference.span.kind';
/** The OpenInference attributes of a span's input and output (shown in the span's detail). */
export const INPUT_ATTRIBUTE = 'input.value';
export const OUTPUT_ATTRIBUTE = 'output.value';
export interface OtlpAnyValue {
  stringValue?: string | undefined;
  boolValue?: boolean | undefined;
  intValue?: string | number | undefined;
  doubleValue?: number | string | undefined;
  arrayValue?: { values?: OtlpAnyValue[] | undefined } | undefined;
  kvlistValue?: { values?: OtlpKeyValue[] | undefined } | undefined;
  bytesValue?: string | undefined;
}
export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue | undefined;
}

/** A span of an export whose own fields are checked; its attributes are checked key-values. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string | undefined;
  name?: string | undefined;
  kind?: number | string | undefined;
  startTimeUnixNano?: string | number | undefined;
  endTimeUnixNano?: string | number | undefined;
  attributes?: OtlpKeyValue[] | undefined;
}

const otlpKinds = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const hexSpanId = /^[0-9a-f]{16}$/;
const hexTraceId = /^[0-9a-f]{32}$/;

/** The span ingest stores, or why it cannot be stored. */
export function toIncomingSpan(span: OtlpSpan): IncomingSpan | string {
  const spanId = span.spanId.toLowerCase();
  const traceId = span.traceId.toLowerCase();
  if (!hexSpanId.test(spanId) || /^0+$/.test(spanId)) {
    return `A span has an invalid spanId '${span.spanId.slice(0, 40)}' (8 bytes, 16 hex characters expected)`;
  }
  if (!hexTraceId.test(traceId) || /^0+$/.test(traceId)) {
    return `Span ${spanId} has an invalid traceId '${span.traceId.slice(0, 40)}' (16 bytes, 32 hex characters expected)`;
  }
  const attributes = attributeMap(span.attributes);
  const parent = (span.parentSpanId ?? '').toLowerCase();
  const kindAttribute = textOf(attributes.get(SPAN_KIND_ATTRIBUTE));
  const metadata = attributes.get(METADATA_ATTRIBUTE);
  const others: Record<string, unknown> = {};
  for (const [key, value] of attributes) {
    if (key === METADATA_ATTRIBUTE || key === INPUT_ATTRIBUTE || key === OUTPUT_ATTRIBUTE) continue;
    // NOTE: defineProperty, so a key like '__proto__' is an own key and never a prototype.
    Object.defineProperty(others, key, {
      value: jsonSafe(plainValue(value)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    spanId,
    traceId,
    parentSpanId: hexSpanId.test(parent) ? parent : null,
    name: span.name ?? '',
    kind: kindAttribute ? kindAttribute.toUpperCase() : otlpKindName(span.kind),
    startTime: isoTime(span.startTimeUnixNano) ?? new Date(0).toISOString(),
    endTime: isoTime(span.endTimeUnixNano),
    metadata: metadata === undefined ? undefined : plainValue(metadata),
    input: attributeText(attributes.get(INPUT_ATTRIBUTE)),
    output: attributeText(attributes.get(OUTPUT_ATTRIBUTE)),
    attributes: others,
  };
}

/** An attribute as text: text as it is, any other value as JSON text; null when absent. */
function attributeText(value: OtlpAnyValue | undefined): string | null {
  if (value === undefined) return null;
  const plain = jsonSafe(plainValue(value));
  return typeof plain === 'string' ? plain : JSON.stringify(plain);
}

/** A plain value JSON can hold: an integer too large for a number becomes its decimal text. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    const object: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(object, key, {
        value: jsonSafe(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  }
  return value;
}

function otlpKindName(kind: number | string | undefined): string {
  if (typeof kind === 'string') return kind.replace(/^SPAN_KIND_/, '') || 'UNSPECIFIED';
  return otlpKinds[kind ?? 0] ?? 'UNSPECIFIED';
}

export function attributeMap(attributes: readonly OtlpKeyValue[] | undefined): Map<string, OtlpAnyValue> {
  const map = new Map<string, OtlpAnyValue>();
  for (const attribute of attributes ?? []) if (attribute.value) map.set(attribute.key, attribute.value);
  return map;
}

export function textOf(value: OtlpAnyValue | undefined): string | null {
  const text = value?.stringValue?.trim();
  return text ? text : null;
}

/** An attribute value as a plain JSON value: a kvlist becomes an object, an array an array. */
function plainValue(value: OtlpAnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) {
    const big = BigInt(value.intValue);
    return Number.isSafeInteger(Number(big)) ? Number(big) : big;
  }
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plainValue);
  if (value.kvlistValue) {
    const object: Record<string, unknown> = {};
    for (const entry of value.kvlistValue.values ?? []) {
      if (!entry.value) continue;
      // NOTE: defineProperty, so a key like '__proto__' is an own key (later refused) and never a prototype.
      Object.defineProperty(object, entry.key, {
        value: plainValue(entry.value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  }
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}

const nanosPerMilli = 1_000_000n;
const maxMillis = 8.64e15;

function isoTime(nanos: string | number | undefined): string | null {
  if (nanos === undefined) return null;
  const millis = Number(BigInt(nanos) / nanosPerMilli);
  if (millis <= 0 || millis > maxMillis) return null;
  return new Date(millis).toISOString();
}
