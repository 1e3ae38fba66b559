import { z } from 'zod';
import { type ColumnSettings, columnSettingsSchema } from '@/core/columns';
import { type CellValue, MAX_IMPORT_ROWS, plural } from '@/core/import';
import { capitalize, describeColumn, describeValue, isPlainObject, isRecord, quote } from './draft-words';
import { giveUniqueIds, ignoredColumn, readColumn } from './restore-columns';

/**
 * The format autosave wrote before it kept a log (format 2, `sheet-log.ts`): the whole sheet in one record. It is
 * only read now, by the migration to format 2 (`draft-migrations.ts`), so every draft a past version wrote keeps
 * opening; a draft without a format number is read as format 1.
 */
export const SHEET_DRAFT_FORMAT = 1;

/**
 * The most rows a restored draft may have: room for rows added by hand past an import's limit, yet a bound a
 * browser tab can allocate. A draft claiming more is refused, not read.
 */
export const MAX_DRAFT_ROWS = 2 * MAX_IMPORT_ROWS;

export const sheetSourceSchema = z.object({
  name: z.string(),
  kind: z.enum(['new', 'file', 'paste', 'sample', 'restored', 'failed-rows', 'spans']),
});

/** Where a sheet came from, kept with its draft. */
export type SheetDraftSource = z.infer<typeof sheetSourceSchema>;

const cellsSchema = z.array(z.custom<CellValue>((value) => typeof value !== 'function'));

/** The sheet draft autosave keeps (format 1): columns and their settings, cells column by column, and its origin. */
export const sheetDraftSchema = z
  .object({
    format: z.literal(SHEET_DRAFT_FORMAT),
    columns: z.array(columnSettingsSchema),
    /** One array per column, aligned with `columns`, each `rowCount` long. */
    cells: z.array(cellsSchema),
    rowCount: z.number().int().nonnegative(),
    source: sheetSourceSchema,
    /** True when the user changed the sheet since its import, new sheet or restore. */
    dirty: z.boolean(),
    savedAt: z.string().optional(),
  })
  .superRefine((draft, context) => {
    const ids = new Set(draft.columns.map((column) => column.id));
    if (ids.size !== draft.columns.length)
      context.addIssue({ code: 'custom', message: 'Column ids must be unique' });
    if (draft.cells.length !== draft.columns.length)
      context.addIssue({ code: 'custom', message: 'There must be one list of cells per column' });
    if (draft.cells.some((cells) => cells.length !== draft.rowCount))
      context.addIssue({ code: 'custom', message: 'Each column must have one cell per row' });
  });

/** A sheet draft as autosave keeps it, and as `restoreSheet` returns it: valid, ready for a `SheetModel`. */
export type SheetDraft = z.infer<typeof sheetDraftSchema>;

/** What `restoreSheet` made of a stored draft: a valid draft (with what it repaired), or why it could not. */
export type SheetRestore =
  { ok: true; draft: SheetDraft; repairs: string[] } | { ok: false; reason: string; raw: unknown };

/** Thrown inside the reader when a draft cannot be restored; `restoreSheet` turns it into its result. */
class Unrestorable extends Error {}

/**
 * Turns whatever the browser's storage holds into a valid sheet draft, as Excalidraw's `restore` does with a
 * scene: what can be repaired is (a missing setting gets its default, an unknown column type reads as `auto`,
 * short columns are padded, cells that are not text in a text column become their text) and each repair is
 * said in plain words; what cannot is refused with the reason, and the raw draft is handed back untouched so
 * it can be downloaded. Repairs never drop a cell: cells without column settings are kept in ignored columns,
 * and a draft with cells that cannot be read is refused instead.
 */
export function restoreSheet(raw: unknown): SheetRestore {
  try {
    const repairs: string[] = [];
    const draft = readDraft(raw, repairs);
    return { ok: true, draft, repairs };
  } catch (error) {
    if (error instanceof Unrestorable) return { ok: false, reason: error.message, raw };
    throw error;
  }
}

function readDraft(raw: unknown, repairs: string[]): SheetDraft {
  if (raw === undefined || raw === null) throw new Unrestorable('It is empty.');
  if (!isRecord(raw)) throw new Unrestorable(`It is ${describeValue(raw)}, not a sheet.`);
  const format = raw.format;
  if (format === undefined) {
    repairs.push(`It had no format number; it was read as format ${SHEET_DRAFT_FORMAT}.`);
  } else if (typeof format === 'number' && Number.isInteger(format) && format > SHEET_DRAFT_FORMAT) {
    throw new Unrestorable(
      `It was saved by a newer version of Spanpatch (format ${format}); this version reads format ${SHEET_DRAFT_FORMAT}.`,
    );
  } else if (format !== SHEET_DRAFT_FORMAT) {
    throw new Unrestorable(`Its format (${describeValue(format)}) is not one Spanpatch has written.`);
  }
  return readFormat1(raw, repairs);
}

