import { setImmediate as nextTurn } from 'node:timers/promises';
import protobuf from 'protobufjs';
import { z } from 'zod';
import { describeSchemaError } from '@/core/api';
import { describeJsonError } from '@/core/text';
import { type ExportCount, exportLimitExceeded } from './export-count';
import { countJsonExport, type JsonExportCount } from './json-export-count';
import type { IncomingSpan } from '@/server/patch/plan-ingest';
import { exportEnvelopeType, resourceType, spanType } from './otlp-proto';
import { countProtobufExport } from './protobuf-export-count';
import {
  type OtlpKeyValue,
  type OtlpSpan,
  PROJECT_ATTRIBUTE,
  attributeMap,
  textOf,
  toIncomingSpan,
} from './otlp-span';

/**
 * Deepest OTLP body accepted, in JSON levels (the top object is 1; a span's attribute value is at 10, and each
 * AnyValue nested in an arrayValue or kvlistValue adds 3). NOTE: checked without recursion before the recursive
 * conversion of a metadata value (plainValue), which would overflow the call stack near 1,500 levels. protobufjs
 * refuses messages nested over 100 deep, about 150 of these levels, so 160 admits any body in either encoding
 * that a tracer sends in practice.
 */
export const MAX_OTLP_DEPTH = 160;
/** JSON level of the attribute list of a resource (body, resourceSpans, its entry, resource, attributes). */
const RESOURCE_ATTRIBUTES_LEVEL = 5;
/** JSON level of the attribute list of a span (body, resourceSpans, entry, scopeSpans, entry, spans, span, attributes). */
const SPAN_ATTRIBUTES_LEVEL = 8;
/**
 * Longest stretch of decoding between turns given to other requests, in milliseconds. NOTE: decoding an export
 * of 100,000 spans takes seconds; done in one go it would hold every other request (and /healthz) that long.
 */
const SLICE_MS = 10;

/*
 * The OTLP/JSON `ExportTraceServiceRequest`, the parts ingest reads (lowerCamelCase names, hex IDs), one level at
 * a time: a list inside is `unknown[]`, checked entry by entry. NOTE: zod checks a nested schema by recursion and
 * gathers every issue of a list before it reports, so one schema for the whole body overflows the call stack on
 * a million bad entries; checked level by level, each check is small.
 */
const int64 = z.union([z.string().regex(/^-?\d+$/, 'must be an integer'), z.number().int()]);
const list = z.array(z.unknown());
const anyValueShape = z.object({
  stringValue: z.string().optional(),
  boolValue: z.boolean().optional(),
  intValue: int64.optional(),
  doubleValue: z.union([z.number(), z.string()]).optional(),
  arrayValue: z.object({ values: list.optional() }).optional(),
  kvlistValue: z.object({ values: list.optional() }).optional(),
  bytesValue: z.string().optional(),
});
const keyValueShape = z.object({ key: z.string(), value: z.unknown().optional() });
const spanShape = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string().optional(),
  kind: z.union([z.number().int(), z.string()]).optional(),
  startTimeUnixNano: int64.optional(),
  endTimeUnixNano: int64.optional(),
  attributes: list.optional(),
});
const resourceShape = z.object({ attributes: list.optional() });
const scopeSpansShape = z.object({ spans: list.optional() });
const resourceSpansShape = z.object({ resource: z.unknown().optional(), scopeSpans: list.optional() });
const requestShape = z.object({ resourceSpans: list.optional() });

type Path = readonly (string | number)[];

/** Spans of one export, grouped by project, and the spans that could not be read. */
export interface DecodedTraces {
  projects: Map<string, IncomingSpan[]>;
  rejectedSpans: number;
  rejections: string[];
}

/** Why a body is refused: it is not an OTLP export (a 400), or it holds more than an export may (a 413). */
export interface DecodeFailure {
  ok: false;
  problem: 'malformed' | 'too_large';
  message: string;
}

/** A decoded export, or why the body is refused. */
export type DecodeResult = { ok: true; traces: DecodedTraces } | DecodeFailure;

/**
 * Decodes an OTLP export as its body arrives: `add` counts each chunk (see export-count.ts), so that a body
 * holding more than an export may is refused early (`limitExceeded`), and `decode` reads the whole body, span by
 * span, giving other requests their turn every few milliseconds.
 */
export interface TraceDecoder {
  add(chunk: Uint8Array): void;
  /** Why the body read so far holds more than an export may (a 413), or null. */
  readonly limitExceeded: string | null;
  decode(body: Buffer): Promise<DecodeResult>;
}

