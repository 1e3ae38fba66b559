import protobuf from 'protobufjs';
import { exportTraceRequestType, spanType } from './otlp-proto';

/** Most spans one OTLP export may hold (SPEC §6); more is a 413 before the rest of the body is read. */
export const MAX_SPANS_PER_EXPORT = 100_000;
/**
 * Most values one span may hold, counted as JSON values or protobuf fields at any depth (its fields, attributes,
 * and the parts of each attribute value). NOTE: not a rule of SPEC.md but a bound on the time and memory decoding
 * takes: a body of empty values is tiny compressed, yet each value becomes an object (about 100 bytes), and a span
 * is decoded in one go. A span with ten embedding vectors of 3,072 numbers holds about 60,000.
 */
export const MAX_VALUES_PER_SPAN = 100_000;
/**
 * Most values an export may hold outside its spans (resources, scopes, their attributes, fields ingest does not
 * read), counted as above. NOTE: a bound for the same reason, as what is outside the spans is decoded in one go;
 * a thousand resources of twenty attributes each fit.
 */
export const MAX_VALUES_OUTSIDE_SPANS = 100_000;

/** What an export holds so far, counted as its body streams in. */
export interface ExportTally {
  readonly spans: number;
  /** Values (JSON values, or protobuf fields) outside any span. */
  readonly valuesOutsideSpans: number;
  /** The number (1 is the first) of the first span seen to hold more than MAX_VALUES_PER_SPAN values, or null. */
  readonly crowdedSpan: number | null;
}

/** An export's tally, counted as its body streams in. */
export interface ExportCount extends ExportTally {
  /** Counts the next decoded bytes of the body. */
  add(chunk: Uint8Array): void;
}

/** Why an export holds too much to be decoded (a 413), or null while it is within the limits. */
export function exportLimitExceeded(tally: ExportTally): string | null {
  if (tally.spans > MAX_SPANS_PER_EXPORT) {
    return `The export holds more than ${MAX_SPANS_PER_EXPORT.toLocaleString('en-US')} spans, the limit per request; send fewer spans per export (a smaller batch size in the exporter)`;
  }
  if (tally.crowdedSpan !== null) {
    return `Span ${tally.crowdedSpan.toLocaleString('en-US')} of the export holds more than ${MAX_VALUES_PER_SPAN.toLocaleString('en-US')} values (its attributes and the parts of their values), the limit per span`;
  }
  if (tally.valuesOutsideSpans > MAX_VALUES_OUTSIDE_SPANS) {
    return `The export holds more than ${MAX_VALUES_OUTSIDE_SPANS.toLocaleString('en-US')} values outside its spans (resources, scopes and their attributes), the limit per request`;
  }
  return null;
}

/** Counts spans, and values inside and outside them. */
abstract class Tally implements ExportTally {
  spans = 0;
  valuesOutsideSpans = 0;
  crowdedSpan: number | null = null;
  private valuesInSpan = 0;

  protected startSpan(): void {
    this.spans++;
    this.valuesInSpan = 0;
  }

  protected countValue(inSpan: boolean): void {
    if (!inSpan) {
      this.valuesOutsideSpans++;
    } else if (++this.valuesInSpan > MAX_VALUES_PER_SPAN && this.crowdedSpan === null) {
      this.crowdedSpan = this.spans;
    }
  }
}

/** A message being read: its type, and the offset in the body where it ends. */
interface Frame {
  type: protobuf.Type;
  end: number;
}

/**
 * Deepest message the count walks into. NOTE: protobufjs refuses a message nested over 100 deep (counted from
 * the Span when it decodes one span), so anything deeper never reaches it; the count passes over it whole.
 */
const MAX_FRAMES = 110;

/** The message types of each message's fields, by field number (scalar fields are left out). */
const messageFields = new Map<protobuf.Type, Map<number, protobuf.Type>>();

/** The message type of a message's field, or null when the field is a scalar or unknown. */
function messageField(type: protobuf.Type, fieldNumber: number): protobuf.Type | null {
  let fields = messageFields.get(type);
  if (fields === undefined) {
    fields = new Map();
    for (const field of type.fieldsArray) {
      const fieldType = field.resolve().resolvedType;
      if (fieldType instanceof protobuf.Type) fields.set(field.id, fieldType);
    }
    messageFields.set(type, fields);
  }
  return fields.get(fieldNumber) ?? null;
}

