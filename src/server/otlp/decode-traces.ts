import protobuf from 'protobufjs';
import { z } from 'zod';
import { describeSchemaError } from '@/core/api-schema';
import { jsonDepth, parseJson } from '@/core/json';
import type { IncomingSpan } from '@/server/patch/plan-ingest';
import { exportTraceRequestType } from './otlp-proto';

/** Resource attribute naming the project of OpenInference spans. */
export const PROJECT_ATTRIBUTE = 'openinference.project.name';
/** Span attribute holding OpenInference metadata, a JSON object as text. */
export const METADATA_ATTRIBUTE = 'metadata';
/** Span attribute holding the OpenInference span kind (CHAIN, LLM, RETRIEVER, TOOL, …). */
export const SPAN_KIND_ATTRIBUTE = 'openinference.span.kind';
/**
 * Deepest OTLP body accepted, in JSON levels (the top object is 1; a span's attribute value is at 10, and each
 * AnyValue nested in an arrayValue or kvlistValue adds 3). NOTE: checked without recursion before the recursive
 * parsing below (zod's lazy AnyValue schema, plainValue), which overflows the call stack near 1,500 levels.
 * protobufjs refuses messages nested over 100 deep, about 150 of these levels, so 160 admits any body in either
 * encoding that a tracer sends in practice.
 */
export const MAX_OTLP_DEPTH = 160;

interface OtlpAnyValue {
  stringValue?: string | undefined;
  boolValue?: boolean | undefined;
  intValue?: string | number | undefined;
  doubleValue?: number | string | undefined;
  arrayValue?: { values?: OtlpAnyValue[] | undefined } | undefined;
  kvlistValue?: { values?: OtlpKeyValue[] | undefined } | undefined;
  bytesValue?: string | undefined;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue | undefined;
}

const int64 = z.union([z.string().regex(/^-?\d+$/, 'must be an integer'), z.number().int()]);
const anyValueSchema: z.ZodType<OtlpAnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64.optional(),
    doubleValue: z.union([z.number(), z.string()]).optional(),
    arrayValue: z.object({ values: z.array(anyValueSchema).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(keyValueSchema).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
);
const keyValueSchema: z.ZodType<OtlpKeyValue> = z.lazy(() =>
  z.object({ key: z.string(), value: anyValueSchema.optional() }),
);
const attributesSchema = z.array(keyValueSchema).optional();

const spanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string().optional(),
  kind: z.union([z.number().int(), z.string()]).optional(),
  startTimeUnixNano: int64.optional(),
  endTimeUnixNano: int64.optional(),
  attributes: attributesSchema,
});

/** OTLP/JSON `ExportTraceServiceRequest`, the parts ingest reads (lowerCamelCase names, hex IDs). */
const exportRequestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: attributesSchema }).optional(),
        scopeSpans: z.array(z.object({ spans: z.array(spanSchema).optional() })).optional(),
      }),
    )
    .optional(),
});
type ExportRequest = z.infer<typeof exportRequestSchema>;
type OtlpSpan = z.infer<typeof spanSchema>;

/** Spans of one export, grouped by project, and the spans that could not be read. */
export interface DecodedTraces {
  projects: Map<string, IncomingSpan[]>;
  rejectedSpans: number;
  rejections: string[];
}

/** A decoded export, or why the body is not one. */
export type DecodeResult = { ok: true; traces: DecodedTraces } | { ok: false; message: string };

const otlpKinds = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

/** Decodes an OTLP/HTTP JSON body (`application/json`). */
export function decodeJsonTraces(body: string): DecodeResult {
  const parsed = parseJson(body);
  if (!parsed.ok) return { ok: false, message: `The body is not valid JSON: ${parsed.message}` };
  return fromExportRequest(parsed.value);
}

/** Decodes an OTLP/HTTP protobuf body (`application/x-protobuf`). */
export function decodeProtobufTraces(body: Uint8Array): DecodeResult {
  let object: Record<string, unknown>;
  try {
    const reader = protobuf.Reader.create(body);
    // NOTE: protobufjs skips a known field sent with the wrong wire type as if it were unknown, so garbage would
    // pass as an empty export, and verify() cannot tell (it checks decoded values, not the wire). Kept unknowns
    // let misplacedField tell a misplaced field from one truly unknown, which protobuf requires us to skip.
    reader.discardUnknown = false;
    const message = exportTraceRequestType.decode(reader);
    const misplaced = misplacedField(message, exportTraceRequestType);
    if (misplaced !== null) {
      return {
        ok: false,
        message: `The body is not an OTLP ExportTraceServiceRequest in protobuf: ${misplaced}`,
      };
    }
    object = exportTraceRequestType.toObject(message, { longs: String, bytes: String, enums: Number });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `The body is not an OTLP ExportTraceServiceRequest in protobuf: ${reason}` };
  }
  // NOTE: protobuf carries IDs as bytes (base64 after toObject); OTLP/JSON carries them as hex.
  for (const resourceSpans of asArray(object.resourceSpans)) {
    for (const scopeSpans of asArray(field(resourceSpans, 'scopeSpans'))) {
      for (const span of asArray(field(scopeSpans, 'spans'))) {
        if (typeof span !== 'object' || span === null) continue;
        const record = span as Record<string, unknown>;
        for (const key of ['traceId', 'spanId', 'parentSpanId']) {
          const value = record[key];
          record[key] = typeof value === 'string' ? Buffer.from(value, 'base64').toString('hex') : '';
        }
      }
    }
  }
  return fromExportRequest(object);
}

