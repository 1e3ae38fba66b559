import { exceedsPatchDepth, isValidKey, MAX_PATCH_DEPTH } from '@/core/api';
import {
  type CellRead,
  type CellSource,
  type ColumnReading,
  type ColumnSettings,
  isBlank,
  readCell,
} from '@/core/columns';
import type { CellValue } from '@/core/import';
import { type Issue, type IssueDetails, makeIssue, type NoticeCode } from '@/core/issues';
import { describeJsonKind, describeValue, isJsonObject, jsonDepth, parseJson } from '@/core/text';
import { normalizeSpanId } from './span-id';
import { type StoredFormResult, type StoredValue, toStoredForm } from './stored-form';

/** One key of a patch: the value as read, the value as stored, and where it came from. */
export interface PatchEntry {
  key: string;
  /** The value as read from the cell or patch_document, before conversion. */
  input: unknown;
  /** The value as the store will keep it. */
  stored: StoredValue;
  /** 1-based row, as in the grid. */
  row: number;
  columnId: string;
  /** The header of the column the value came from. */
  column: string;
  fromPatchDocument: boolean;
}

/** What one row contributes: its span, its keys (fields, then patch_document over them) and its issues. */
export interface RowResult {
  /** The span ID as submitted; null when blank or when the sheet has no span ID column. */
  spanId: string | null;
  /** True when every mapped cell of the row is blank: the row is ignored. */
  blank: boolean;
  entries: PatchEntry[];
  issues: Issue[];
  /**
   * The row's conversions that its column applies to all its cells (`wholeColumnConversions`), and the objects or
   * lists under a key of its patch_document: counted into the column's (or the key's) notice, never a warning of
   * the row.
   */
  notices: readonly Issue[];
  errorCount: number;
  warningCount: number;
}

/** A column that feeds the patch, with its cells and, for metadata columns, how they are read. */
export interface MappedColumn {
  column: ColumnSettings;
  cells: CellSource;
  reading: ColumnReading | null;
  /** JSON cells already parsed (by row), while a whole sheet is computed: each is parsed once. */
  parsedJson?: ReadonlyMap<number, unknown>;
  /** While a whole sheet is computed, a column with few distinct cells: each distinct cell is read once. */
  distinct?: DistinctCells;
}

/**
 * A column's cells as its distinct cells and, per row, the index of its cell among them (a dictionary), while a
 * whole sheet is computed: a column of `true`/`false`, tiers or reviewers is read, converted and parsed once per
 * distinct cell, not once per row. The reads are kept as they are made.
 */
export interface DistinctCells {
  /** Per row, the index of its cell in `values`. */
  ids: Uint16Array | Uint32Array;
  values: readonly CellValue[];
  /** Per distinct cell whose text parsed as JSON while its kind was counted: the value (else undefined). */
  parsedJson?: readonly unknown[];
  /** Each distinct cell's read as a metadata cell, once made. */
  reads: (CellRead | undefined)[];
  /** Each distinct cell's read as a patch_document, once made. */
  documents: (PatchDocumentRead | undefined)[];
  /** Each distinct cell's value checked and converted (`PreparedValue`), once made. */
  prepared: (PreparedValue | undefined)[];
  /** Each distinct patch_document's values checked and converted, key by key, once made. */
  preparedDocuments: (PreparedValue | undefined)[][];
}

/** A distinct cell's read as a metadata cell, made once. */
function distinctRead(
  distinct: DistinctCells,
  id: number,
  column: ColumnSettings,
  reading: ColumnReading,
): CellRead {
  let read = distinct.reads[id];
  if (read === undefined) {
    read = readCell(distinct.values[id], column, reading, distinct.parsedJson?.[id]);
    distinct.reads[id] = read;
  }
  return read;
}

/** A distinct cell's read as a patch_document, made once. */
function documentOf(distinct: DistinctCells, id: number): PatchDocumentRead {
  let read = distinct.documents[id];
  if (read === undefined) {
    read = readPatchDocument(distinct.values[id]);
    distinct.documents[id] = read;
  }
  return read;
}

/** What computing a row needs to know about the sheet's columns, resolved once per column. */
export interface RowContext {
  /** Columns that are not ignored, left to right. */
  mapped: readonly MappedColumn[];
  spanColumn: MappedColumn | null;
}