function readFormat1(raw: Record<string, unknown>, repairs: string[]): SheetDraft {
  const rawColumns = raw.columns;
  if (rawColumns === undefined || rawColumns === null) throw new Unrestorable('It has no columns.');
  if (!Array.isArray(rawColumns))
    throw new Unrestorable(`Its columns are ${describeValue(rawColumns)}, not a list.`);

  const rawCells = raw.cells ?? [];
  if (!Array.isArray(rawCells))
    throw new Unrestorable(`Its cells are ${describeValue(rawCells)}, not a list.`);
  if (raw.cells == null && rawColumns.length > 0)
    repairs.push('It had no cells; its columns are restored with blank rows.');

  const columnCount = Math.max(rawColumns.length, rawCells.length);
  const cellLists: unknown[][] = [];
  for (let index = 0; index < columnCount; index++) {
    cellLists.push(readCellList(rawCells[index], index, nameOf(rawColumns[index])));
  }

  const readable = rawColumns.map((entry, index) =>
    readColumn(entry, index, cellLists[index] ?? [], repairs),
  );
  if (rawColumns.length > 0 && readable.every((column) => column === null)) {
    throw new Unrestorable(`None of its ${plural(rawColumns.length, 'column')} could be read.`);
  }

  // Each column kept, with the index of its cells in the draft: cells past the last column are kept in columns
  // of their own unless they are all blank.
  const kept = readable.map((column, index) => ({ column, index }));
  let emptyExtras = 0;
  for (let index = rawColumns.length; index < columnCount; index++) {
    if (lastFilledRow(cellLists[index] ?? []) > 0) kept.push({ column: null, index });
    else emptyExtras++;
  }
  const unsettled = kept.filter(({ column }) => column === null).map(({ index }) => index);
  if (unsettled.length > 0) {
    const one = unsettled.length === 1;
    repairs.push(
      `${describeColumns(unsettled)} had no settings that could be read; ${one ? 'its' : 'their'} cells are kept in ${
        one ? 'an ignored column' : 'ignored columns'
      }.`,
    );
  }
  if (emptyExtras > 0) {
    repairs.push(
      `It had ${plural(emptyExtras, 'empty list')} of cells without a column; they were left out.`,
    );
  }

  const keptLists = kept.map(({ index }) => cellLists[index] ?? []);
  const settled = giveUniqueIds(
    kept.map(({ column, index }) => column ?? ignoredColumn(index, cellLists[index] ?? [])),
    repairs,
  );
  const rowCount = readRowCount(raw.rowCount, keptLists, repairs);
  const cells = settled.map((column, position) =>
    readCells(keptLists[position] ?? [], column, kept[position]?.index ?? position, rowCount, repairs),
  );

  return {
    format: SHEET_DRAFT_FORMAT,
    columns: settled,
    cells,
    rowCount,
    source: readSource(raw.source, repairs),
    dirty: readDirty(raw.dirty, repairs),
    ...(typeof raw.savedAt === 'string' ? { savedAt: raw.savedAt } : {}),
  };
}

/** One column's list of cells: missing is empty; anything but a list, or a list too long to hold, is refused. */
function readCellList(value: unknown, index: number, name: string | null): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new Unrestorable(
      `The cells of ${describeColumn(index, name)} are ${describeValue(value)}, not a list.`,
    );
  if (value.length > MAX_DRAFT_ROWS) {
    throw new Unrestorable(
      `${capitalize(describeColumn(index, name))} has ${plural(value.length, 'cell')}, more than a sheet holds (${MAX_DRAFT_ROWS.toLocaleString('en-US')} rows).`,
    );
  }
  return value;
}

/**
 * The number of rows: as the draft says, but never fewer than its last non-blank cell needs (so no cell is
 * dropped); when the draft's number cannot be right, as many as its longest column.
 */
function readRowCount(value: unknown, lists: readonly (readonly unknown[])[], repairs: string[]): number {
  const filled = lists.reduce((most, list) => Math.max(most, lastFilledRow(list)), 0);
  const valid =
    typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_DRAFT_ROWS;
  if (valid) {
    if (filled > value) {
      repairs.push(
        `It said it had ${plural(value, 'row')} but holds cells down to row ${filled}; it has ${plural(filled, 'row')} now.`,
      );
      return filled;
    }
    return value;
  }
  const longest = lists.reduce((most, list) => Math.max(most, list.length), 0);
  repairs.push(
    value === undefined
      ? `It had no row count; it has ${plural(longest, 'row')}, as many as its longest column.`
      : `Its row count (${describeValue(value)}) cannot be right; it has ${plural(longest, 'row')}, as many as its longest column.`,
  );
  return longest;
}