/**
 * Counts the spans and values of an OTLP protobuf `ExportTraceServiceRequest` as its bytes arrive, in any
 * chunks, without keeping them: it walks the wire format with the message types, by hand, one byte at a time
 * for tags and lengths and skipping the contents of strings and bytes. It reads what protobufjs would read, so
 * the count is exact for a body that decodes. Where the bytes stop being protobuf inside a span, it goes on
 * after that span (the span's own decoding will refuse it); elsewhere it stops counting, since protobufjs stops
 * decoding the envelope there too.
 */
export function countProtobufExport(): ExportCount {
  return new ProtobufCount();
}

class ProtobufCount extends Tally implements ExportCount {
  /** Bytes read so far. */
  private offset = 0;
  private readonly frames: Frame[] = [{ type: exportTraceRequestType, end: Number.POSITIVE_INFINITY }];
  /** Where the span being read is in `frames`; -1 outside spans. */
  private spanFrame = -1;
  /** Groups (wire type 3) open inside the current message; their fields are counted and skipped. */
  private groups = 0;
  private stopped = false;
  private step: 'tag' | 'length' | 'varint' | 'skip' = 'tag';
  private varint = 0;
  private varintBytes = 0;
  /** The message type of the length-delimited field whose length is being read; null to skip its bytes. */
  private child: protobuf.Type | null = null;
  /** Bytes left to skip. */
  private remaining = 0;

  add(chunk: Uint8Array): void {
    let index = 0;
    while (index < chunk.length && !this.stopped) {
      if (this.step === 'skip') {
        const skipped = Math.min(this.remaining, chunk.length - index);
        index += skipped;
        this.offset += skipped;
        this.remaining -= skipped;
        if (this.remaining === 0) this.step = 'tag';
        continue;
      }
      const frame = this.top();
      if (this.offset === frame.end) {
        if (this.step === 'tag' && this.varintBytes === 0 && this.groups === 0) this.closeFrame();
        else this.malformed();
        continue;
      }
      const byte = chunk[index++] ?? 0;
      this.offset++;
      this.varint += (byte & 0x7f) * 2 ** (7 * this.varintBytes);
      this.varintBytes++;
      if (byte & 0x80) {
        if (this.varintBytes >= (this.step === 'varint' ? 10 : 5)) this.malformed();
        continue;
      }
      const value = this.varint;
      this.varint = 0;
      this.varintBytes = 0;
      if (this.step === 'tag') this.readTag(value);
      else if (this.step === 'length') this.readLength(value);
      else this.step = 'tag';
    }
  }

  private closeFrame(): void {
    this.frames.pop();
    if (this.spanFrame >= this.frames.length) this.spanFrame = -1;
  }

  private top(): Frame {
    // NOTE: the first frame (the whole export) is never popped: it ends at infinity.
    return this.frames[this.frames.length - 1] as Frame;
  }

  private readTag(tag: number): void {
    const fieldNumber = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (fieldNumber === 0) return this.malformed();
    if (wireType === 3) {
      this.groups++;
      return;
    }
    if (wireType === 4) {
      if (this.groups === 0) return this.malformed();
      this.groups--;
      return;
    }
    this.child = wireType === 2 && this.groups === 0 ? messageField(this.top().type, fieldNumber) : null;
    // A span is counted as its first value once its length is read.
    if (this.child !== spanType) this.countValue(this.spanFrame !== -1);
    if (wireType === 0) this.step = 'varint';
    else if (wireType === 2) this.step = 'length';
    else if (wireType === 1) this.skip(8);
    else if (wireType === 5) this.skip(4);
    else this.malformed();
  }

  private readLength(length: number): void {
    if (this.offset + length > this.top().end) return this.malformed();
    if (this.child === null || this.frames.length >= MAX_FRAMES) return this.skip(length);
    this.frames.push({ type: this.child, end: this.offset + length });
    if (this.child === spanType) {
      this.spanFrame = this.frames.length - 1;
      this.startSpan();
      this.countValue(true);
    }
    this.step = 'tag';
  }

