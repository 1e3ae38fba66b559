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

/** Why a metadata key cannot be stored. */
export type InvalidKeyReason = 'empty' | 'too_long' | 'reserved';

/** Why a metadata key cannot be stored (empty, longer than 256 characters, a reserved JS name), or null if it can. */
export function invalidKeyReason(key: string): InvalidKeyReason | null {
  if (key === '') return 'empty';
  if (key.length > MAX_KEY_LENGTH) return 'too_long';
  return reservedKeys.has(key) ? 'reserved' : null;
}

/** True when a metadata key can be stored: not empty, at most 256 characters, not a reserved JS name. */
export function isValidKey(key: string): boolean {
  return invalidKeyReason(key) === null;
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
