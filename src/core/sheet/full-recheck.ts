import type { ColumnSettings } from '@/core/columns';
import type { CellValue } from '@/core/import';
import { assertUnreachable } from '@/core/text';
import { isDisplayOnlyChange } from './column-reading';
import type { CellChange, SheetEdit } from './sheet-edits';

/** What telling an edit's cost reads of a sheet (`SheetModel`). */
export interface RecheckView {
  readonly columns: readonly ColumnSettings[];
  readonly rowCount: number;
  cell(row: number, columnId: string): CellValue;
  /** Whether cells changing in a column (`[old, next]` pairs, in order) change the type it is read as. */
  columnWouldFlip(columnId: string, changes: readonly [CellValue, CellValue][]): boolean;
}

/** Rows an edit of cells must reach (and a quarter of the sheet) to be checked by recomputing every row. */
export const BULK_EDIT_ROWS = 5_000;

/**
 * True when setting these cells is a bulk edit (a fill or a paste down a large part of the sheet): recomputing every
 * row once is then faster than taking each row's results back and computing them again, and on a large sheet it
 * is done off the page.
 */
export function isBulkCellEdit(rowCount: number, cells: readonly CellChange[]): boolean {
  if (cells.length < BULK_EDIT_ROWS) return false;
  const rows = new Set<number>();
  for (const cell of cells) rows.add(cell.row);
  return rows.size >= BULK_EDIT_ROWS && rows.size * 4 >= rowCount;
}

/**
 * Whether applying an edit recomputes the whole sheet, as `SheetModel.apply` would: rows added or removed in the
 * middle, columns added, removed or reconfigured, cells set in bulk (`isBulkCellEdit`), or cells that change the
 * type a column is read as. Tells it
 * beforehand, without changing the sheet (a property test checks it against what `apply` does).
 */
export function needsFullRecheck(sheet: RecheckView, edit: SheetEdit): boolean {
  const rows = sheet.rowCount;
  switch (edit.kind) {
    case 'set_cells':
      return isBulkCellEdit(rows, edit.cells) || cellsWouldFlip(sheet, edit.cells);
    case 'insert_rows': {
      if (edit.at !== rows) return true;
      const cells = edit.rows.flatMap((values, offset) =>
        Object.entries(values).map(([columnId, value]) => ({ row: rows + offset, columnId, value })),
      );
      return cellsWouldFlip(sheet, cells);
    }
    case 'delete_rows': {
      if (edit.at + edit.count !== rows) return true;
      const cells: CellChange[] = [];
      for (let row = edit.at; row < rows; row++)
        for (const column of sheet.columns) cells.push({ row, columnId: column.id, value: undefined });
      return cellsWouldFlip(sheet, cells);
    }
    case 'add_column':
    case 'remove_column':
      return true;
    case 'update_column': {
      const column = sheet.columns.find((candidate) => candidate.id === edit.columnId);
      const onlyName = Object.keys(edit.changes).every((key) => key === 'name');
      if (onlyName && column?.target.kind === 'ignore') return false;
      return !isDisplayOnlyChange(edit.changes);
    }
    default:
      return assertUnreachable(edit);
  }
}

/** Whether setting these cells flips the type a column is read as (rows added at the bottom start blank). */
function cellsWouldFlip(sheet: RecheckView, cells: readonly CellChange[]): boolean {
  const current = new Map<string, CellValue>();
  const byColumn = new Map<string, [CellValue, CellValue][]>();
  for (const { row, columnId, value } of cells) {
    const key = `${row}:${columnId}`;
    // A cell set twice changes from what the first change left.
    const old = current.has(key)
      ? current.get(key)
      : row < sheet.rowCount
        ? sheet.cell(row, columnId)
        : undefined;
    current.set(key, value);
    const list = byColumn.get(columnId);
    if (list) list.push([old, value]);
    else byColumn.set(columnId, [[old, value]]);
  }
  for (const [columnId, changes] of byColumn) if (sheet.columnWouldFlip(columnId, changes)) return true;
  return false;
}
