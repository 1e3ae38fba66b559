import { formatErrorMessage } from './error-types';
import { compactJson, describeJsonKind, describeValue, isJsonObject, jsonDepth, parseJson } from './json';
import { isValidKey, MAX_KEY_LENGTH } from './keys';
import { MAX_PATCH_DEPTH, MAX_PATCH_LENGTH } from './span-patch';
import { checkStoredType, type StoredType, type StoredValue, toStoredForm } from './stored-form';

/** Largest span metadata the store accepts, as compact JSON characters. */
export const MAX_METADATA_LENGTH = 1_000_000;
/** Most distinct metadata keys in one project. */
export const MAX_PROJECT_KEYS = 1_000;
/** Longest span ID accepted, in characters (SPEC §5: longer is `span_id_too_long` in the sheet). */
export const MAX_SPAN_ID_LENGTH = 256;
/** Deepest nesting a `patch_failure` message states exactly; deeper is "more than" this. */
const MAX_REPORTED_DEPTH = 1_000;

export type PreparedPatch =
  { ok: true; entries: [string, StoredValue][] } | { ok: false; errorMessage: string };

/**
 * Validates one span of a request: its span_id (at most 256 characters) and its patch_document
 * (`prepareSubmittedPatch`). A failure is that span's error message, never the request's.
 */
export function prepareSubmittedSpan(spanId: string, patchDocument: unknown): PreparedPatch {
  if (spanId.length > MAX_SPAN_ID_LENGTH) {
    // NOTE: the ID is not repeated here: the error entry's span_id already carries it, and it may be huge.
    return fail(
      'patch_failure',
      `span_id is longer than ${MAX_SPAN_ID_LENGTH} characters (it has ${spanId.length.toLocaleString('en-US')})`,
    );
  }
  return prepareSubmittedPatch(patchDocument);
}

/**
 * Validates a submitted patch_document (an object, or JSON text) and converts each top-level value to its stored
 * form. Failures are per-span error messages: `[parse_failure]` for text that is not JSON, `[patch_failure]` for
 * anything that cannot be applied (missing, not an object, invalid key, too large or deep, unsafe or non-finite
 * number). Any value is safe to pass, of any size or nesting: depth is checked, without recursion, before
 * anything recurses into the document.
 */
export function prepareSubmittedPatch(patchDocument: unknown): PreparedPatch {
  if (patchDocument === undefined) {
    return fail('patch_failure', 'patch_document is missing; send a JSON object of metadata keys');
  }
  let document: unknown = patchDocument;
  if (typeof patchDocument === 'string') {
    const parsed = parseJson(patchDocument);
    if (!parsed.ok) return fail('parse_failure', `patch_document is not valid JSON: ${parsed.message}`);
    document = parsed.value;
  }
  if (!isJsonObject(document)) {
    return fail(
      'patch_failure',
      `patch_document must be a JSON object, but it is ${describeJsonKind(document)}`,
    );
  }
  const depth = jsonDepth(document, MAX_REPORTED_DEPTH);
  if (depth > MAX_PATCH_DEPTH) {
    const levels =
      depth > MAX_REPORTED_DEPTH ? `more than ${MAX_REPORTED_DEPTH.toLocaleString('en-US')}` : String(depth);
    return fail(
      'patch_failure',
      `patch_document nests ${levels} levels deep; the limit is ${MAX_PATCH_DEPTH}`,
    );
  }
  const entries: [string, StoredValue][] = [];
  for (const [key, value] of Object.entries(document)) {
    if (!isValidKey(key)) {
      const why =
        key === ''
          ? 'is empty'
          : key.length > MAX_KEY_LENGTH
            ? `is longer than ${MAX_KEY_LENGTH} characters`
            : 'is reserved';
      return fail('patch_failure', `Invalid key '${key.slice(0, 64)}': the key ${why}`);
    }
    const stored = toStoredForm(value);
    if (!stored.ok) {
      const why =
        stored.error === 'unsafe_integer'
          ? 'is an integer beyond ±(2^53−1); send it as a string'
          : 'is not a finite number';
      return fail('patch_failure', `Value of '${key}' (${describeValue(value).slice(0, 64)}) ${why}`);
    }
    entries.push([key, stored.stored]);
  }
  const length = compactJson(Object.fromEntries(entries)).length;
  if (length > MAX_PATCH_LENGTH) {
    return fail(
      'patch_failure',
      `patch_document is ${length} characters of JSON; the limit is ${MAX_PATCH_LENGTH}`,
    );
  }
  return { ok: true, entries };
}

function fail(
  type: 'parse_failure' | 'patch_failure' | 'type_conflict' | 'druid_rejection',
  message: string,
) {
  return { ok: false as const, errorMessage: formatErrorMessage(type, message) };
}

/** The words of a `segment_not_found` failure (without the `[type]` prefix), the same from server and preview. */
export function segmentNotFoundMessage(spanId: string, project: string): string {
  return `No span with ID '${spanId}' in project '${project}'`;
}

/** One key's change on a span, for the history of every change. */
export interface KeyChange {
  key: string;
  existedBefore: boolean;
  before: StoredValue;
  after: StoredValue;
}

/** The project's metadata fields as the type registry sees them: key → type (null while only null was stored). */
export type FieldTypes = ReadonlyMap<string, StoredType | null>;

export type SpanUpdatePlan =
  | {
      ok: true;
      metadata: Record<string, StoredValue>;
      changes: KeyChange[];
      /** Keys new to the project or whose type is set by this span, to record when the span is applied. */
      fieldTypes: Map<string, StoredType | null>;
    }
  | { ok: false; errorMessage: string };

/**
 * Plans one span's update against its current metadata and the project's field types (SPEC §6): all keys or
 * none. A key's type is set by its first non-null value; null fits any type; Int64 into Float64 is widened;
 * anything else is a `type_conflict`. Metadata over 1,000,000 characters or a project over 1,000 keys is a
 * `druid_rejection`.
 */
export function planSpanUpdate(
  current: Readonly<Record<string, StoredValue>>,
  entries: readonly [string, StoredValue][],
  fields: FieldTypes,
): SpanUpdatePlan {
  const metadata: Record<string, StoredValue> = { ...current };
  const changes: KeyChange[] = [];
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
