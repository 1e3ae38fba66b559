import { useState } from 'react';
import type { ColumnSettings } from '@/core/columns';
import type { CellChange } from '@/core/sheet';
import { countText } from '@/ui/shared/format';
import type { SheetStore } from '@/ui/sheet/sheet-store';
import { type CellPosition, HEADER_ROW } from './grid-navigation';
import {
  type CellRange,
  clampRange,
  clearChanges,
  type FillGrid,
  fillChanges,
  fillDownChanges,
  rangeCellCount,
  selectedRange,
} from './grid-selection';

/** The grid's selection: the cells between an anchor and the active cell, and what can be done to them. */
export interface GridSelection {
  /** The selected block of data cells (the active cell alone without an anchor), or null on a header. */
  range: CellRange | null;
  /** How many cells are selected. */
  cellCount: number;
  /** Makes `to` the active cell and drops the selection. */
  moveTo: (to: CellPosition) => void;
  /** Makes `to` the active cell and selects from the anchor (the active cell before, when there was none). */
  extendTo: (to: CellPosition) => void;
  selectAll: () => void;
  /** Selects the shown cells of a column, the active cell on its first row, and asks for a value. */
  selectColumnToFill: (column: number) => void;
  fillDown: () => void;
  fill: (text: string) => void;
  clear: () => void;
  /** True while "Fill the selected cells with…" asks for the value. */
  asking: boolean;
  setAsking: (asking: boolean) => void;
  /** Which cells, in words: "rows 3–40 of column label". */
  where: string;
}

/**
 * Selection in the sheet grid, as in a spreadsheet: Shift with a navigation key or a click extends it from its
 * anchor; Ctrl+D fills down, Ctrl+Enter in the editor or "Fill the selected cells with…" puts one value in every
 * selected cell, Delete clears them, each as one undoable edit.
 */
export function useGridSelection({
  store,
  active,
  setActive,
  visibleRows,
  columns,
  readOnly,
}: {
  store: SheetStore;
  /** The active cell, kept inside the grid. */
  active: CellPosition;
  setActive: (position: CellPosition) => void;
  visibleRows: ArrayLike<number>;
  columns: readonly ColumnSettings[];
  readOnly: boolean;
}): GridSelection {
  const [anchor, setAnchor] = useState<CellPosition | null>(null);
  const [asking, setAsking] = useState(false);
  const range = clampRange(selectedRange(anchor, active), visibleRows.length, columns.length);
  const grid: FillGrid = { visibleRows, columns, cell: (row, columnId) => store.model.cell(row, columnId) };

  const apply = (changes: CellChange[], label: string) => {
    if (readOnly || changes.length === 0) return;
    store.apply({ kind: 'set_cells', cells: changes }, label);
  };

  const rowWords = (selected: CellRange) => {
    const first = visibleRows[selected.top];
    const last = visibleRows[selected.bottom];
    if (first === undefined || last === undefined) return '';
    return first === last ? `row ${first + 1}` : `rows ${first + 1}–${last + 1}`;
  };
  const columnWords = (selected: CellRange) => {
    const left = columns[selected.left]?.name ?? '';
    const right = columns[selected.right]?.name ?? '';
    return selected.left === selected.right ? `column ${left}` : `columns ${left} to ${right}`;
  };

  return {
    range,
    cellCount: range ? rangeCellCount(range) : 0,
    moveTo: (to) => {
      setAnchor(null);
      setActive(to);
    },
    extendTo: (to) => {
      setAnchor((current) => current ?? (active.row === HEADER_ROW ? { ...active, row: 0 } : active));
      setActive(to);
    },
    selectAll: () => {
      if (visibleRows.length === 0 || columns.length === 0) return;
      setAnchor({ row: visibleRows.length - 1, column: columns.length - 1 });
      setActive({ row: 0, column: 0 });
    },
    selectColumnToFill: (column) => {
      if (visibleRows.length === 0) return;
      setAnchor({ row: visibleRows.length - 1, column });
      setActive({ row: 0, column });
      setAsking(true);
    },
    fillDown: () => {
      if (range) apply(fillDownChanges(range, grid), `Fill down ${countText(rangeCellCount(range), 'cell')}`);
    },
    fill: (text) => {
      setAsking(false);
      if (range) apply(fillChanges(range, grid, text), `Fill ${countText(rangeCellCount(range), 'cell')}`);
    },
    clear: () => {
      if (!range) return;
      const count = rangeCellCount(range);
      const row = visibleRows[range.top] ?? 0;
      apply(
        clearChanges(range, grid),
        count === 1 ? `Clear row ${row + 1}` : `Clear ${countText(count, 'cell')}`,
      );
    },
    asking,
    setAsking,
    where: range ? `${rowWords(range)} of ${columnWords(range)}`.replace(/^ of /, '') : '',
  };
}
