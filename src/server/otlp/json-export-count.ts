import { type ExportCount, Tally } from './export-count';

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
