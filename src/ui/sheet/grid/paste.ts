import { autoMapColumns, type ColumnSettings } from '@/core/columns';
import type { CellValue, ImportedTable } from '@/core/import';
import type { CellChange, RowValues, SheetEdit, SheetModel } from '@/core/sheet';
import { cellFromText } from '@/ui/shared/cell-text';
import type { CellPosition } from './grid-navigation';

/**
 * The edits that paste a block of cells at the active cell: cells of existing rows are set, and rows the block
 * reaches past the end of the sheet are added (only when every row is shown). Columns past the last are cut.
 */
export function pasteEdits(
  block: readonly (readonly string[])[],
  at: CellPosition,
  columns: readonly ColumnSettings[],
  visibleRows: ArrayLike<number>,
  rowCount: number,
  showingAllRows: boolean,
): SheetEdit[] {
  const cells: CellChange[] = [];
  const newRows: RowValues[] = [];
  block.forEach((values, offset) => {
    const visibleIndex = at.row + offset;
    const modelRow = visibleRows[visibleIndex];
    const rowValues: RowValues = {};
    values.forEach((text, columnOffset) => {
      const column = columns[at.column + columnOffset];
      if (!column) return;
      const value: CellValue = cellFromText(text, column);
      if (modelRow !== undefined) cells.push({ row: modelRow, columnId: column.id, value });
      else rowValues[column.id] = value;
    });
    if (modelRow === undefined && showingAllRows) newRows.push(rowValues);
  });
  const edits: SheetEdit[] = [];
  if (newRows.length > 0) edits.push({ kind: 'insert_rows', at: rowCount, rows: newRows });
  if (cells.length > 0) edits.push({ kind: 'set_cells', cells });
  return edits;
}

/**
 * A pasted block whose first row is a header naming a span ID column (as copied from a spreadsheet with its
 * header), as a table for the mapping step a file goes through; null when the block is plain data to paste into
 * cells. Blank cells are missing values, and short rows are padded.
 */
export function tableFromPastedBlock(block: readonly (readonly string[])[]): ImportedTable | null {
  const [header, ...rows] = block;
  if (!header || rows.length === 0) return null;
  const { columns } = autoMapColumns(header);
  if (!columns.some((column) => column.target.kind === 'span_id')) return null;
  const width = header.length;
  const padded = rows.map((row) =>
    Array.from({ length: width }, (_, index) => (row[index] === '' ? undefined : row[index])),
  );
  return { format: 'tsv', headers: [...header], rows: padded, origin: 'text', notes: [] };
}

/** True when every cell of the sheet is blank, ignored columns too: a paste may replace it instead of filling it. */
export function everyCellBlank(model: SheetModel): boolean {
  // NOTE: each column is read until its first value, not copied: a filled sheet answers at its first cell.
  return model.columns.every((column) => model.isColumnBlank(column.id));
}
