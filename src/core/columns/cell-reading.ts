import type { CellValue } from '@/core/import';
import type { CellKind, IssueDetails, KeptTextReason, NoticeCode } from '@/core/issues';
import { assertUnreachable, parseJson } from '@/core/text';
import type { ColumnSettings, ColumnType } from './columns';
import type { ProjectType } from './project-types';

/** The cells of one column, read by 0-based row (a sheet's `ColumnCells`). */
export interface CellSource {
  readonly length: number;
  get(row: number): CellValue;
  /** `isBlank(get(row))`, told without making the cell's text when the source can. */
  isBlankAt?(row: number): boolean;
}

/** The type a column reads its cells as, once `auto` is resolved. */
export type ReadType = Exclude<ColumnType, 'auto'>;

/** How one text cell looks when a column's type is inferred. */
export type TextClass =
  | { kind: 'blank' }
  | { kind: 'null' }
  | { kind: 'number'; value: number }
  | { kind: 'numeric_text'; reason: KeptTextReason }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'json'; value: unknown }
  | { kind: 'text' };

export type TextKind = TextClass['kind'];

const jsonNumber = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const looseNumber = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const nonFinite = /^[+-]?(?:nan|inf|infinity)$/i;

/** True when a cell is blank: missing, or text that is empty after trimming. */
export function isBlank(cell: CellValue): boolean {
  return cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

/** True for the literal `null` in any case, which reads as JSON null in every type. */
export function isNullLiteral(text: string): boolean {
  return text.trim().toLowerCase() === 'null';
}

/** Digits of a decimal mantissa from its first non-zero digit, without trailing zeros after a point. */
function significantDigits(mantissa: string): number {
  let first = -1;
  let last = -1;
  let point = -1;
  let digits = 0;
  for (let index = 0; index < mantissa.length; index++) {
    const code = mantissa.charCodeAt(index);
    if (code === 46) {
      point = index;
      continue;
    }
    if (code < 48 || code > 57) continue;
    if (first === -1 && code !== 48) first = index;
    if (first !== -1) {
      digits++;
      if (code !== 48) last = digits;
    }
  }
  if (first === -1) return 0;
  return point === -1 ? digits : last;
}

/** Why a number would change this numeric-looking text, or null when it would not. */
export function keptTextReason(text: string, idLike: boolean): KeptTextReason | null {
  if (text.startsWith('+')) return 'leading_plus';
  if (/^-?0\d/.test(text)) return 'leading_zero';
  const mantissa = text.split(/[eE]/)[0] ?? text;
  if (significantDigits(mantissa) > 15) return 'too_many_digits';
  if (idLike && /\.0+$/.test(text)) return 'trailing_zero_on_id';
  return null;
}

/**
 * Classifies a text cell for type inference (SPEC §2): numbers are JSON numbers that survive the conversion
 * unchanged; `true`/`false` in any case are booleans; JSON objects and arrays are JSON; the rest is text.
 */
export function classifyText(text: string, idLike: boolean): TextClass {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'blank' };
  const lower = trimmed.toLowerCase();
  if (lower === 'null') return { kind: 'null' };
  if (lower === 'true' || lower === 'false') return { kind: 'boolean', value: lower === 'true' };
  if (looseNumber.test(trimmed)) {
    const reason = keptTextReason(trimmed, idLike);
    if (reason !== null) return { kind: 'numeric_text', reason };
    if (jsonNumber.test(trimmed)) return { kind: 'number', value: Number(trimmed) };
    return { kind: 'text' };
  }
  const first = trimmed[0];
  if (first === '{' || first === '[') {
    const parsed = parseJson(trimmed);
    if (parsed.ok) return { kind: 'json', value: parsed.value };
  }
  return { kind: 'text' };
}

/** Counts of a column's text cells by kind, the basis of `auto` inference. */
export type KindCounts = Record<TextKind, number>;

export function emptyKindCounts(): KindCounts {
  return { blank: 0, null: 0, number: 0, numeric_text: 0, boolean: 0, json: 0, text: 0 };
}

export interface Inference {
  type: ReadType;
  /** Set when the column mixes kinds and so reads as text. */
  mixed: Partial<Record<CellKind, number>> | null;
  /** True when numeric-looking cells were kept as text and so made the column text. */
  keptNumericText: boolean;
  /** True when the column's only values are nulls (and blanks): a column that sets its key to null. */
  onlyNulls: boolean;
  /** The type the project already stores the column's key as, which the column is read as (SPEC §2). */
  projectType?: ProjectType;
}