/** A decoder of an OTLP/HTTP JSON body (`application/json`). */
export function jsonTraceDecoder(): TraceDecoder {
  const count = countJsonExport();
  return countingDecoder(count, (body) => decodeJson(body, count));
}

/** A decoder of an OTLP/HTTP protobuf body (`application/x-protobuf`). */
export function protobufTraceDecoder(): TraceDecoder {
  return countingDecoder(countProtobufExport(), decodeProtobuf);
}

function countingDecoder(count: ExportCount, decode: (body: Buffer) => Promise<DecodeResult>): TraceDecoder {
  return {
    add: (chunk) => count.add(chunk),
    get limitExceeded() {
      return exportLimitExceeded(count);
    },
    decode: async (body) => {
      const exceeded = exportLimitExceeded(count);
      if (exceeded !== null) return { ok: false, problem: 'too_large', message: exceeded };
      return decode(body);
    },
  };
}

/** Hands the event loop to other requests once the current slice of decoding has run SLICE_MS. */
class Turns {
  private sliceStart = performance.now();

  get due(): boolean {
    return performance.now() - this.sliceStart >= SLICE_MS;
  }

  async give(): Promise<void> {
    await nextTurn();
    this.sliceStart = performance.now();
  }
}

function malformed(message: string): DecodeFailure {
  return { ok: false, problem: 'malformed', message };
}

/**
 * Decodes a JSON body: the text around the spans (each span replaced by its number, from where the count saw it)
 * is parsed in one go, then each span's own text as it is read, with turns between.
 */
async function decodeJson(body: Buffer, count: JsonExportCount): Promise<DecodeResult> {
  const { spanStarts, spanEnds } = count;
  const notJson = () =>
    malformed(`The body is not valid JSON: ${describeJsonError(body.toString('utf8')).message}`);
  if (spanStarts.length !== spanEnds.length) return notJson();
  const turns = new Turns();
  const parts: string[] = [];
  let end = 0;
  for (const [index, start] of spanStarts.entries()) {
    if (turns.due) await turns.give();
    parts.push(body.toString('utf8', end, start), String(index));
    end = spanEnds[index] ?? start;
  }
  parts.push(body.toString('utf8', end));
  let envelope: unknown;
  try {
    envelope = JSON.parse(parts.join(''));
  } catch {
    return notJson();
  }
  const spanText = (index: number) => body.toString('utf8', spanStarts[index], spanEnds[index]);
  const read = new Uint8Array(spanStarts.length);
  const decoded = await collectSpans(envelope, turns, (entry) => {
    // NOTE: every value of a spans array was replaced by its number above, so this is one of them.
    if (typeof entry !== 'number' || read[entry] !== 0) return notJson();
    read[entry] = 1;
    try {
      return { ok: true, span: JSON.parse(spanText(entry)) };
    } catch {
      return notJson();
    }
  });
  if (!decoded.ok) return decoded;
  // NOTE: JSON.parse keeps the last of a key given twice, so a span's text may be left out of the envelope; the
  // body must still be JSON there.
  for (const [index, wasRead] of read.entries()) {
    if (wasRead === 1) continue;
    if (turns.due) await turns.give();
    try {
      JSON.parse(spanText(index));
    } catch {
      return notJson();
    }
  }
  return decoded;
}

/** Options of protobufjs's toObject that give the OTLP/JSON forms (64-bit integers as text, bytes as base64). */
const toJsonForm: protobuf.IConversionOptions = { longs: String, bytes: String, enums: Number };

/**
 * Decodes a protobuf body: the envelope with each span as its bytes, then each span, with turns between.
 * NOTE: protobufjs skips a known field sent with the wrong wire type as if it were unknown, so garbage would pass
 * as an empty export, and verify() cannot tell (it checks decoded values, not the wire). Kept unknowns let
 * misplacedField tell a misplaced field from one truly unknown, which protobuf requires us to skip.
 */
async function decodeProtobuf(body: Buffer): Promise<DecodeResult> {
  const notOtlp = (reason: string) =>
    malformed(`The body is not an OTLP ExportTraceServiceRequest in protobuf: ${reason}`);
  let request: Record<string, unknown>;
  try {
    const message = exportEnvelopeType.decode(readerOf(body));
    const misplaced = misplacedField(message, exportEnvelopeType);
    if (misplaced !== null) return notOtlp(misplaced);
    request = envelopeObject(message);
  } catch (error) {
    return notOtlp(reasonOf(error));
  }
  return collectSpans(request, new Turns(), (entry) => {
    try {
      const message = spanType.decode(readerOf(entry as Uint8Array));
      const misplaced = misplacedField(message, spanType);
      if (misplaced !== null) return notOtlp(misplaced);
      const span = spanType.toObject(message, toJsonForm);
      // NOTE: protobuf carries IDs as bytes (base64 after toObject); OTLP/JSON carries them as hex.
      for (const key of ['traceId', 'spanId', 'parentSpanId']) {
        const value = span[key];
        span[key] = typeof value === 'string' ? Buffer.from(value, 'base64').toString('hex') : '';
      }
      return { ok: true, span };
    } catch (error) {
      return notOtlp(reasonOf(error));
    }
  });
}

