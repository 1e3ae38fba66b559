import {
  escapeControlCharacters,
  firstControlCharacter,
  invalidKeyReason,
  MAX_KEY_LENGTH,
  MAX_PATCH_DEPTH,
  MAX_PATCH_LENGTH,
  MAX_SPAN_ID_LENGTH,
} from '@/core/api';
import { assertUnreachable } from '@/core/text';

/** Codes that block a span: it is not submitted until they are fixed. */
export const ERROR_CODES = [
  'missing_span_id',
  'span_id_too_long',
  'parse_failure',
  'patch_failure',
  'invalid_key',
  'unnamed_key',
  'patch_too_large',
  'patch_too_deep',
  'not_a_number',
  'not_a_boolean',
  'not_json',
  'unsafe_integer',
  'non_finite_number',
] as const;

/** Codes that inform: the span is still submitted (except `empty_patch`, which has nothing to send). */
export const WARNING_CODES = [
  'span_id_trimmed',
  'span_id_lowercased',
  'span_id_not_otel',
  'looks_numeric_kept_text',
  'mixed_types_as_text',
  'bool_to_string',
  'json_to_string',
  'null_not_removed',
  'overridden_by_patch_document',
  'duplicate_span_id',
  'empty_patch',
] as const;

/**
 * Conversions that can apply to a whole column (every true/false of a true/false column is stored as text): there
 * they are one column notice, not a warning on each cell; a cell that differs from its column keeps its warning.
 */
