import { z } from 'zod';
import { type ColumnSettings, type ColumnSettingsPatch, columnSettingsSchema } from '@/core/columns';
import type { CellValue } from '@/core/import';

/** One row's cells by column id, as carried by row insertions and deletions. */
export type RowValues = Record<string, CellValue>;
/** One cell to set: 0-based row index and the column's id. */
export interface CellChange {
  row: number;
  columnId: string;
  value: CellValue;
}
export type ColumnChanges = ColumnSettingsPatch;

/** Every change a user can make to a sheet, as data: the inverse of each is an edit too (undo, redo). */
export type SheetEdit =
  | { kind: 'set_cells'; cells: CellChange[] }
  | { kind: 'insert_rows'; at: number; rows: RowValues[] }
  | { kind: 'delete_rows'; at: number; count: number }
  | { kind: 'add_column'; at: number; column: ColumnSettings; cells?: CellValue[] }
  | { kind: 'remove_column'; columnId: string }
  | { kind: 'update_column'; columnId: string; changes: ColumnChanges };

/** What an edit changed, so a view re-renders only that: 0-based row indexes, span IDs, column ids. */
export interface SheetChanges {
  rows: number[] | 'all';
  spans: string[] | 'all';
  columns: string[] | 'all';
}

export interface EditResult {
  inverse: SheetEdit;
  changes: SheetChanges;
}

/** Everything changed: after an edit that moves rows or reconfigures columns. */
export const ALL_CHANGED: SheetChanges = Object.freeze({ rows: 'all', spans: 'all', columns: 'all' });

const cellSchema = z.custom<CellValue>((value) => typeof value !== 'function' && typeof value !== 'symbol');
const rowIndexSchema = z.number().int().nonnegative();

/**
 * An edit as stored in an autosave log, checked when it is read back (a log written by this version, or by a
 * browser extension meddling with IndexedDB).
 */
export const sheetEditSchema: z.ZodType<SheetEdit> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('set_cells'),
    cells: z.array(z.object({ row: rowIndexSchema, columnId: z.string(), value: cellSchema })),
  }),
  z.object({
    kind: z.literal('insert_rows'),
    at: rowIndexSchema,
    rows: z.array(z.record(z.string(), cellSchema)),
  }),
  z.object({ kind: z.literal('delete_rows'), at: rowIndexSchema, count: rowIndexSchema }),
  z.object({
    kind: z.literal('add_column'),
    at: rowIndexSchema,
    column: columnSettingsSchema,
    cells: z.array(cellSchema).optional(),
  }),
  z.object({ kind: z.literal('remove_column'), columnId: z.string() }),
  z.object({
    kind: z.literal('update_column'),
    columnId: z.string(),
    changes: columnSettingsSchema.omit({ id: true }).partial(),
  }),
]) as z.ZodType<SheetEdit>;