function readerOf(bytes: Uint8Array): protobuf.Reader {
  const reader = protobuf.Reader.create(bytes);
  reader.discardUnknown = false;
  return reader;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The decoded envelope as the JSON form has it, each span still its bytes. */
function envelopeObject(message: protobuf.Message): Record<string, unknown> {
  const resourceSpans = asArray(field(message, 'resourceSpans')).map((entry) => {
    const resource = field(entry, 'resource');
    return {
      resource:
        resource instanceof protobuf.Message ? resourceType.toObject(resource, toJsonForm) : undefined,
      scopeSpans: asArray(field(entry, 'scopeSpans')).map((scope) => ({
        spans: asArray(field(scope, 'spans')),
      })),
    };
  });
  return { resourceSpans };
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

/** Reads one span from what the envelope holds for it (its parsed JSON, or its protobuf bytes). */
type SpanReader = (entry: unknown) => { ok: true; span: unknown } | DecodeFailure;

/** The result of checking a value against a shape: the value, or why the body is not an export. */
type Checked<T> = { ok: true; value: T } | DecodeFailure;

function check<T>(shape: z.ZodType<T>, value: unknown, path: Path): Checked<T> {
  const result = shape.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return malformed(notAnExport(result.error.issues, path));
}

function notAnExport(issues: readonly z.core.$ZodIssue[], path: Path): string {
  const located = issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] }));
  return `The body is not an OTLP ExportTraceServiceRequest: ${describeSchemaError(new z.ZodError(located))}`;
}

function tooDeep(): DecodeFailure {
  return malformed(
    `The body nests more than ${MAX_OTLP_DEPTH} levels deep (attribute values nested in arrayValue or kvlistValue); the limit is ${MAX_OTLP_DEPTH}`,
  );
}

/**
 * Checks a request level by level and converts its spans, grouped by project. Spans whose IDs are not OTel IDs
 * are left out and reported; anything else that is not OTLP refuses the whole body, so nothing is half-stored.
 */
async function collectSpans(request: unknown, turns: Turns, readSpan: SpanReader): Promise<DecodeResult> {
  const body = check(requestShape, request, []);
  if (!body.ok) return body;
  const resourceSpansList = body.value.resourceSpans ?? [];
  let spanCount = 0;
  for (const resourceSpans of resourceSpansList) {
    for (const scopeSpans of asArray(field(resourceSpans, 'scopeSpans'))) {
      spanCount += asArray(field(scopeSpans, 'spans')).length;
    }
  }
  // NOTE: the count made while the body arrived has refused more already; this keeps the limit for any caller.
  const exceeded = exportLimitExceeded({ spans: spanCount, valuesOutsideSpans: 0, crowdedSpan: null });
  if (exceeded !== null) return { ok: false, problem: 'too_large', message: exceeded };

  const traces: DecodedTraces = { projects: new Map(), rejectedSpans: 0, rejections: [] };
  for (const [resourceIndex, entry] of resourceSpansList.entries()) {
    if (turns.due) await turns.give();
    const path = ['resourceSpans', resourceIndex];
    const resourceSpans = check(resourceSpansShape, entry, path);
    if (!resourceSpans.ok) return resourceSpans;
    const resource = await checkResource(resourceSpans.value.resource, [...path, 'resource'], turns);
    if (!resource.ok) return resource;
    const attributes = attributeMap(resource.value);
    const project =
      textOf(attributes.get(PROJECT_ATTRIBUTE)) ?? textOf(attributes.get('service.name')) ?? 'default';
    let spans = traces.projects.get(project);
    if (!spans) {
      spans = [];
      traces.projects.set(project, spans);
    }
    for (const [scopeIndex, scopeEntry] of (resourceSpans.value.scopeSpans ?? []).entries()) {
      if (turns.due) await turns.give();
      const scopePath = [...path, 'scopeSpans', scopeIndex];
      const scopeSpans = check(scopeSpansShape, scopeEntry, scopePath);
      if (!scopeSpans.ok) return scopeSpans;
      for (const [spanIndex, spanEntry] of (scopeSpans.value.spans ?? []).entries()) {
        if (turns.due) await turns.give();
        const read = readSpan(spanEntry);
        if (!read.ok) return read;
        const span = await checkSpan(read.span, [...scopePath, 'spans', spanIndex], turns);
        if (!span.ok) return span;
        const incoming = toIncomingSpan(span.value);
        if (typeof incoming === 'string') {
          traces.rejectedSpans++;
          if (traces.rejections.length < 5) traces.rejections.push(incoming);
        } else {
          spans.push(incoming);
        }
      }
    }
  }
  return { ok: true, traces };
}

