import { firstControlCharacter, invalidKeyReason } from '@/core/api';
import { type ColumnSettings, type ColumnType, METADATA_PREFIX, SPAN_ID_COLUMN } from '@/core/columns';
import type { CellValue } from '@/core/import';
import type { StoredPatch, StoredType, StoredValue } from '@/core/patch';
import type { RowValues, SheetEdit } from './sheet-edits';
import type { SheetModel } from './sheet-model';

/**
 * The headers of the two columns that keep where a row came from: the span's name and its OpenInference kind.
 * They are ignored on submit (like any unmapped column), and named as Phoenix's span dataframes name them.
 */
export const SPAN_NAME_COLUMN = 'name';
export const SPAN_KIND_COLUMN = 'span_kind';

/** A span brought into a sheet: its ID, its name and kind (null when not known), and its current metadata. */
export interface SpanForSheet {
  span_id: string;
  name: string | null;
  kind: string | null;
  /** The span's metadata now; null when the span was not found. */
  metadata: Readonly<StoredPatch> | null;
}

/** A metadata key brought in as a column, filled with each span's current value; `type` is its project type. */
export interface BroughtKey {
  key: string;
  type: StoredType | null;
}

/** A key set to one value on every span; `type` is its type in the project, null for a new key. */
export interface NewKeyValue {
  key: string;
  value: string;
  type: StoredType | null;
}

/** A sheet's columns and rows of text cells, aligned with the columns, as `SheetModel.fromRows` takes them. */
export interface SpansSheet {
  columns: ColumnSettings[];
  rows: CellValue[][];
}

/**
 * The column type that reads a key's text back as the project stores it: text for a Utf8 key (so "007" or
 * "true" stay text), a number for a numeric key, inferred for a key without a type yet.
 */
export function columnTypeOf(type: StoredType | null): ColumnType {
  if (type === 'Utf8') return 'string';
  if (type === 'Int64' || type === 'Float64') return 'number';
  return 'auto';
}

/**
 * A stored value as the text a sheet cell holds. NOTE: null, like a missing key, is a blank cell, which leaves the
 * key as it is: a `null` cell would write null again and warn on every such span that null keeps the key.
 */
export function storedValueCell(value: StoredValue | undefined): CellValue {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' ? String(value) : value;
}

function column(
  id: string,
  name: string,
  target: ColumnSettings['target'],
  type: ColumnType,
): ColumnSettings {
  return { id, name, target, type, blankPolicy: 'skip', origin: 'text' };
}

/**
 * Turns spans into a sheet: the span ID, its name and kind (kept in ignored columns), a column per brought key
 * filled with each span's current value, and a column per new key with its one value on every row. A new key
 * that is also brought wins: its column holds the new value. Rows follow the order of `spans`.
 */
export function spansToSheet(
  spans: readonly SpanForSheet[],
  keys: readonly BroughtKey[],
  newKeys: readonly NewKeyValue[],
): SpansSheet {
  const newValues = new Map(newKeys.map((entry) => [entry.key, entry]));
  const brought = keys.filter((entry, index) => {
    const first = keys.findIndex((other) => other.key === entry.key) === index;
    return first && !newValues.has(entry.key);
  });
  const added = [...newValues.values()];
  const columns: ColumnSettings[] = [
    column('c0', SPAN_ID_COLUMN, { kind: 'span_id' }, 'auto'),
    column('c1', SPAN_NAME_COLUMN, { kind: 'ignore' }, 'auto'),
    column('c2', SPAN_KIND_COLUMN, { kind: 'ignore' }, 'auto'),
    ...[...brought, ...added].map((entry, index) =>
      column(
        `c${index + 3}`,
        METADATA_PREFIX + entry.key,
        { kind: 'metadata', key: entry.key },
        columnTypeOf(entry.type),
      ),
    ),
  ];
  const rows = spans.map((span): CellValue[] => [
    span.span_id,
    span.name ?? undefined,
    span.kind ?? undefined,
    ...brought.map((entry) =>
      span.metadata && Object.hasOwn(span.metadata, entry.key)
        ? storedValueCell(span.metadata[entry.key])
        : undefined,
    ),
    ...added.map((entry) => entry.value),
  ]);
  return { columns, rows };
}

