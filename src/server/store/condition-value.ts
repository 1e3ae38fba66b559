import type { MetadataCondition } from '@/core/api';
import type { StoredType, StoredValue } from '@/core/patch';

/**
 * A metadata condition's value (SPEC §10) as the key stores it: a number for a numeric key (when the text reads as
 * one), text for a text key, so that `"7"` finds 7 in an Int64 key and `7` finds "7" in a Utf8 key, as a person
 * would expect. Both stores compare with it.
 */
export function storedFormOf(value: MetadataCondition['value'], type: StoredType | null): StoredValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (type === 'Int64' || type === 'Float64') {
    const number = typeof value === 'number' ? value : Number(value.trim());
    return typeof value === 'string' && value.trim() === ''
      ? value
      : Number.isFinite(number)
        ? number
        : value;
  }
  return typeof value === 'number' ? String(value) : value;
}
