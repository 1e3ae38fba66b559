import { compactJson, containsNonFiniteNumber } from '@/core/text';

/** A metadata value as the store keeps it: text, a number, or null. */
export type StoredValue = string | number | null;

/** The store's type of a non-null value; a key's type in a project is set by its first non-null value. */
export type StoredType = 'Utf8' | 'Int64' | 'Float64';

/** The largest integer a JSON number carries exactly: 2^53 − 1. */
export const MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

export type StoredFormResult =
  | {
      ok: true;
      stored: StoredValue;
      warning: 'bool_to_string' | 'json_to_string' | 'null_not_removed' | null;
    }
  | { ok: false; error: 'unsafe_integer' | 'non_finite_number' };

/**
 * Converts a value to the form it is stored in: strings and safe integers and finite floats stay, booleans
 * become "true"/"false", objects and arrays become compact JSON text, null stays null (the key is kept).
 * Integers beyond ±(2^53−1) and non-finite numbers cannot be stored.
 */
export function toStoredForm(value: unknown): StoredFormResult {
  if (value === null || value === undefined) return { ok: true, stored: null, warning: 'null_not_removed' };
  switch (typeof value) {
    case 'string':
      return { ok: true, stored: value, warning: null };
    case 'boolean':
      return { ok: true, stored: value ? 'true' : 'false', warning: 'bool_to_string' };
    case 'bigint':
      return value >= -BigInt(MAX_SAFE_INTEGER) && value <= BigInt(MAX_SAFE_INTEGER)
        ? { ok: true, stored: Number(value), warning: null }
        : { ok: false, error: 'unsafe_integer' };
    case 'number':
      if (!Number.isFinite(value)) return { ok: false, error: 'non_finite_number' };
      if (Number.isInteger(value) && !Number.isSafeInteger(value))
        return { ok: false, error: 'unsafe_integer' };
      return { ok: true, stored: Object.is(value, -0) ? 0 : value, warning: null };
    case 'object':
      if (containsNonFiniteNumber(value)) return { ok: false, error: 'non_finite_number' };
      return { ok: true, stored: compactJson(value), warning: 'json_to_string' };
    default:
      return { ok: true, stored: String(value), warning: null };
  }
}

/**
 * The store's type of a stored value, or null for null.
 * NOTE: a JSON number carries no int/float tag, so an integral value (3, or 3.0) is Int64, others Float64.
 */
export function storedTypeOf(value: StoredValue): StoredType | null {
  if (value === null) return null;
  if (typeof value === 'string') return 'Utf8';
  return Number.isInteger(value) ? 'Int64' : 'Float64';
}

export type TypeCheck =
  { ok: true; type: StoredType | null; widened: boolean } | { ok: false; patchType: StoredType };

/**
 * Checks a value against the type a key already has in a project: null fits every type, an Int64 value into a
 * Float64 key is accepted (widened), anything else that differs is a conflict.
 */
export function checkStoredType(existing: StoredType | null | undefined, value: StoredValue): TypeCheck {
  const type = storedTypeOf(value);
  if (type === null || existing == null || existing === type)
    return { ok: true, type: existing ?? type, widened: false };
  if (existing === 'Float64' && type === 'Int64') return { ok: true, type: 'Float64', widened: true };
  return { ok: false, patchType: type };
}