/**
 * Infers one type for a column from the counts of its non-blank, non-null cells, as a dataframe dtype would:
 * all numbers → number, all booleans → boolean, all JSON → json, anything else → string (mixed kinds warned).
 * A key the project already types (`projectType`) is read as that type whatever its cells: `Int64` and `Float64`
 * as numbers, `Utf8` as text; a cell that does not read so is an error on that cell, not a column of text.
 */
export function inferType(counts: KindCounts, projectType: ProjectType | null = null): Inference {
  if (projectType === 'Int64' || projectType === 'Float64') {
    const values = counts.number + counts.numeric_text + counts.boolean + counts.json + counts.text;
    const onlyNulls = counts.null > 0 && values === 0;
    return { type: 'number', mixed: null, keptNumericText: false, onlyNulls, projectType };
  }
  const inferred = inferByKinds(counts);
  if (projectType === null) return inferred;
  // A key stored as text takes any column as text: numbers stay text (no conflict, nothing to warn about), and
  // true/false or JSON columns are stored as text anyway, with their column notices.
  if (inferred.type === 'number' || inferred.keptNumericText)
    return { ...inferred, type: 'string', keptNumericText: false, projectType };
  return { ...inferred, projectType };
}

function inferByKinds(counts: KindCounts): Inference {
  const numbers = counts.number + counts.numeric_text;
  const present = [numbers, counts.boolean, counts.json, counts.text].filter((count) => count > 0).length;
  const onlyNulls = present === 0 && counts.null > 0;
  if (present > 1) {
    const mixed: Partial<Record<CellKind, number>> = {};
    if (numbers > 0) mixed.number = numbers;
    if (counts.boolean > 0) mixed.boolean = counts.boolean;
    if (counts.json > 0) mixed.json = counts.json;
    if (counts.text > 0) mixed.text = counts.text;
    return { type: 'string', mixed, keptNumericText: false, onlyNulls };
  }
  if (counts.numeric_text > 0) return { type: 'string', mixed: null, keptNumericText: true, onlyNulls };
  if (counts.number > 0) return { type: 'number', mixed: null, keptNumericText: false, onlyNulls };
  if (counts.boolean > 0) return { type: 'boolean', mixed: null, keptNumericText: false, onlyNulls };
  if (counts.json > 0) return { type: 'json', mixed: null, keptNumericText: false, onlyNulls };
  return { type: 'string', mixed: null, keptNumericText: false, onlyNulls };
}

/** True when the column's cells take part in `auto` inference (text cells of an auto metadata column). */
export function infersType(column: ColumnSettings): boolean {
  return column.target.kind === 'metadata' && column.type === 'auto' && column.origin === 'text';
}

/** The result of reading one metadata cell. */
export type CellRead =
  | { status: 'skip' }
  | { status: 'value'; value: unknown; issues: readonly IssueDetails[] }
  | { status: 'error'; issues: readonly IssueDetails[] };

/** Shared by every read without issues: a sheet reads millions of cells. */
const NO_ISSUES: readonly IssueDetails[] = Object.freeze([]);

const skip: CellRead = { status: 'skip' };

function value(read: unknown, issues: readonly IssueDetails[] = NO_ISSUES): CellRead {
  return { status: 'value', value: read, issues };
}

/**
 * Reads one metadata cell as its column says: blank policy, `null` literal, explicit type or the column's
 * inferred type. `readType` is the inferred type for `auto` text columns, else the column's own type.
 * `parsedJson` is the cell's text already parsed as JSON (when its kind was counted), so it is parsed once.
 */
export function readCell(
  cell: CellValue,
  column: ColumnSettings,
  reading: ColumnReading,
  parsedJson?: unknown,
): CellRead {
  if (cell === undefined || isBlank(cell)) return column.blankPolicy === 'null' ? value(null) : skip;
  if (cell === null) return value(null);
  if (typeof cell === 'string') {
    if (isNullLiteral(cell)) return value(null);
    const { type } = reading;
    if (type === 'typed') return value(cell);
    // NOTE: a JSON cell already parsed to count its kind (`TextClass` json) is not parsed again.
    if (type === 'json' && parsedJson !== undefined) return value(parsedJson);
    return readText(cell, type, reading);
  }
  return readTyped(cell, reading.type, reading.projectType);
}

/**
 * How a column reads its cells: `type` is the explicit or inferred type (`typed` keeps each value's own type);
 * `keptNumericText` is set when `auto` chose text because numeric-looking cells would change as numbers.
 * `wholeColumn` holds the conversions the column applies to all its cells of one kind: they are one column
 * notice instead of a warning per cell (`column-notices.ts`).
 */
export interface ColumnReading {
  type: ReadType | 'typed';
  keptNumericText: boolean;
  idLike: boolean;
  wholeColumn?: ReadonlySet<NoticeCode>;
  /** The project's type of the column's key, when `auto` reads the column as it (`inferType`). */
  projectType?: ProjectType;
}

