import { locateJsonError } from './json-error';

/** A JSON value as it arrives from a file or a request body. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type JsonParseResult =
  { ok: true; value: unknown } | { ok: false; message: string; line: number; column: number };

/**
 * Parses JSON text and, when it fails, says where (1-based line and column) and what, in words a person reads.
 * NOTE: `NaN` and `Infinity` are named on purpose: pandas writes them for missing values and they are not JSON.
 */
export function parseJson(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, ...describeJsonError(text) };
  }
}

/**
 * Says where (1-based line and column) and what is wrong in text that is not JSON, as parseJson does when it
 * fails, without parsing it: for text known to be invalid, such as one whose parts JSON.parse refused.
 */
export function describeJsonError(text: string): { message: string; line: number; column: number } {
  const failure = locateJsonError(text);
  const { line, column } = lineAndColumn(text, failure.offset);
  const token = /\b(NaN|-?Infinity)\b/.exec(text);
  const hint = token ? ` (${token[1]} is not JSON: write null, or leave the key out)` : '';
  return { message: `${failure.message} at line ${line}, column ${column}${hint}`, line, column };
}

/** 1-based line and column of a character offset in a text. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Nesting depth as the Arize SDK counts it: the top object is 1, each nested object or array adds 1,
 * and a leaf adds 1. So `{"a":1}` is 2 and `{}` is 1.
 * NOTE: measured without recursion (an explicit stack), so a value nested a million levels deep is measured
 * rather than overflowing the call stack. With `maxDepth`, it stops as soon as the depth is past it and returns
 * `maxDepth + 1`, so a deep value is refused without walking all of it.
 */
export function jsonDepth(value: unknown, maxDepth: number = Number.POSITIVE_INFINITY): number {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  let deepest = 0;
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop() ?? 1;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > maxDepth) return deepest;
    }
    if (typeof current !== 'object' || current === null) continue;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      values.push(child);
      depths.push(depth + 1);
    }
  }
  return deepest;
}

/** True when a value holds, anywhere inside it, a number JSON cannot carry (NaN, Infinity). */
export function containsNonFiniteNumber(value: unknown): boolean {
  // NOTE: an explicit stack, not recursion, like jsonDepth: any nesting is safe.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return true;
    } else if (typeof current === 'object' && current !== null) {
      for (const child of Array.isArray(current) ? current : Object.values(current)) pending.push(child);
    }
  }
  return false;
}

/**
 * Compact JSON text of a value, like `JSON.stringify`, except that bigints (from Parquet) are written as their
 * exact digits instead of throwing. It recurses, as `JSON.stringify` does: check untrusted values with
 * `jsonDepth(value, limit)` first, since thousands of levels overflow the call stack.
 */
export function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return compactJsonWithBigints(value);
  }
}

function compactJsonWithBigints(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : compactJsonWithBigints(item))).join(',')}]`;
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === 'function') continue;
    parts.push(`${JSON.stringify(key)}:${compactJsonWithBigints(item)}`);
  }
  return `{${parts.join(',')}}`;
}

/** A short text for a value in a message (recursing like `JSON.stringify`: for values of a checked depth). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** "an array", "a number", … for messages about a value that should have been an object. */
export function describeJsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number' || typeof value === 'bigint') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return 'not an object';
}
