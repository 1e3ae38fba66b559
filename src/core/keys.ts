/** Longest metadata key accepted, in characters. */
export const MAX_KEY_LENGTH = 256;

const reservedKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True when a metadata key can be stored: not empty, at most 256 characters, not a reserved JS name. */
export function isValidKey(key: string): boolean {
  return key !== '' && key.length <= MAX_KEY_LENGTH && !reservedKeys.has(key);
}