/** Reads the special non-finite spellings (`NaN`, `Infinity`, `-inf`) so they are reported, not mistyped. */
function nonFiniteNumber(text: string): number | null {
  if (!nonFinite.test(text)) return null;
  const lower = text.toLowerCase();
  if (lower.endsWith('nan')) return NaN;
  return lower.startsWith('-') ? -Infinity : Infinity;
}

function readText(text: string, type: ReadType, reading: ColumnReading): CellRead {
  const trimmed = text.trim();
  switch (type) {
    case 'string': {
      if (reading.keptNumericText) {
        const looks = classifyText(text, reading.idLike);
        if (looks.kind === 'numeric_text') {
          return value(text, [{ code: 'looks_numeric_kept_text', text: trimmed, reason: looks.reason }]);
        }
      }
      return value(text);
    }
    case 'number': {
      const { projectType } = reading;
      if (looseNumber.test(trimmed)) return fitNumber(Number(trimmed), trimmed, projectType);
      const special = nonFiniteNumber(trimmed);
      if (special !== null) return value(special);
      return notANumber(trimmed, projectType);
    }
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true' || lower === 'false') return value(lower === 'true');
      return { status: 'error', issues: [{ code: 'not_a_boolean', text: trimmed }] };
    }
    case 'json': {
      const parsed = parseJson(trimmed);
      if (parsed.ok) return value(parsed.value);
      return { status: 'error', issues: [{ code: 'not_json', text: trimmed, reason: parsed.message }] };
    }
    default:
      return assertUnreachable(type);
  }
}

/** A cell that does not read as a number: said with the project's type when that is why it must be one. */
function notANumber(text: string, projectType: ProjectType | undefined): CellRead {
  const issue: IssueDetails =
    projectType === undefined ? { code: 'not_a_number', text } : { code: 'not_a_number', text, projectType };
  return { status: 'error', issues: [issue] };
}

/** A number read for a key the project stores as `Int64` must be whole (the server would refuse a fraction). */
function fitNumber(read: number, text: string, projectType: ProjectType | undefined): CellRead {
  if (projectType === 'Int64' && Number.isFinite(read) && !Number.isInteger(read))
    return notANumber(text, projectType);
  return value(read);
}

function readTyped(
  cell: Exclude<CellValue, string | null | undefined>,
  type: ReadType | 'typed',
  projectType?: ProjectType,
): CellRead {
  switch (type) {
    case 'typed':
    case 'json':
      return value(cell);
    case 'string':
      if (typeof cell === 'object') return value(JSON.stringify(cell));
      return value(String(cell));
    case 'number':
      if (typeof cell === 'bigint') return value(cell);
      if (typeof cell === 'number') return fitNumber(cell, String(cell), projectType);
      return notANumber(describeTyped(cell), projectType);
    case 'boolean':
      if (typeof cell === 'boolean') return value(cell);
      return { status: 'error', issues: [{ code: 'not_a_boolean', text: describeTyped(cell) }] };
    default:
      return assertUnreachable(type);
  }
}

function describeTyped(cell: unknown): string {
  return typeof cell === 'object' ? JSON.stringify(cell) : String(cell);
}

/**
 * The kind of a cell for inference counting, or null when the cell does not take part. Text cells are classified
 * by their text; the typed values of a JSON or Parquet column (`origin` typed) by their own type. `onJson` gets
 * the value of a text cell that parsed as JSON, to read it later without parsing it again.
 */
export function inferenceKind(
  cell: CellValue,
  idLike: boolean,
  origin: ColumnSettings['origin'] = 'text',
  onJson?: (parsed: unknown) => void,
): TextKind | null {
  if (cell === undefined) return 'blank';
  if (cell === null) return 'null';
  if (typeof cell === 'string') {
    if (origin === 'text') {
      const looks = classifyText(cell, idLike);
      if (looks.kind === 'json') onJson?.(looks.value);
      return looks.kind;
    }
    return isBlank(cell) ? 'blank' : isNullLiteral(cell) ? 'null' : 'text';
  }
  if (origin === 'text') return null;
  if (typeof cell === 'boolean') return 'boolean';
  if (typeof cell === 'number' || typeof cell === 'bigint') return 'number';
  return typeof cell === 'object' ? 'json' : 'text';
}

/** Reads text typed into a grid cell of a typed column (JSON, Parquet): JSON literals keep their type. */
export function typedCellFromText(text: string): CellValue {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (isNullLiteral(trimmed)) return null;
  if (jsonNumber.test(trimmed) && keptTextReason(trimmed, false) === null) return Number(trimmed);
  const lower = trimmed.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const parsed = parseJson(trimmed);
    if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null) return parsed.value;
  }
  return text;
}
