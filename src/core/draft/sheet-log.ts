import { z } from 'zod';
import { columnSettingsSchema } from '@/core/columns';
import { type CellValue, plural } from '@/core/import';
import { ColumnCells, type PackedCells, type SheetEdit, sheetEditSchema, SheetModel } from '@/core/sheet';
import { MAX_DRAFT_ROWS, sheetSourceSchema, type SheetDraftSource } from './restore-sheet';

/**
 * Autosave format 2: a sheet saved as a log. The columns as imported (or as they were when the log last started
 * afresh) are saved once, packed (`PackedCells`, one record per column), and each edit after is appended (a
 * record per save, holding the edits made since the one before). `SheetLogHead` says which records make the sheet.
 * Older drafts (format 1, the whole sheet rewritten at every save) reach it through `draft-migrations.ts`.
 */
export const SHEET_LOG_FORMAT = 2;

const cellSchema = z.custom<CellValue>((value) => typeof value !== 'function' && typeof value !== 'symbol');

export const sheetLogHeadSchema = z.object({
  format: z.literal(SHEET_LOG_FORMAT),
  /** Names the records of this log: `logKeys(id)`. */
  id: z.string().min(1),
  /** The columns of the packed cells, before any edit. */
  columns: z.array(columnSettingsSchema),
  rowCount: z.number().int().nonnegative().max(MAX_DRAFT_ROWS),
  /** How many records of edits follow the columns. */
  logLength: z.number().int().nonnegative(),
  source: sheetSourceSchema,
  dirty: z.boolean(),
  savedAt: z.string().optional(),
});

/** The record that says which records make the saved sheet. */
export type SheetLogHead = z.infer<typeof sheetLogHeadSchema>;

const packedCellsSchema: z.ZodType<PackedCells> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('text'),
    text: z.string(),
    // NOTE: by its tag, not `instanceof`: storage may hand back an array of another realm.
    offsets: z.custom<Uint32Array>(
      (value) => Object.prototype.toString.call(value) === '[object Uint32Array]',
    ),
    changed: z.array(z.tuple([z.number().int().nonnegative(), cellSchema])),
  }),
  z.object({ kind: z.literal('values'), values: z.array(cellSchema) }),
]) as z.ZodType<PackedCells>;

const editBatchSchema = z.array(sheetEditSchema);

/** The keys of a log's records: one per column, then one per save of edits. */
export function logKeys(id: string) {
  return {
    prefix: `log:${id}:`,
    column: (index: number) => `log:${id}:column:${String(index).padStart(4, '0')}`,
    edits: (index: number) => `log:${id}:edits:${String(index).padStart(8, '0')}`,
  };
}

/** A sheet opened from its log: the model, where it came from, and what could not be replayed. */
export interface OpenedLog {
  model: SheetModel;
  source: SheetDraftSource;
  dirty: boolean;
  /** What was repaired to open it, in plain words; empty for a sound log. */
  repairs: string[];
  /** Edits saved that could not be replayed (the log is then set aside too, so nothing is lost). */
  lostEdits: number;
}

export type LogRestore = ({ ok: true } & OpenedLog) | { ok: false; reason: string };

/** Why one packed column cannot be read, or null when it can. */
function columnProblem(cells: PackedCells, rows: number): string | null {
  if (cells.kind === 'values') return cells.values.length === rows ? null : 'does not have one cell per row';
  const { offsets, text } = cells;
  if (offsets.length !== rows + 1) return 'does not have one cell per row';
  let previous = 0;
  for (const offset of offsets) {
    if (offset < previous || offset > text.length) return 'has cells outside its text';
    previous = offset;
  }
  return cells.changed.some(([row]) => row >= rows) ? 'has an edited cell past its last row' : null;
}

/**
 * Opens a sheet saved as a log (format 2): checks the head and the packed columns at the boundary, computes the
 * sheet, then replays the saved edits in order. An edit that cannot be replayed stops the replay there (the
 * sheet is as it was before it) and is counted in `lostEdits`; a head or column that cannot be read refuses the
 * whole log, with the reason.
 */
export function openSheetLog(
  rawHead: unknown,
  rawColumns: readonly unknown[],
  rawEdits: readonly unknown[],
): LogRestore {
  const head = sheetLogHeadSchema.safeParse(rawHead);
  if (!head.success)
    return {
      ok: false,
      reason: `Its description could not be read (${head.error.issues[0]?.message ?? 'invalid'}).`,
    };
  const { columns, rowCount, logLength, source, dirty } = head.data;
  if (new Set(columns.map((column) => column.id)).size !== columns.length)
    return { ok: false, reason: 'Two of its columns have the same id.' };
  if (rawColumns.length !== columns.length)
    return {
      ok: false,
      reason: `It has the cells of ${plural(rawColumns.length, 'column')} for ${plural(columns.length, 'column')}.`,
    };
  const cells: ColumnCells[] = [];
  for (const [index, raw] of rawColumns.entries()) {
    const parsed = packedCellsSchema.safeParse(raw);
    const problem = parsed.success ? columnProblem(parsed.data, rowCount) : 'could not be read';
    if (!parsed.success || problem !== null)
      return {
        ok: false,
        reason: `The cells of column ${index + 1} (${columns[index]?.name ?? ''}) ${problem}.`,
      };
    cells.push(ColumnCells.unpack(parsed.data, rowCount));
  }
  let model: SheetModel;
  try {
    model = new SheetModel(columns, cells, rowCount);
  } catch (error) {
    return {
      ok: false,
      reason: `It could not be opened as a sheet: ${error instanceof Error ? error.message : String(error)}.`,
    };
  }
  const repairs: string[] = [];
  let lostEdits = 0;
  let replaying = true;
  for (let index = 0; index < logLength; index++) {
    const batch = editBatchSchema.safeParse(rawEdits[index]);
    const edits: SheetEdit[] = batch.success ? batch.data : [];
    if (!batch.success) {
      replaying = false;
      lostEdits += Array.isArray(rawEdits[index]) ? (rawEdits[index] as unknown[]).length : 1;
      continue;
    }
    for (const edit of edits) {
      if (!replaying) {
        lostEdits++;
        continue;
      }
      try {
        model.apply(edit);
      } catch {
        replaying = false;
        lostEdits++;
      }
    }
  }
  if (lostEdits > 0)
    repairs.push(
      `${plural(lostEdits, 'edit')} saved last could not be replayed; the sheet is as it was before ${lostEdits === 1 ? 'it' : 'them'}, and the saved log is kept to download.`,
    );
  return { ok: true, model, source, dirty, repairs, lostEdits };
}