export const BLANK_ROW: RowResult = {
  spanId: null,
  blank: true,
  entries: [],
  issues: [],
  notices: [],
  errorCount: 0,
  warningCount: 0,
};

/** Shared by every row without notices: most rows of most sheets. */
const NO_NOTICES: readonly Issue[] = Object.freeze([]);

/**
 * Computes one row (SPEC §2–5): reads its span ID and metadata cells, converts each value to its stored form,
 * then applies its patch_document over the field-level updates (patch_document wins, with a warning).
 */
export function computeRow(rowIndex: number, context: RowContext): RowResult {
  if (isBlankRow(rowIndex, context.mapped)) return BLANK_ROW;
  const builder = new RowBuilder(true);
  builder.start(rowIndex + 1);
  const spanId = readRow(builder, rowIndex, context);
  return {
    spanId,
    blank: false,
    entries: builder.entries,
    issues: builder.issues,
    notices: builder.notices ?? NO_NOTICES,
    errorCount: builder.errorCount,
    warningCount: builder.issues.length - builder.errorCount,
  };
}

/**
 * What checking a row says without its patch (`RowChecker`): its result less its entries, with how many keys its
 * patch has and a bound on the patch's length as JSON (`mayExceedLength`).
 */
export interface RowCheck extends Omit<RowResult, 'entries'> {
  entryCount: number;
  lengthBound: number;
}

/**
 * Checks rows one after another, as `computeRow` computes them, without making their patches: no object per
 * cell or per row, one builder for all rows. For a whole sheet's counts and flags. `check` returns the checker
 * itself, holding that row's check until the next row is checked.
 */
export class RowChecker implements RowCheck {
  private readonly builder = new RowBuilder(false);
  spanId: string | null = null;
  blank = true;
  issues: Issue[] = [];
  notices: readonly Issue[] = NO_NOTICES;
  errorCount = 0;
  warningCount = 0;
  entryCount = 0;
  lengthBound = 2;

  check(rowIndex: number, context: RowContext): RowCheck {
    const { builder } = this;
    builder.start(rowIndex + 1);
    this.blank = isBlankRow(rowIndex, context.mapped);
    this.spanId = this.blank ? null : readRow(builder, rowIndex, context);
    this.issues = builder.issues;
    this.notices = builder.notices ?? NO_NOTICES;
    this.errorCount = builder.errorCount;
    this.warningCount = builder.issues.length - builder.errorCount;
    this.entryCount = builder.keyCount;
    this.lengthBound = builder.lengthBound;
    return this;
  }
}

/** Reads a row's cells into `builder`; returns its span ID. */
function readRow(builder: RowBuilder, rowIndex: number, context: RowContext): string | null {
  let spanId: string | null = null;
  if (context.spanColumn) {
    const normalized = normalizeSpanId(context.spanColumn.cells.get(rowIndex));
    spanId = normalized.spanId;
    for (const details of normalized.issues) builder.add(details, context.spanColumn.column);
  }
  const { mapped } = context;
  for (const entry of mapped) {
    const { column, reading } = entry;
    if (column.target.kind !== 'metadata' || reading === null) continue;
    const { distinct } = entry;
    if (distinct === undefined) {
      const read = readCell(entry.cells.get(rowIndex), column, reading, entry.parsedJson?.get(rowIndex));
      if (read.status === 'skip') continue;
      for (const details of read.issues) builder.add(details, column, reading.wholeColumn);
      if (read.status === 'value')
        builder.set(column.target.key, read.value, column, false, reading.wholeColumn);
      continue;
    }
    const id = distinct.ids[rowIndex] ?? 0;
    const read = distinctRead(distinct, id, column, reading);
    if (read.status === 'skip') continue;
    // NOTE: the read is shared by the rows of this distinct cell: its issues are copied, not filled in.
    for (const details of read.issues) builder.add({ ...details }, column, reading.wholeColumn);
    if (read.status === 'value') {
      const prepared = (distinct.prepared[id] ??= prepareValue(read.value));
      builder.set(column.target.key, read.value, column, false, reading.wholeColumn, prepared);
    }
  }
  for (const entry of mapped) {
    const { column } = entry;
    if (column.target.kind !== 'patch_document') continue;
    const { distinct } = entry;
    const id = distinct === undefined ? -1 : (distinct.ids[rowIndex] ?? 0);
    const document =
      distinct === undefined ? readPatchDocument(entry.cells.get(rowIndex)) : documentOf(distinct, id);
    if (document.status === 'none') continue;
    if (document.status === 'error') {
      builder.add(distinct === undefined ? document.issue : { ...document.issue }, column);
      continue;
    }
    const keys = Object.keys(document.value);
    const prepared = distinct === undefined ? undefined : (distinct.preparedDocuments[id] ??= []);
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      const value = document.value[key];
      if (prepared === undefined) builder.set(key, value, column, true);
      else builder.set(key, value, column, true, undefined, (prepared[index] ??= prepareValue(value)));
    }
  }
  return spanId;
}

