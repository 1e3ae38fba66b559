/**
 * The limits of one span's patch (SPEC §5), each written once: the sheet checks them as it reads rows and merges
 * spans, the server as it reads a request, and the messages state them from these constants.
 * NOTE: this module imports nothing, so any core module (issues.ts included) can import it without a cycle.
 */

/** Longest metadata key accepted, in characters. */
export const MAX_KEY_LENGTH = 256;
/** Longest span ID accepted, in characters. */
export const MAX_SPAN_ID_LENGTH = 256;
/** Longest patch accepted, as compact JSON characters (a span's merged patch, or a submitted patch_document). */
export const MAX_PATCH_LENGTH = 1_000_000;
/** Deepest nesting accepted, counted as the SDK counts and `jsonDepth` measures (`{"a":1}` is 2). */
export const MAX_PATCH_DEPTH = 10;

const reservedKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** Control characters, C1 (U+0080–U+009F) included: `isControlCode` picks those a key cannot hold. */
const anyControlCharacter = /\p{Cc}/gu;

/** True for a control character a key cannot hold: U+0000 to U+001F and U+007F (SPEC §5). */
function isControlCode(code: number): boolean {
  return code < 0x20 || code === 0x7f;
}

/** Where the first control character a key cannot hold is in a text, or -1. */
function controlCharacterAt(text: string): number {
  for (let index = 0; index < text.length; index++) {
    if (isControlCode(text.charCodeAt(index))) return index;
  }
  return -1;
}
/** Only whitespace, as `trim` counts it (`\s` is the same set); it stops at the first other character. */
const onlyWhitespace = /^\s+$/;

/** Why a metadata key cannot be stored. */
export type InvalidKeyReason = 'empty' | 'blank' | 'too_long' | 'control_character' | 'reserved';

/**
 * Why a metadata key cannot be stored (SPEC §5), or null if it can: empty, only whitespace, longer than 256
 * characters, holding a control character (U+0000–U+001F, U+007F), or a reserved JS name. NOTE: a key of spaces or
 * with an invisible character could be stored but never typed into a search again, so it is refused up front.
 */
export function invalidKeyReason(key: string): InvalidKeyReason | null {
  if (key === '') return 'empty';
  if (onlyWhitespace.test(key)) return 'blank';
  if (key.length > MAX_KEY_LENGTH) return 'too_long';
  if (controlCharacterAt(key) !== -1) return 'control_character';
  return reservedKeys.has(key) ? 'reserved' : null;
}

/** True when a metadata key can be stored (`invalidKeyReason` finds nothing wrong with it). */
export function isValidKey(key: string): boolean {
  return invalidKeyReason(key) === null;
}

/** The first control character of a text as a person can read it, `U+0009`; null when it holds none. */
export function firstControlCharacter(text: string): string | null {
  const index = controlCharacterAt(text);
  if (index === -1) return null;
  return `U+${text.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A text with its control characters (U+0000–U+001F, U+007F) written as `\u0000` escapes, for a message. */
export function escapeControlCharacters(text: string): string {
  return text.replace(anyControlCharacter, (character) => {
    const code = character.charCodeAt(0);
    return isControlCode(code) ? `\\u${code.toString(16).padStart(4, '0')}` : character;
  });
}

/** True when a span ID is longer than the 256 characters accepted. */
export function isSpanIdTooLong(spanId: string): boolean {
  return spanId.length > MAX_SPAN_ID_LENGTH;
}

/**
 * True when a patch nesting `depth` levels is too deep. `depth` is the patch's, as `jsonDepth` measures it: for a
 * value under a top-level key, one more than the value's own depth.
 */
export function exceedsPatchDepth(depth: number): boolean {
  return depth > MAX_PATCH_DEPTH;
}

/** True when a patch of `length` characters of compact JSON is longer than the limit. */
export function exceedsPatchLength(length: number): boolean {
  return length > MAX_PATCH_LENGTH;
}
