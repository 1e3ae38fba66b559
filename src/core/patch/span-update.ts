import { formatErrorMessage } from '@/core/api';
import { compactJson } from '@/core/text';
import { checkStoredType, type StoredType, type StoredValue } from './stored-form';
import type { StoredPatch } from './stored-patch';

/** Largest span metadata the store accepts, as compact JSON characters. */
export const MAX_METADATA_LENGTH = 1_000_000;
/** Most distinct metadata keys in one project. */
export const MAX_PROJECT_KEYS = 1_000;

/** One key's change on a span, for the history of every change. */
export interface RecordedChange {
  key: string;
  existedBefore: boolean;
  before: StoredValue;
  after: StoredValue;
  /** True when the change removed the key (a revert of a key that did not exist before); `after` is then null. */
  removed?: boolean;
}

/** The project's metadata fields as the type registry sees them: key → type (null while only null was stored). */
export type FieldTypes = ReadonlyMap<string, StoredType | null>;

/** A span whose metadata changes: its metadata after the change (what a store writes), each key's before and after. */
export interface SpanWrite {
  spanId: string;
  metadata: StoredPatch;
  changes: RecordedChange[];
}

/** One span's planned update: its metadata after the patch and what changed, or why the span fails. */
export type SpanUpdatePlan =
  | (Omit<SpanWrite, 'spanId'> & {
      ok: true;
      /** Keys new to the project or whose type is set by this span, to record when the span is applied. */
      fieldTypes: Map<string, StoredType | null>;
    })
  | { ok: false; errorMessage: string };

/**
 * Plans one span's update against its current metadata and the project's field types (SPEC §6): all keys or
 * none. A key's type is set by its first non-null value; null fits any type; Int64 into Float64 is widened;
 * anything else is a `type_conflict`. Metadata over 1,000,000 characters or a project over 1,000 keys is a
 * `druid_rejection`.
 */
export function planSpanUpdate(
  current: Readonly<StoredPatch>,
  entries: readonly [string, StoredValue][],
  fields: FieldTypes,
): SpanUpdatePlan {
  const metadata: StoredPatch = { ...current };
  const changes: RecordedChange[] = [];
  const fieldTypes = new Map<string, StoredType | null>();
  let newKeys = 0;
  for (const [key, value] of entries) {
    const known = fields.has(key) || fieldTypes.has(key);
    const existing = fieldTypes.get(key) ?? fields.get(key) ?? null;
    const check = checkStoredType(existing, value);
    if (!check.ok) {
      return fail(
        'type_conflict',
        `Type conflict on '${key}': stored ${existing}, patch has ${check.patchType}`,
      );
    }
    if (!known) newKeys++;
    if (!known || (existing === null && check.type !== null)) fieldTypes.set(key, check.type);
    const existedBefore = Object.hasOwn(current, key);
    const before = existedBefore ? (current[key] ?? null) : null;
    if (!existedBefore || !Object.is(before, value))
      changes.push({ key, existedBefore, before, after: value });
    Object.defineProperty(metadata, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (fields.size + newKeys > MAX_PROJECT_KEYS) {
    return fail(
      'druid_rejection',
      `The project would have ${fields.size + newKeys} distinct metadata keys; the limit is ${MAX_PROJECT_KEYS}`,
    );
  }
  const length = compactJson(metadata).length;
  if (length > MAX_METADATA_LENGTH) {
    return fail(
      'druid_rejection',
      `The span's metadata would be ${length} characters; the limit is ${MAX_METADATA_LENGTH}`,
    );
  }
  return { ok: true, metadata, changes, fieldTypes };
}

function fail(type: 'type_conflict' | 'druid_rejection', message: string) {
  return { ok: false as const, errorMessage: formatErrorMessage(type, message) };
}