function isBlankRow(rowIndex: number, mapped: readonly MappedColumn[]): boolean {
  for (const { cells } of mapped) {
    if (cells.isBlankAt === undefined ? !isBlank(cells.get(rowIndex)) : !cells.isBlankAt(rowIndex))
      return false;
  }
  return true;
}

/** A row's span ID as `computeRow` finds it, without reading its other cells. */
export function spanIdOfRow(rowIndex: number, context: RowContext): string | null {
  if (!context.spanColumn || isBlankRow(rowIndex, context.mapped)) return null;
  return normalizeSpanId(context.spanColumn.cells.get(rowIndex)).spanId;
}

/**
 * A value checked against the depth limit and converted to its stored form, as `RowBuilder.set` does: once per
 * distinct cell. `depth` is the value's depth in the patch when it is too deep (then it is not converted).
 */
export interface PreparedValue {
  depth: number | null;
  converted: StoredFormResult | null;
}

function prepareValue(input: unknown): PreparedValue {
  // NOTE: a value too deep is refused before it is converted: its JSON text could be nested past what a
  // recursive serializer survives (a pasted 100,000-level document). The patch adds one level above the value.
  // Since every row's values are checked here, a span's merged patch is never too deep.
  if (typeof input === 'object' && input !== null && exceedsPatchDepth(1 + jsonDepth(input, MAX_PATCH_DEPTH)))
    return { depth: 1 + jsonDepth(input), converted: null };
  return { depth: null, converted: toStoredForm(input) };
}

/**
 * How much a key adds to a bound on the length of its patch as JSON: a character is written as at most 6
 * (`\u0000`), and a number or the punctuation around a key as at most 30 (`mayExceedLength` in span-patch).
 */
export function entryLengthBound(key: string, stored: StoredValue): number {
  return 6 * key.length + 30 + (typeof stored === 'string' ? 6 * stored.length : 0);
}

/**
 * Collects one row's keys and issues, and its entries when `keepEntries`; a class rather than closures, as it
 * runs for every row. `RowChecker` uses one for all rows (`start` begins each).
 */
class RowBuilder {
  issues: Issue[] = [];
  entries: PatchEntry[] = [];
  notices: Issue[] | null = null;
  errorCount = 0;
  row = 0;
  /**
   * The row's keys so far (the first `keyCount`: the arrays are used again row after row), and for each whether
   * it came from the patch_document, its column and its length bound.
   */
  private readonly keys: string[] = [];
  keyCount = 0;
  private readonly fromDocument: boolean[] = [];
  private readonly columnNames: string[] = [];
  private readonly bounds: number[] = [];
  lengthBound = 2;
  /** Keys already found valid or not (`isValidKey`), by a builder that checks many rows. */
  private readonly validKeys: Map<string, boolean> | null;

  constructor(private readonly keepEntries: boolean) {
    this.validKeys = keepEntries ? null : new Map();
  }

  start(row: number): void {
    this.row = row;
    // NOTE: fresh arrays: a checked row's issues are counted, and the next row's are its own.
    if (this.issues.length > 0) this.issues = [];
    if (this.keepEntries) this.entries = [];
    this.notices = null;
    this.errorCount = 0;
    this.keyCount = 0;
    this.lengthBound = 2;
  }

