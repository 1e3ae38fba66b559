/** The text encodings an import decodes with (`TextDecoder` labels). */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Turns a file's bytes into text piece by piece; a character cut between two pieces is decoded whole. */
export interface TextChunkDecoder {
  /** The text of the next bytes (a character cut at their end waits for the next call). */
  decode(bytes: Uint8Array): string;
  /** The text of any bytes still held back, at the end of the file. */
  flush(): string;
  /** What the user should know about the decoding (read as Windows-1252, characters replaced). */
  readonly notes: string[];
}

export const WINDOWS_1252_NOTE =
  'The file is not UTF-8 text; it was read as Windows-1252 (Western European). If accented letters look wrong, ' +
  'save it as "CSV UTF-8" and import it again.';

const REPLACED_NOTE =
  'Some characters are not valid UTF-8 and show as \uFFFD: save the file as "CSV UTF-8" and import it again.';

const nonAscii = /[\u0080-\uffff]/;

/** True when the bytes are valid UTF-8; with `stream`, a character cut at the end is allowed. */
export function isUtf8(bytes: Uint8Array, stream: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}

/**
 * For bytes that are not valid UTF-8: true when their first non-ASCII character is UTF-8 (so the text is UTF-8
 * with a bad byte further on), false when it is not (a legacy 8-bit encoding such as Windows-1252).
 */
export function startsAsUtf8(bytes: Uint8Array): boolean {
  const first = bytes.findIndex((byte) => byte >= 0x80);
  if (first === -1) return true;
  const lead = bytes[first] ?? 0;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  const character = bytes.subarray(first, first + length);
  return character.length === length && isUtf8(character, false);
}

/** Where an incomplete UTF-8 sequence at the end of the bytes starts (the length when there is none). */
function incompleteTail(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let back = 1; back <= Math.min(3, length); back++) {
    const byte = bytes[length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? length - back : length;
  }
  return length;
}

function joinBytes(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first);
  joined.set(second, first.length);
  return joined;
}

/**
 * UTF-8, checked strictly. When a byte is not UTF-8 and the text before it is ASCII (which reads the same in both),
 * the rest is read as Windows-1252, so a spreadsheet's legacy export reads right even though only its later lines
 * have accents. After real UTF-8 text, a bad byte is replaced by U+FFFD, with a note.
 */
class Utf8ChunkDecoder implements TextChunkDecoder {
  readonly notes: string[] = [];
  private readonly strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private fallback: TextDecoder | null = null;
  private carry: Uint8Array | null = null;
  private asciiSoFar = true;

  decode(bytes: Uint8Array): string {
    const piece = this.carry === null ? bytes : joinBytes(this.carry, bytes);
    const cut = this.fallback === null ? incompleteTail(piece) : piece.length;
    this.carry = cut < piece.length ? piece.slice(cut) : null;
    return this.decodePiece(piece.subarray(0, cut));
  }

  flush(): string {
    const rest = this.carry;
    this.carry = null;
    return rest === null ? '' : this.decodePiece(rest);
  }

  private decodePiece(piece: Uint8Array): string {
    if (this.fallback !== null) return this.fallback.decode(piece);
    try {
      const text = this.strict.decode(piece);
      if (this.asciiSoFar && nonAscii.test(text)) this.asciiSoFar = false;
      return text;
    } catch {
      if (this.asciiSoFar && !startsAsUtf8(piece)) {
        this.fallback = new TextDecoder('windows-1252');
        this.notes.push(WINDOWS_1252_NOTE);
      } else {
        this.fallback = new TextDecoder('utf-8', { ignoreBOM: true });
        this.notes.push(REPLACED_NOTE);
      }
      return this.fallback.decode(piece);
    }
  }
}

/** A decoder for other encodings, with the platform's own streaming. */
class PlatformChunkDecoder implements TextChunkDecoder {
  readonly notes: string[] = [];
  private readonly decoder: TextDecoder;

  constructor(encoding: TextEncoding) {
    this.decoder = new TextDecoder(encoding);
  }

  decode(bytes: Uint8Array): string {
    return this.decoder.decode(bytes, { stream: true });
  }

  flush(): string {
    return this.decoder.decode();
  }
}

/** A piece-by-piece decoder for a file's encoding (as `detectFormat` found it). A UTF-8 BOM is kept as U+FEFF. */
export function createTextChunkDecoder(encoding: TextEncoding): TextChunkDecoder {
  return encoding === 'utf-8' ? new Utf8ChunkDecoder() : new PlatformChunkDecoder(encoding);
}