  private skip(bytes: number): void {
    if (this.offset + bytes > this.top().end) return this.malformed();
    this.remaining = bytes;
    this.step = bytes > 0 ? 'skip' : 'tag';
  }

  /** The bytes are not protobuf here: go on after the span being read, or stop outside spans. */
  private malformed(): void {
    const span = this.frames[this.spanFrame];
    if (span === undefined) {
      this.stopped = true;
      return;
    }
    this.frames.length = this.spanFrame;
    this.spanFrame = -1;
    this.groups = 0;
    this.varint = 0;
    this.varintBytes = 0;
    this.skip(span.end - this.offset);
  }
}

const OBJECT = 0;
const ARRAY = 1;
/** The containers leading to a span, level by level (1 is the body), and the key each array is under. */
const spanPath: readonly { kind: number; key?: string }[] = [
  { kind: OBJECT },
  { kind: ARRAY, key: 'resourceSpans' },
  { kind: OBJECT },
  { kind: ARRAY, key: 'scopeSpans' },
  { kind: OBJECT },
  { kind: ARRAY, key: 'spans' },
];
/** Longest key text kept: any spelling of the keys above, even one escape per letter, is shorter. */
const MAX_KEY_TEXT = 128;

/** The count of an OTLP/JSON export, and where each span's text is in the body. */
export interface JsonExportCount extends ExportCount {
  /** Byte offset in the body where each span's text starts, in order. */
  readonly spanStarts: readonly number[];
  /** Byte offset in the body just after each span's text (before the `,`, `]` or space that follows it). */
  readonly spanEnds: readonly number[];
}

/**
 * Counts the spans and values of an OTLP/JSON `ExportTraceServiceRequest` as its bytes arrive, in any chunks,
 * without keeping them, and notes where each span's text is: a tokenizer that tracks the containers it is in
 * and the keys (escapes decoded) that lead to `resourceSpans[].scopeSpans[].spans[]`. A span is each value in
 * such a `spans` array, so a key given twice counts both (JSON.parse keeps the last): the count is exact or
 * more. It checks no grammar (the decoding does); where the text stops being JSON, JSON.parse stops too.
 */
export function countJsonExport(): JsonExportCount {
  return new JsonCount();
}

class JsonCount extends Tally implements JsonExportCount {
  readonly spanStarts: number[] = [];
  readonly spanEnds: number[] = [];
  /** Offset in the body of the chunk being read. */
  private offset = 0;
  /** A span's text has started and not ended. */
  private inSpan = false;
  /** The open containers, OBJECT or ARRAY. */
  private readonly containers: number[] = [];
  /** How many of the open containers, from the body inward, follow `spanPath`. */
  private onPath = 0;
  private inString = false;
  private escaped = false;
  /** The string being read is a key on the span path, kept to compare. */
  private keeping = false;
  private keyText = '';
  private keyEscaped = false;
  /** The key of the member whose value comes next, when it is on the span path. */
  private key: string | null = null;
  /** The next string in the current object is a key. */
  private expectKey = false;
  /** A value starts at the next token (the body's, a member's after `:`, an array element). */
  private expectValue = true;

  private readonly quotes = new ByteFinder(0x22);
  private readonly backslashes = new ByteFinder(0x5c);

  add(chunk: Uint8Array): void {
    let index = 0;
    while (index < chunk.length) {
      if (this.inString) {
        index = this.readString(chunk, index);
      } else {
        this.readToken(chunk[index] ?? 0, this.offset + index);
        index++;
      }
    }
    this.offset += chunk.length;
  }

  /**
   * Reads string bytes from `from` to the closing quote, or to the end of the chunk; returns where it stopped.
   * NOTE: skips to the next quote or backslash with indexOf, as most of an export's bytes are inside strings.
   */
  private readString(chunk: Uint8Array, from: number): number {
    let index = from;
    for (;;) {
      if (this.escaped) {
        if (index >= chunk.length) return index;
        this.keepKeyText(chunk, index, index + 1);
        this.escaped = false;
        index++;
      }
      const quote = this.quotes.next(chunk, index);
      const end = quote === -1 ? chunk.length : quote;
      const backslash = this.backslashes.next(chunk, index);
      if (backslash !== -1 && backslash < end) {
        this.keepKeyText(chunk, index, backslash + 1);
        this.keyEscaped = true;
        this.escaped = true;
        index = backslash + 1;
        continue;
      }
      this.keepKeyText(chunk, index, end);
      if (quote === -1) return chunk.length;
      this.inString = false;
      if (this.keeping) this.key = this.keptKey();
      this.keeping = false;
      return quote + 1;
    }
  }

