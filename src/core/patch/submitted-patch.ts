import {
  escapeControlCharacters,
  exceedsPatchDepth,
  exceedsPatchLength,
  firstControlCharacter,
  formatErrorMessage,
  invalidKeyReason,
  type InvalidKeyReason,
  isSpanIdTooLong,
  MAX_KEY_LENGTH,
  MAX_PATCH_DEPTH,
  MAX_PATCH_LENGTH,
  MAX_SPAN_ID_LENGTH,
} from '@/core/api';
import {
  compactJson,
  describeJsonKind,
  describeValue,
  isJsonObject,
  jsonDepth,
  parseJson,
} from '@/core/text';
import { toStoredForm } from './stored-form';
import type { StoredPatch } from './stored-patch';

/** Deepest nesting a `patch_failure` message states exactly; deeper is "more than" this. */
const MAX_REPORTED_DEPTH = 1_000;

/** A submitted span's patch as the route reads it back: the patch in stored form, or that span's error. */
export type PreparedPatch = { ok: true; stored: StoredPatch } | { ok: false; errorMessage: string };

/**
 * Validates one span of a request: its span_id (at most 256 characters) and its patch_document
 * (`prepareSubmittedPatch`). A failure is that span's error message, never the request's.
 */
export function prepareSubmittedSpan(spanId: string, patchDocument: unknown): PreparedPatch {
  if (isSpanIdTooLong(spanId)) {
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
  if (exceedsPatchDepth(depth)) {
    const levels =
      depth > MAX_REPORTED_DEPTH ? `more than ${MAX_REPORTED_DEPTH.toLocaleString('en-US')}` : String(depth);
    return fail(
      'patch_failure',
      `patch_document nests ${levels} levels deep; the limit is ${MAX_PATCH_DEPTH}`,
    );
  }
  const stored: StoredPatch = {};
  for (const [key, value] of Object.entries(document)) {
    const keyProblem = invalidKeyReason(key);
    if (keyProblem !== null) {
      return fail(
        'patch_failure',
        `Invalid key '${escapeControlCharacters(key.slice(0, 64))}': the key ${whyKeyIsInvalid(key, keyProblem)}`,
      );
    }
    const form = toStoredForm(value);
    if (!form.ok) {
      const why =
        form.error === 'unsafe_integer'
          ? 'is an integer beyond ±(2^53−1); send it as a string'
          : 'is not a finite number';
      return fail('patch_failure', `Value of '${key}' (${describeValue(value).slice(0, 64)}) ${why}`);
    }
    // NOTE: defined, not assigned: a key such as "__proto__" is a key like any other.
    Object.defineProperty(stored, key, {
      value: form.stored,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const length = compactJson(stored).length;
  if (exceedsPatchLength(length)) {
    return fail(
      'patch_failure',
      `patch_document is ${length} characters of JSON; the limit is ${MAX_PATCH_LENGTH}`,
    );
  }
  return { ok: true, stored };
}

function fail(type: 'parse_failure' | 'patch_failure', message: string) {
  return { ok: false as const, errorMessage: formatErrorMessage(type, message) };
}

/** Why a key is refused, in the words of a `patch_failure` message: "is reserved". */
function whyKeyIsInvalid(key: string, reason: InvalidKeyReason): string {
  switch (reason) {
    case 'empty':
      return 'is empty';
    case 'blank':
      return 'is only whitespace';
    case 'too_long':
      return `is longer than ${MAX_KEY_LENGTH} characters`;
    case 'control_character':
      return `holds a control character (${firstControlCharacter(key) ?? ''})`;
    case 'reserved':
      return 'is reserved';
  }
}

/** The words of a `segment_not_found` failure (without the `[type]` prefix), the same from server and preview. */
export function segmentNotFoundMessage(spanId: string, project: string): string {
  return `No span with ID '${spanId}' in project '${project}'`;
}