async function checkResource(resource: unknown, path: Path, turns: Turns): Promise<Checked<OtlpKeyValue[]>> {
  if (resource === undefined) return { ok: true, value: [] };
  const checked = check(resourceShape, resource, path);
  if (!checked.ok) return checked;
  const attributes = { path: [...path, 'attributes'], level: RESOURCE_ATTRIBUTES_LEVEL };
  return checkAttributes(checked.value.attributes ?? [], attributes, turns);
}

async function checkSpan(span: unknown, path: Path, turns: Turns): Promise<Checked<OtlpSpan>> {
  const checked = check(spanShape, span, path);
  if (!checked.ok) return checked;
  const where = { path: [...path, 'attributes'], level: SPAN_ATTRIBUTES_LEVEL };
  const attributes = await checkAttributes(checked.value.attributes ?? [], where, turns);
  if (!attributes.ok) return attributes;
  return { ok: true, value: { ...checked.value, attributes: attributes.value } };
}

/** Where a value is inside a list of attributes: the key or index of each level, innermost last. */
interface PathLink {
  parent: PathLink | null;
  key: string | number;
}

/** A value still to check in a list of attributes: a KeyValue or an AnyValue, where it is, and its JSON level. */
interface PendingValue {
  value: unknown;
  shape: 'keyValue' | 'anyValue';
  at: PathLink;
  level: number;
}

function pathOf(at: PathLink, root: Path): Path {
  const keys: (string | number)[] = [];
  for (let link: PathLink | null = at; link !== null; link = link.parent) keys.unshift(link.key);
  return [...root, ...keys];
}

/**
 * Checks a list of attributes (KeyValue) and every value nested in them, one value at a time with an explicit
 * stack (no recursion, however deep), giving other requests their turn between values. `level` is the JSON
 * level of the list, for MAX_OTLP_DEPTH: an AnyValue counts one level more than its own, for what it holds.
 */
async function checkAttributes(
  attributes: unknown[],
  { path, level }: { path: Path; level: number },
  turns: Turns,
): Promise<Checked<OtlpKeyValue[]>> {
  const pending: PendingValue[] = [];
  const pushAll = (values: unknown[], shape: PendingValue['shape'], parent: PathLink | null, at: number) => {
    // Last first, so that values are checked in the order they come.
    for (let index = values.length - 1; index >= 0; index--) {
      pending.push({ value: values[index], shape, at: { parent, key: index }, level: at });
    }
  };
  pushAll(attributes, 'keyValue', null, level + 1);
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (turns.due) await turns.give();
    if (item.shape === 'keyValue') {
      const result = keyValueShape.safeParse(item.value);
      if (!result.success) return malformed(notAnExport(result.error.issues, pathOf(item.at, path)));
      if (result.data.value !== undefined) {
        const at = { parent: item.at, key: 'value' };
        pending.push({ value: result.data.value, shape: 'anyValue', at, level: item.level + 1 });
      }
      continue;
    }
    if (item.level + 1 > MAX_OTLP_DEPTH) return tooDeep();
    const result = anyValueShape.safeParse(item.value);
    if (!result.success) return malformed(notAnExport(result.error.issues, pathOf(item.at, path)));
    const { arrayValue, kvlistValue } = result.data;
    // The values of an arrayValue or kvlistValue are 3 levels down: the arrayValue, its values, each value.
    if (kvlistValue?.values) {
      const list = { parent: { parent: item.at, key: 'kvlistValue' }, key: 'values' };
      pushAll(kvlistValue.values, 'keyValue', list, item.level + 3);
    }
    if (arrayValue?.values) {
      const list = { parent: { parent: item.at, key: 'arrayValue' }, key: 'values' };
      pushAll(arrayValue.values, 'anyValue', list, item.level + 3);
    }
  }
  // NOTE: every attribute, and every value inside one, has just been checked against its shape.
  return { ok: true, value: attributes as OtlpKeyValue[] };
}
