import type { ColumnSettings } from '@/core/columns';
import type { CellValue } from '@/core/import';
import type { CellChange } from '@/core/sheet';
import { cellFromText } from '@/ui/shared/cell-text';
import { type CellPosition, HEADER_ROW } from './grid-navigation';

/**
 * A block of selected data cells: rows are 0-based among the visible rows, columns among the sheet's columns,
 * both ends included.
 */
export interface CellRange {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * The data cells between the selection's anchor (where Shift+arrows or Shift+click started) and the active cell;
 * the active cell alone without an anchor. Null on a header without an anchor: headers are never selected.
 */
export function selectedRange(anchor: CellPosition | null, active: CellPosition): CellRange | null {
  const from = anchor ?? active;
  if (from.row === HEADER_ROW && active.row === HEADER_ROW) return null;
  const firstRow = Math.max(0, Math.min(from.row, active.row));
  return {
    top: firstRow,
    bottom: Math.max(0, from.row, active.row),
    left: Math.min(from.column, active.column),
    right: Math.max(from.column, active.column),
  };
}

/** True when a position lies in the range. */
export function inRange(range: CellRange | null, position: CellPosition): boolean {
  return (
    range !== null &&
    position.row >= range.top &&
    position.row <= range.bottom &&
    position.column >= range.left &&
    position.column <= range.right
  );
}

/** How many cells the range holds. */
export function rangeCellCount(range: CellRange): number {
  return (range.bottom - range.top + 1) * (range.right - range.left + 1);
}

/** The range cut to the grid: rows that exist, columns that exist; null when nothing of it is left. */
export function clampRange(range: CellRange | null, rows: number, columns: number): CellRange | null {
  if (range === null || rows === 0 || columns === 0) return null;
  const clamped = {
    top: Math.min(range.top, rows - 1),
    bottom: Math.min(range.bottom, rows - 1),
    left: Math.min(range.left, columns - 1),
    right: Math.min(range.right, columns - 1),
  };
  return clamped;
}

/** The grid a fill works on: the sheet rows shown, in order, and the sheet's columns. */
export interface FillGrid {
  visibleRows: ArrayLike<number>;
  columns: readonly ColumnSettings[];
  cell: (row: number, columnId: string) => CellValue;
}

/** True when two cells hold the same value; a missing value and empty text are one. */
function sameCell(a: CellValue, b: CellValue): boolean {
  return Object.is(a === '' ? undefined : a, b === '' ? undefined : b);
}

/** Calls `visit` for each cell of the range that exists, row by row. */
function eachCell(
  range: CellRange,
  grid: FillGrid,
  visit: (row: number, column: ColumnSettings) => void,
): void {
  for (let index = range.left; index <= range.right; index++) {
    const column = grid.columns[index];
    if (!column) continue;
    for (let position = range.top; position <= range.bottom; position++) {
      const row = grid.visibleRows[position];
      if (row !== undefined) visit(row, column);
    }
  }
}

/**
 * The cells "Fill the selected cells with…" changes: every cell of the range gets `text`, read as its column
 * reads a typed value (a number in a number column). Cells that already hold that value are left out.
 */
export function fillChanges(range: CellRange, grid: FillGrid, text: string): CellChange[] {
  const changes: CellChange[] = [];
  const values = new Map<string, CellValue>();
  eachCell(range, grid, (row, column) => {
    if (!values.has(column.id)) values.set(column.id, cellFromText(text, column));
    const value = values.get(column.id);
    if (!sameCell(grid.cell(row, column.id), value)) changes.push({ row, columnId: column.id, value });
  });
  return changes;
}

/**
 * The cells Fill down (Ctrl+D) changes, as in a spreadsheet: each column of the range takes the value of its
 * first row in every row below it; a range of one row takes the value of the row shown above it. Empty when there
 * is nothing above to copy (the first row alone) or nothing changes.
 */
export function fillDownChanges(range: CellRange, grid: FillGrid): CellChange[] {
  const sourcePosition = range.top === range.bottom ? range.top - 1 : range.top;
  const sourceRow = grid.visibleRows[sourcePosition];
  if (sourcePosition < 0 || sourceRow === undefined) return [];
  const targets = { ...range, top: sourcePosition + 1 };
  const changes: CellChange[] = [];
  eachCell(targets, grid, (row, column) => {
    const value = grid.cell(sourceRow, column.id);
    if (!sameCell(grid.cell(row, column.id), value)) changes.push({ row, columnId: column.id, value });
  });
  return changes;
}

/** The cells Delete clears in the range: those that hold a value. */
export function clearChanges(range: CellRange, grid: FillGrid): CellChange[] {
  const changes: CellChange[] = [];
  eachCell(range, grid, (row, column) => {
    if (!sameCell(grid.cell(row, column.id), undefined))
      changes.push({ row, columnId: column.id, value: undefined });
  });
  return changes;
}

/** The range's cells as rows of text, for the clipboard. */
export function rangeTexts(range: CellRange, grid: FillGrid, text: (value: CellValue) => string): string[][] {
  const rows: string[][] = [];
  for (let position = range.top; position <= range.bottom; position++) {
    const row = grid.visibleRows[position];
    if (row === undefined) continue;
    const texts: string[] = [];
    for (let index = range.left; index <= range.right; index++) {
      const column = grid.columns[index];
      if (column) texts.push(text(grid.cell(row, column.id)));
    }
    rows.push(texts);
  }
  return rows;
}