  /** Adds an issue of the row, or a column notice when its code is a conversion of the whole column. */
  add(details: IssueDetails, column: ColumnSettings, wholeColumn?: ReadonlySet<NoticeCode>): void {
    const issue = makeIssue(details, this.row, column);
    if (wholeColumn !== undefined && wholeColumn.size > 0 && wholeColumn.has(details.code as NoticeCode)) {
      (this.notices ??= []).push(issue);
      return;
    }
    if (issue.severity === 'error') this.errorCount++;
    this.issues.push(issue);
  }

  private isValid(key: string): boolean {
    const known = this.validKeys?.get(key);
    if (known !== undefined) return known;
    const valid = isValidKey(key);
    this.validKeys?.set(key, valid);
    return valid;
  }

  set(
    key: string,
    input: unknown,
    column: ColumnSettings,
    fromPatchDocument: boolean,
    wholeColumn?: ReadonlySet<NoticeCode>,
    prepared?: PreparedValue,
  ): void {
    if (!fromPatchDocument && column.target.kind === 'metadata' && key.trim() === '')
      return this.add({ code: 'unnamed_key' }, column);
    if (!this.isValid(key)) return this.add({ code: 'invalid_key', key }, column);
    const { depth, converted } = prepared ?? prepareValue(input);
    if (converted === null) return this.add({ code: 'patch_too_deep', key, depth: depth ?? 0 }, column);
    if (!converted.ok) return this.add({ code: converted.error, key, text: describeValue(input) }, column);
    if (converted.warning === 'bool_to_string')
      this.add({ code: 'bool_to_string', key, value: input === true }, column, wholeColumn);
    else if (converted.warning === 'json_to_string' && fromPatchDocument)
      // An object or list under a key of patch_document is counted into that key's notice, never a warning of
      // the row: a pandas column of dicts would otherwise warn on every row.
      (this.notices ??= []).push(makeIssue({ code: 'json_to_string', key }, this.row, column));
    else if (converted.warning !== null) this.add({ code: converted.warning, key }, column, wholeColumn);
    const bound = entryLengthBound(key, converted.stored);
    const entry: PatchEntry | null = this.keepEntries
      ? {
          key,
          input,
          stored: converted.stored,
          row: this.row,
          columnId: column.id,
          column: column.name,
          fromPatchDocument,
        }
      : null;
    // NOTE: a row has a handful of keys, so a linear search beats a Map per row.
    let index = this.keyCount - 1;
    while (index >= 0 && this.keys[index] !== key) index--;
    // NOTE: test the index before reading: `entries[-1]` leaves the fast path of array reads (620 ms at 1M rows).
    if (index < 0) {
      const at = this.keyCount++;
      this.keys[at] = key;
      this.fromDocument[at] = fromPatchDocument;
      this.columnNames[at] = column.name;
      this.bounds[at] = bound;
      this.lengthBound += bound;
      if (entry !== null) this.entries.push(entry);
      return;
    }
    if (fromPatchDocument && !this.fromDocument[index]) {
      const overriddenColumn = this.columnNames[index] ?? '';
      this.add({ code: 'overridden_by_patch_document', key, overriddenColumn }, column);
    }
    this.fromDocument[index] = fromPatchDocument;
    this.columnNames[index] = column.name;
    this.lengthBound += bound - (this.bounds[index] ?? 0);
    this.bounds[index] = bound;
    if (entry !== null) this.entries[index] = entry;
  }
}

export type PatchDocumentRead =
  | { status: 'none' }
  | { status: 'object'; value: Record<string, unknown> }
  | { status: 'error'; issue: Extract<IssueDetails, { code: 'parse_failure' | 'patch_failure' }> };

/** Reads a patch_document cell: blank is no document; text must parse as JSON and be a JSON object. */
export function readPatchDocument(cell: CellValue): PatchDocumentRead {
  if (cell === undefined || isBlank(cell)) return { status: 'none' };
  let value: unknown = cell;
  if (typeof cell === 'string') {
    const parsed = parseJson(cell.trim());
    if (!parsed.ok) return { status: 'error', issue: { code: 'parse_failure', reason: parsed.message } };
    value = parsed.value;
  }
  if (isJsonObject(value)) return { status: 'object', value };
  return { status: 'error', issue: { code: 'patch_failure', reason: `it is ${describeJsonKind(value)}` } };
}