const wireTypeNames = ['varint', '64-bit', 'length-delimited', 'group start', 'group end', '32-bit'];
const scalarWireTypes: Readonly<Record<string, number | undefined>> = protobuf.types.basic;

/**
 * The first field of a decoded message (or of a message inside it) that protobufjs kept as unknown although its
 * number is a field of that message: it came with the wrong wire type. Null when there is none. Walked with an
 * explicit stack; the nesting is bounded anyway by protobufjs's recursion limit.
 */
function misplacedField(message: protobuf.Message, type: protobuf.Type): string | null {
  const pending: [Record<string, unknown>, protobuf.Type][] = [
    [message as unknown as Record<string, unknown>, type],
  ];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [current, currentType] = item;
    const unknowns = current.$unknowns;
    for (const raw of Array.isArray(unknowns) ? unknowns : []) {
      if (!(raw instanceof Uint8Array)) continue;
      const tag = protobuf.Reader.create(raw).uint32();
      const known = currentType.fieldsById[tag >>> 3];
      if (known === undefined) continue;
      const expected =
        known.resolve().resolvedType instanceof protobuf.Enum ? 0 : (scalarWireTypes[known.type] ?? 2);
      return `field ${known.name} of ${currentType.name} came as ${wireTypeNames[tag & 7] ?? `wire type ${tag & 7}`}, not ${wireTypeNames[expected] ?? `wire type ${expected}`}`;
    }
    for (const child of currentType.fieldsArray) {
      const childType = child.resolve().resolvedType;
      if (!(childType instanceof protobuf.Type)) continue;
      const value = current[child.name];
      for (const nested of Array.isArray(value) ? value : [value]) {
        if (typeof nested === 'object' && nested !== null) {
          pending.push([nested as Record<string, unknown>, childType]);
        }
      }
    }
  }
  return null;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function fromExportRequest(value: unknown): DecodeResult {
  if (jsonDepth(value, MAX_OTLP_DEPTH) > MAX_OTLP_DEPTH) {
    return {
      ok: false,
      message: `The body nests more than ${MAX_OTLP_DEPTH} levels deep (attribute values nested in arrayValue or kvlistValue); the limit is ${MAX_OTLP_DEPTH}`,
    };
  }
  const result = exportRequestSchema.safeParse(value);
  if (!result.success) {
    return {
      ok: false,
      message: `The body is not an OTLP ExportTraceServiceRequest: ${describeSchemaError(result.error)}`,
    };
  }
  return { ok: true, traces: collectSpans(result.data) };
}

function collectSpans(request: ExportRequest): DecodedTraces {
  const traces: DecodedTraces = { projects: new Map(), rejectedSpans: 0, rejections: [] };
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributeMap(resourceSpans.resource?.attributes);
    const project =
      textOf(resource.get(PROJECT_ATTRIBUTE)) ?? textOf(resource.get('service.name')) ?? 'default';
    let spans = traces.projects.get(project);
    if (!spans) {
      spans = [];
      traces.projects.set(project, spans);
    }
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const incoming = toIncomingSpan(span);
        if (typeof incoming === 'string') {
          traces.rejectedSpans++;
          if (traces.rejections.length < 5) traces.rejections.push(incoming);
        } else {
          spans.push(incoming);
        }
      }
    }
  }
  return traces;
}

const hexSpanId = /^[0-9a-f]{16}$/;
const hexTraceId = /^[0-9a-f]{32}$/;

function toIncomingSpan(span: OtlpSpan): IncomingSpan | string {
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
  return {
    spanId,
    traceId,
    parentSpanId: hexSpanId.test(parent) ? parent : null,
    name: span.name ?? '',
    kind: kindAttribute ? kindAttribute.toUpperCase() : otlpKindName(span.kind),
    startTime: isoTime(span.startTimeUnixNano) ?? new Date(0).toISOString(),
    endTime: isoTime(span.endTimeUnixNano),
    metadata: metadata === undefined ? undefined : plainValue(metadata),
  };
}

function otlpKindName(kind: number | string | undefined): string {
  if (typeof kind === 'string') return kind.replace(/^SPAN_KIND_/, '') || 'UNSPECIFIED';
  return otlpKinds[kind ?? 0] ?? 'UNSPECIFIED';
}

function attributeMap(attributes: readonly OtlpKeyValue[] | undefined): Map<string, OtlpAnyValue> {
  const map = new Map<string, OtlpAnyValue>();
  for (const attribute of attributes ?? []) if (attribute.value) map.set(attribute.key, attribute.value);
  return map;
}

function textOf(value: OtlpAnyValue | undefined): string | null {
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