export const NOTICE_CODES = [
  'bool_to_string',
  'looks_numeric_kept_text',
  'json_to_string',
  'null_not_removed',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
export type WarningCode = (typeof WARNING_CODES)[number];
export type IssueCode = ErrorCode | WarningCode;
/** A conversion that can be a column notice. */
export type NoticeCode = (typeof NOTICE_CODES)[number];
export type Severity = 'error' | 'warning';

/** Why a numeric-looking text was kept as text. */
export type KeptTextReason = 'leading_zero' | 'leading_plus' | 'too_many_digits' | 'trailing_zero_on_id';

/** The kinds a cell's text can have when a column's type is inferred. */
export type CellKind = 'number' | 'boolean' | 'json' | 'text';

/** What is specific to each code: a discriminated union on `code`. */
export type IssueDetails =
  | { code: 'missing_span_id' }
  | { code: 'span_id_too_long'; length: number }
  | { code: 'span_id_trimmed'; original: string }
  | { code: 'span_id_lowercased'; original: string }
  | { code: 'span_id_not_otel'; spanId: string }
  | { code: 'parse_failure'; reason: string }
  | { code: 'patch_failure'; reason: string }
  | { code: 'invalid_key'; key: string }
  | { code: 'unnamed_key' }
  | { code: 'patch_too_large'; length: number }
  | { code: 'patch_too_deep'; key: string; depth: number }
  | { code: 'not_a_number'; text: string; projectType?: 'Utf8' | 'Int64' | 'Float64' }
  | { code: 'not_a_boolean'; text: string }
  | { code: 'not_json'; text: string; reason: string }
  | { code: 'unsafe_integer'; key: string; text: string }
  | { code: 'non_finite_number'; key: string; text: string }
  | { code: 'looks_numeric_kept_text'; text: string; reason: KeptTextReason }
  | { code: 'mixed_types_as_text'; counts: Partial<Record<CellKind, number>> }
  | { code: 'bool_to_string'; key: string; value: boolean }
  | { code: 'json_to_string'; key: string }
  | { code: 'null_not_removed'; key: string }
  | { code: 'overridden_by_patch_document'; key: string; overriddenColumn: string }
  | { code: 'duplicate_span_id'; spanId: string; otherRows: number[]; otherCount: number }
  | { code: 'empty_patch' };

/**
 * A warning or an error, located where the user sees it: `row` is 1-based as in the grid (null for a
 * column-wide issue), `column` is the column's header and `columnId` its stable id. Its plain-language text
 * is `issueMessage(issue)`, built when shown: a 100,000-row sheet has hundreds of thousands of issues.
 */
export type Issue = IssueDetails & {
  severity: Severity;
  row: number | null;
  column: string;
  columnId: string;
};

const errorCodes: ReadonlySet<string> = new Set(ERROR_CODES);

/** The severity of a code: errors block the span, warnings do not. */
export function severityOf(code: IssueCode): Severity {
  return errorCodes.has(code) ? 'error' : 'warning';
}

/** Builds an issue located at a row and column, with its severity; `details` must be a fresh object. */
export function makeIssue(
  details: IssueDetails,
  row: number | null,
  column: { id: string; name: string },
): Issue {
  // NOTE: fills in the fresh details object instead of spreading it: a spread per issue is the slowest part of
  // validating 100,000 rows.
  const issue = details as Issue;
  issue.severity = severityOf(details.code);
  issue.row = row;
  issue.column = column.name;
  issue.columnId = column.id;
  return issue;
}

const keptTextReasons: Record<KeptTextReason, string> = {
  leading_zero: 'it has a leading zero that a number would drop',
  leading_plus: 'it starts with "+", which a number would drop',
  too_many_digits: 'it has more than 15 significant digits, which a number cannot hold exactly',
  trailing_zero_on_id: 'this looks like an ID column and ".0" is probably a spreadsheet artefact',
};

const kindNames: Record<CellKind, [string, string]> = {
  number: ['number', 'numbers'],
  boolean: ['true/false value', 'true/false values'],
  json: ['JSON value', 'JSON values'],
  text: ['text value', 'text values'],
};

function plural(count: number, [one, many]: [string, string]): string {
  return `${count} ${count === 1 ? one : many}`;
}

function joinWords(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function rowList(rows: number[], total: number): string {
  const shown = rows.slice(0, 5).join(', ');
  return total > 5 ? `${shown} and ${total - 5} more` : shown;
}

function quote(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  // NOTE: JSON escapes U+0000–U+001F but not U+007F, which is as invisible.
  return escapeControlCharacters(JSON.stringify(short));
}

/** Why a metadata key cannot be stored, in words (the `invalid_key` error). */
function invalidKeyMessage(key: string): string {
  switch (invalidKeyReason(key)) {
    case 'empty':
      return 'Metadata key is empty: name the key.';
    case 'blank':
      return `Metadata key ${quote(key)} is only spaces: name the key.`;
    case 'too_long':
      return `Metadata key ${quote(key)} is longer than ${MAX_KEY_LENGTH} characters.`;
    case 'control_character':
      return `Metadata key ${quote(key)} holds a control character (${firstControlCharacter(key) ?? ''}), which a key cannot hold.`;
    case 'reserved':
    case null:
      return `Metadata key ${quote(key)} is reserved and cannot be used.`;
  }
}

/** The plain-language message of an issue, understandable without the specification. */
export function issueMessage(details: IssueDetails): string {
  switch (details.code) {
    case 'missing_span_id':
      return 'Span ID is blank: this row cannot be sent until it names a span.';
    case 'span_id_too_long':
      return `Span ID is ${details.length.toLocaleString('en-US')} characters long; the limit is ${MAX_SPAN_ID_LENGTH}. Check that the column holds span IDs.`;
    case 'span_id_trimmed':
      return `Span ID ${quote(details.original)} had spaces around it; they were removed.`;
    case 'span_id_lowercased':
      return `Span ID ${quote(details.original)} was lowercased: span IDs are lowercase hex.`;
    case 'span_id_not_otel':
      return `Span ID ${quote(details.spanId)} is not 16 hex characters, so it is probably not an OpenTelemetry span ID. It is sent as it is.`;
    case 'parse_failure':
      return `patch_document is not valid JSON: ${details.reason}.`;
    case 'patch_failure':
      return `patch_document must be a JSON object like {"key": "value"}: ${details.reason}.`;
    case 'invalid_key':
      return invalidKeyMessage(details.key);
    case 'unnamed_key':
      return "Name this column's key: a value in a column without a key cannot be sent.";
    case 'patch_too_large':
      return `This span's patch is ${details.length.toLocaleString('en-US')} characters of JSON, over the limit of ${MAX_PATCH_LENGTH.toLocaleString('en-US')}.`;
    case 'patch_too_deep':
      return `The value of ${quote(details.key)} nests ${details.depth} levels deep; the limit is ${MAX_PATCH_DEPTH}.`;
    case 'not_a_number':
      if (details.projectType === 'Int64')
        return `${quote(details.text)} is not a whole number, and the project already stores this key as whole numbers (Int64): only this span is held back.`;
      if (details.projectType !== undefined)
        return `${quote(details.text)} is not a number, and the project already stores this key as numbers (${details.projectType}): only this span is held back.`;
      return `${quote(details.text)} is not a number, and this column's type is number.`;
    case 'not_a_boolean':
      return `${quote(details.text)} is not true or false, and this column's type is boolean.`;
    case 'not_json':
      return `${quote(details.text)} is not valid JSON (${details.reason}), and this column's type is JSON.`;
    case 'unsafe_integer':
      return `${quote(details.text)} is too large to store exactly as a number (beyond ±9,007,199,254,740,991). Set the column's type to string to keep its digits.`;
    case 'non_finite_number':
      return `${quote(details.text)} is not a finite number and cannot be stored. Use a number, or null.`;
    case 'looks_numeric_kept_text':
      return `${quote(details.text)} was kept as text: ${keptTextReasons[details.reason]}.`;
    case 'mixed_types_as_text': {
      const parts = (Object.keys(kindNames) as CellKind[])
        .filter((kind) => (details.counts[kind] ?? 0) > 0)
        .map((kind) => plural(details.counts[kind] ?? 0, kindNames[kind]));
      return `This column mixes ${joinWords(parts)}, so every value in it is read as text. Set its type to read them otherwise.`;
    }
    case 'bool_to_string':
      return `${details.value} is stored as the text "${details.value}" in ${quote(details.key)}: metadata holds text, numbers and null only.`;
    case 'json_to_string':
      return `The object or list in ${quote(details.key)} is stored as JSON text.`;
    case 'null_not_removed':
      return `${quote(details.key)} is set to null: the key stays on the span with the value null; it is not removed.`;
    case 'overridden_by_patch_document':
      return `${quote(details.key)} from column ${quote(details.overriddenColumn)} is replaced by the value in patch_document.`;
    case 'duplicate_span_id':
      return `Span ${quote(details.spanId)} also appears in row${details.otherCount === 1 ? '' : 's'} ${rowList(details.otherRows, details.otherCount)}; the rows are merged in order, later rows winning per key.`;
    case 'empty_patch':
      return 'Nothing to change for this span (every value is blank and skipped), so it is not sent.';
    default:
      return assertUnreachable(details);
  }
}

/** Where an issue is, as a person reads it: "Row 5, column score". */
export function describeLocation(issue: Pick<Issue, 'row' | 'column'>): string {
  return issue.row === null ? `Column ${issue.column}` : `Row ${issue.row}, column ${issue.column}`;
}
