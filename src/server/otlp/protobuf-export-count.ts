import protobuf from 'protobufjs';
import { type ExportCount, Tally } from './export-count';
import { exportTraceRequestType, spanType } from './otlp-proto';

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