/** The column of an existing sheet that takes a column of `SpansSheet` when appending, if there is one. */
function matchingColumn(
  columns: readonly ColumnSettings[],
  wanted: ColumnSettings,
): ColumnSettings | undefined {
  const { target } = wanted;
  switch (target.kind) {
    case 'span_id':
      return columns.find((existing) => existing.target.kind === 'span_id');
    case 'metadata':
      return columns.find(
        (existing) => existing.target.kind === 'metadata' && existing.target.key === target.key,
      );
    default:
      return columns.find(
        (existing) => existing.target.kind === 'ignore' && existing.name.trim() === wanted.name,
      );
  }
}

/**
 * The edits that append a `SpansSheet` to an existing sheet, as one step of undo: each of its columns goes into
 * the sheet's column with the same target (the span ID, the same metadata key, or the same ignored header), or
 * into a new column at the end; then its rows are added below the sheet's rows.
 */
export function appendSheetEdits(
  model: Pick<SheetModel, 'columns' | 'rowCount'>,
  sheet: SpansSheet,
): SheetEdit[] {
  const usedIds = new Set(model.columns.map((existing) => existing.id));
  const freshId = () => {
    let index = usedIds.size;
    while (usedIds.has(`c${index}`)) index++;
    usedIds.add(`c${index}`);
    return `c${index}`;
  };
  const edits: SheetEdit[] = [];
  const ids = sheet.columns.map((wanted) => {
    const existing = matchingColumn(model.columns, wanted);
    if (existing) return existing.id;
    const id = freshId();
    edits.push({ kind: 'add_column', at: model.columns.length + edits.length, column: { ...wanted, id } });
    return id;
  });
  const rows = sheet.rows.map((cells) => {
    const values: RowValues = {};
    cells.forEach((cell, index) => {
      const id = ids[index];
      if (cell !== undefined && id !== undefined) values[id] = cell;
    });
    return values;
  });
  if (rows.length > 0) edits.push({ kind: 'insert_rows', at: model.rowCount, rows });
  return edits;
}

/** A problem with the new keys the user typed, in plain words naming the key's row (1-based). */
export function newKeyProblems(newKeys: readonly { key: string; value: string }[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  newKeys.forEach((entry, index) => {
    const row = index + 1;
    const key = entry.key.trim();
    if (key === '') {
      problems.push(`New key ${row} has no name.`);
      return;
    }
    const reason = invalidKeyReason(key);
    if (reason === 'too_long') problems.push(`New key ${row} is longer than 256 characters.`);
    else if (reason === 'control_character') {
      problems.push(
        `New key ${row} holds a control character (${firstControlCharacter(key) ?? ''}), which a key cannot hold.`,
      );
    } else if (reason !== null) problems.push(`New key ${row} cannot be named '${key}'.`);
    if (entry.value.trim() === '') problems.push(`New key ${row} ('${key}') has no value.`);
    const first = seen.get(key);
    if (first !== undefined) problems.push(`New key ${row} repeats '${key}' (new key ${first}).`);
    else seen.set(key, row);
  });
  return problems;
}

/**
 * Where each span of a sheet came from, as `spansToSheet` recorded it: span ID → the name and kind in the first
 * row of the span that has them. Empty when the sheet has no `name` / `span_kind` columns.
 */
export function spanOrigins(model: SheetModel): Map<string, { name: string; kind: string }> {
  const spanColumn = model.columns.find((existing) => existing.target.kind === 'span_id');
  const nameColumn = model.columns.find(
    (existing) => existing.target.kind === 'ignore' && existing.name.trim() === SPAN_NAME_COLUMN,
  );
  const kindColumn = model.columns.find(
    (existing) => existing.target.kind === 'ignore' && existing.name.trim() === SPAN_KIND_COLUMN,
  );
  const origins = new Map<string, { name: string; kind: string }>();
  if (!spanColumn || (!nameColumn && !kindColumn)) return origins;
  const text = (cell: CellValue) => (typeof cell === 'string' ? cell.trim() : '');
  for (let row = 0; row < model.rowCount; row++) {
    const spanId = text(model.cell(row, spanColumn.id));
    if (spanId === '' || origins.has(spanId)) continue;
    const name = nameColumn ? text(model.cell(row, nameColumn.id)) : '';
    const kind = kindColumn ? text(model.cell(row, kindColumn.id)) : '';
    if (name !== '' || kind !== '') origins.set(spanId, { name, kind });
  }
  return origins;
}