/** A column's cells, `rowCount` long, each one a value the column's origin holds. */
function readCells(
  list: readonly unknown[],
  column: ColumnSettings,
  index: number,
  rowCount: number,
  repairs: string[],
): CellValue[] {
  const cells = new Array<CellValue>(rowCount);
  let asText = 0;
  let dates = 0;
  const end = Math.min(list.length, rowCount);
  for (let row = 0; row < end; row++) {
    const value = list[row];
    if (value === undefined || value === null || typeof value === 'string') {
      cells[row] = value;
      continue;
    }
    if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') {
      cells[row] = dateText(value, row, column, index);
      dates++;
      continue;
    }
    const typed = typedCell(value, row, column, index);
    if (column.origin === 'typed') {
      cells[row] = typed;
    } else {
      cells[row] = textOf(typed, row, column, index);
      asText++;
    }
  }
  const where = describeColumn(index, column.name);
  if (asText > 0) {
    repairs.push(
      `${capitalize(where)} holds text but had ${plural(asText, 'cell')} with numbers, true/false or JSON; ${
        asText === 1 ? 'it is' : 'they are'
      } text now.`,
    );
  }
  if (dates > 0)
    repairs.push(
      `${capitalize(where)} had ${plural(dates, 'date')}; ${dates === 1 ? 'it is' : 'they are'} text now.`,
    );
  if (list.length < rowCount && list.length > 0) {
    repairs.push(
      `${capitalize(where)} had ${plural(list.length, 'cell')} for ${plural(rowCount, 'row')}; the rest are blank.`,
    );
  }
  return cells;
}

/** A cell a typed column holds (number, true/false, JSON); anything else cannot be kept, and refuses the draft. */
function typedCell(value: unknown, row: number, column: ColumnSettings, index: number): CellValue {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return value;
  if (Array.isArray(value) || isPlainObject(value)) return value;
  throw new Unrestorable(
    `Row ${row + 1} of ${describeColumn(index, column.name)} holds ${describeValue(value)}, which a sheet cannot hold.`,
  );
}

/** The text of a typed value, as the grid shows it (JSON for objects and lists). */
function textOf(value: CellValue, row: number, column: ColumnSettings, index: number): string {
  if (typeof value === 'object' && value !== null) {
    const text = jsonText(value);
    if (text === null) {
      throw new Unrestorable(
        `Row ${row + 1} of ${describeColumn(index, column.name)} holds a value that cannot be written as text.`,
      );
    }
    return text;
  }
  return String(value);
}

function dateText(value: object, row: number, column: ColumnSettings, index: number): string {
  const time = Date.prototype.getTime.call(value);
  if (Number.isNaN(time)) {
    throw new Unrestorable(`Row ${row + 1} of ${describeColumn(index, column.name)} holds an invalid date.`);
  }
  return new Date(time).toISOString();
}

function readSource(value: unknown, repairs: string[]): SheetDraftSource {
  const parsed = sheetSourceSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const name = isRecord(value) && typeof value.name === 'string' ? value.name : 'Restored sheet';
  repairs.push(`Where it came from could not be read; it is called ${quote(name)}.`);
  return { name, kind: 'restored' };
}

function readDirty(value: unknown, repairs: string[]): boolean {
  if (typeof value === 'boolean') return value;
  repairs.push('Whether it had edits could not be read; it counts as edited, so replacing it asks first.');
  return true;
}

/** 1 + the index of the last cell that is not blank (missing or empty text), or 0 when all are blank. */
function lastFilledRow(list: readonly unknown[]): number {
  for (let row = list.length - 1; row >= 0; row--) {
    const value = list[row];
    if (value === undefined) continue;
    if (typeof value === 'string' && value.trim() === '') continue;
    return row + 1;
  }
  return 0;
}

/**
 * The draft as JSON text, for the user to download when it cannot be restored: big integers as their digits,
 * maps and sets as lists, and a value that refers back to itself as "[circular]", so any stored value can be written.
 */
export function draftAsJson(raw: unknown): string {
  const plain = (_key: string, value: unknown): unknown => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Map) return [...value];
    if (value instanceof Set) return [...value];
    return value;
  };
  try {
    return JSON.stringify(raw, plain) ?? 'null';
  } catch {
    // NOTE: only a value that refers back to itself gets here. The path from the top to the value being written
    // is tracked (as written, and as stored), so parts that are merely repeated are written again.
    const holders: unknown[] = [];
    const originals: unknown[] = [];
    const guarded = function (this: unknown, key: string, value: unknown): unknown {
      while (holders.length > 0 && holders.at(-1) !== this) {
        holders.pop();
        originals.pop();
      }
      if (typeof value === 'object' && value !== null && originals.includes(value)) return '[circular]';
      const written = plain(key, value);
      if (typeof written === 'object' && written !== null) {
        holders.push(written);
        originals.push(value);
      }
      return written;
    };
    return JSON.stringify(raw, guarded) ?? 'null';
  }
}

function jsonText(value: object): string | null {
  try {
    return JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === 'bigint' ? inner.toString() : inner,
    );
  } catch {
    return null;
  }
}

function nameOf(entry: unknown): string | null {
  return isRecord(entry) && typeof entry.name === 'string' ? entry.name : null;
}

function describeColumns(indexes: readonly number[]): string {
  const numbers = indexes.map((index) => index + 1);
  if (numbers.length === 1) return `Column ${numbers[0]}`;
  return `Columns ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`;
}
