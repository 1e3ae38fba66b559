import { type ErrorType, type KnownErrorType, parseErrorMessage, type RefusalType } from '@/core/api';
import type { IssueCode } from '@/core/issues';
import type { StoredType } from '@/core/patch';

/**
 * The words the app shows in place of the codes the engine, the server and the store use (`Int64`,
 * `bool_to_string`, `[type_conflict] …`). The codes stay what they are everywhere else (files, the API, logs);
 * the UI keeps each one in a "Details for support" line beside its words.
 */

const storedTypeWords: Record<StoredType, { one: string; many: string; article: string }> = {
  Int64: { one: 'whole number', many: 'whole numbers', article: 'a whole number' },
  Float64: { one: 'decimal number', many: 'decimal numbers', article: 'a decimal number' },
  Utf8: { one: 'text', many: 'text', article: 'text' },
};

/** A stored type as users say it: "whole number" (Int64), "decimal number" (Float64), "text" (Utf8). */
export function storedTypeName(type: StoredType): string {
  return storedTypeWords[type].one;
}

/** A key's stored type as the Spans tab lists it: the type's words, or that no value has set it yet. */
export function fieldTypeName(type: StoredType | null): string {
  return type === null ? 'no type yet' : storedTypeName(type);
}

const issueLabels: Record<IssueCode, string> = {
  missing_span_id: 'Span ID missing',
  span_id_too_long: 'Span ID too long',
  parse_failure: 'patch_document is not JSON',
  patch_failure: 'patch_document is not an object',
  invalid_key: 'Key not allowed',
  unnamed_key: 'Column key not named',
  patch_too_large: 'Patch too large',
  patch_too_deep: 'Nested too deep',
  not_a_number: 'Not a number',
  not_a_boolean: 'Not true or false',
  not_json: 'Not valid JSON',
  unsafe_integer: 'Number too large',
  non_finite_number: 'Not a finite number',
  span_id_trimmed: 'Spaces removed from span ID',
  span_id_lowercased: 'Span ID lowercased',
  span_id_not_otel: 'Unusual span ID',
  looks_numeric_kept_text: 'Number kept as text',
  mixed_types_as_text: 'Mixed values read as text',
  bool_to_string: 'True/false stored as text',
  json_to_string: 'JSON stored as text',
  null_not_removed: 'null kept on the span',
  overridden_by_patch_document: 'Replaced by patch_document',
  duplicate_span_id: 'Span in several rows',
  empty_patch: 'Nothing to change',
};

/** A warning's or error's short name for chips and notes ("True/false stored as text" for `bool_to_string`). */
export function issueLabel(code: IssueCode): string {
  return issueLabels[code];
}

const errorTypeLabels: Record<KnownErrorType | 'revert_conflict' | RefusalType | 'unknown', string> = {
  parse_failure: 'Not valid JSON',
  patch_failure: 'Patch not accepted',
  type_conflict: 'Type conflict',
  segment_not_found: 'Span not found',
  connection_failure: 'Not delivered',
  druid_rejection: 'Rejected by the store',
  revert_conflict: 'Changed since',
  submission_reverted: 'Refused: submission reverted',
  key_refused: 'Refused: API key',
  unknown: 'Other',
};

/**
 * A failure type in words ("Type conflict" for `type_conflict`); a type this app does not know is shown as the
 * server sent it, since nothing better can be said of it.
 */
export function errorTypeLabel(type: ErrorType): string {
  return Object.hasOwn(errorTypeLabels, type) ? errorTypeLabels[type as keyof typeof errorTypeLabels] : type;
}

const refusalWords: Record<RefusalType, { short: string; because: string }> = {
  submission_reverted: {
    short: 'submission reverted',
    because: 'the submission was reverted while still sending',
  },
  key_refused: { short: 'API key refused', because: 'the server refused the API key' },
};

/**
 * Why the server refused spans whole, in words: `short` for a count ("3 refused (submission reverted)"), and
 * `because` for a sentence ("3 spans were refused because the server refused the API key").
 */
export function refusalReason(type: RefusalType): { short: string; because: string } {
  return refusalWords[type];
}

/**
 * The one sentence for a server that cannot be reached, wherever it appears (Settings, Spans, Preview, History,
 * Results): where it is, when known, and what to check.
 */
export function unreachableServerText(serverUrl?: string, crossOrigin = false): string {
  const where = serverUrl === undefined || serverUrl === '' ? 'the server' : `the server at ${serverUrl}`;
  return `Cannot reach ${where}. Check the address and that the server is running${
    crossOrigin ? ' and accepts requests from this page (CORS)' : ''
  }.`;
}

/** True when a message is the client's "could not reach the server" (no answer at all). */
export function isUnreachableMessage(message: string): boolean {
  return /^Could not reach the server\b/.test(message);
}

/** A failure as the UI shows it: its type in words and its message reworded, with the original for support. */
export interface DisplayedError {
  type: ErrorType;
  typeLabel: string;
  text: string;
  /** The message exactly as the server or client sent it: `[type] message`. */
  original: string;
}

const TYPE_CONFLICT =
  /^Type conflict on '([\s\S]*)': stored (Utf8|Int64|Float64), patch has (Utf8|Int64|Float64)$/;

/**
 * Rewords a per-span failure message (`[type] message`) for display: store types in words ("'score' holds whole
 * numbers; this value is text" for "stored Int64, patch has Utf8"), and the one sentence for a server that
 * could not be reached. Messages already in plain words are kept as they are.
 */
export function describeErrorMessage(
  errorMessage: string,
  context: { serverUrl?: string } = {},
): DisplayedError {
  const { type, detail } = parseErrorMessage(errorMessage);
  return {
    type,
    typeLabel: errorTypeLabel(type),
    text: rewordDetail(detail, context),
    original: errorMessage,
  };
}

/** The text of a failure message without its `[type]`, reworded as `describeErrorMessage` does. */
export function rewordDetail(detail: string, context: { serverUrl?: string } = {}): string {
  const conflict = TYPE_CONFLICT.exec(detail);
  if (conflict) {
    const [, key = '', stored = 'Utf8', patch = 'Utf8'] = conflict;
    return `'${key}' holds ${storedTypeWords[stored as StoredType].many}; this value is ${
      storedTypeWords[patch as StoredType].article
    }.`;
  }
  if (isUnreachableMessage(detail)) {
    const attempts = /\(after (\d+) attempts\)/.exec(detail)?.[1];
    const cancelled = /cancelled before retrying/.test(detail)
      ? ' Cancelled before retrying, so the server may or may not have applied it.'
      : '';
    return `${unreachableServerText(context.serverUrl)}${attempts ? ` Tried ${attempts} times.` : ''}${cancelled}`;
  }
  return detail;
}