  private keepKeyText(chunk: Uint8Array, start: number, end: number): void {
    if (!this.keeping) return;
    for (let index = start; index < end && this.keyText.length <= MAX_KEY_TEXT; index++) {
      this.keyText += String.fromCharCode(chunk[index] ?? 0);
    }
  }

  private keptKey(): string | null {
    if (this.keyText.length > MAX_KEY_TEXT) return null;
    if (!this.keyEscaped) return this.keyText;
    try {
      const key: unknown = JSON.parse(`"${this.keyText}"`);
      return typeof key === 'string' ? key : null;
    } catch {
      return null;
    }
  }

  private readToken(byte: number, offset: number): void {
    if (this.inSpan && this.containers.length === spanPath.length && isSpanEnd(byte)) {
      this.spanEnds.push(offset);
      this.inSpan = false;
    }
    switch (byte) {
      case 0x20:
      case 0x09:
      case 0x0a:
      case 0x0d:
        return;
      case 0x22: // "
        if (this.expectValue) {
          this.startValue(offset);
        } else if (this.expectKey) {
          this.keeping = this.onPath === this.containers.length && this.onPath % 2 === 1 && this.onPath < 6;
          this.keyText = '';
          this.keyEscaped = false;
        }
        this.inString = true;
        return;
      case 0x3a: // :
        this.expectKey = false;
        this.expectValue = true;
        return;
      case 0x2c: // ,
        if (this.containers[this.containers.length - 1] === OBJECT) {
          this.expectKey = true;
          this.key = null;
        } else {
          this.expectValue = true;
        }
        return;
      case 0x7b: // {
      case 0x5b: // [
        this.open(byte === 0x7b ? OBJECT : ARRAY, offset);
        return;
      case 0x7d: // }
      case 0x5d: // ]
        if (this.onPath === this.containers.length && this.onPath > 0) this.onPath--;
        this.containers.pop();
        this.expectKey = false;
        this.expectValue = false;
        this.key = null;
        return;
      default:
        if (this.expectValue) this.startValue(offset);
    }
  }

  private startValue(offset: number): void {
    if (this.onPath === spanPath.length && this.containers.length === spanPath.length) {
      this.startSpan();
      this.spanStarts.push(offset);
      this.inSpan = true;
    }
    this.countValue(this.inSpan);
    this.expectValue = false;
  }

  private open(kind: number, offset: number): void {
    if (this.expectValue) this.startValue(offset);
    const step = spanPath[this.containers.length];
    const followsPath =
      this.onPath === this.containers.length &&
      step !== undefined &&
      step.kind === kind &&
      (step.key === undefined || step.key === this.key);
    this.containers.push(kind);
    if (followsPath) this.onPath++;
    this.expectKey = kind === OBJECT;
    this.expectValue = kind === ARRAY;
    this.key = null;
  }
}

/**
 * Finds the next place of one byte in a chunk, remembering it, so that asking again from further on does not scan
 * the same bytes again (a string of a million escapes would otherwise be scanned a million times).
 */
class ByteFinder {
  private chunk: Uint8Array | null = null;
  private from = 0;
  private at = -1;

  constructor(private readonly byte: number) {}

  /** The index of the byte in `chunk` at or after `from`, or -1. */
  next(chunk: Uint8Array, from: number): number {
    const known = this.chunk === chunk && from >= this.from && (this.at === -1 || this.at >= from);
    if (!known) {
      this.chunk = chunk;
      this.from = from;
      this.at = chunk.indexOf(this.byte, from);
    }
    return this.at;
  }
}

/** True for the bytes that end a value inside an array: space, `,`, `]` (and a stray `}`). */
function isSpanEnd(byte: number): boolean {
  return (
    byte === 0x20 ||
    byte === 0x09 ||
    byte === 0x0a ||
    byte === 0x0d ||
    byte === 0x2c ||
    byte === 0x5d ||
    byte === 0x7d
  );
}
