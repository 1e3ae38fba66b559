import type { RefObject } from 'react';
import type { ColumnSettings } from '@/core/columns';
import { cellFromText, cellText } from '@/ui/shared/cell-text';
import type { EditingCell, TableState, TableStore } from '@/ui/shared/data-table';
import { tabbableElements } from '@/ui/shared/use-focus-trap';
import { useStore } from '@/ui/shared/use-store';
import type { SheetStore } from '@/ui/sheet/sheet-store';
import { type CellPosition, editorKeyAction, type GridBounds } from './grid-navigation';

/** The cell being edited and the text in its editor (kept in the grid's `TableStore`). */
export type EditingState = EditingCell;

const selectEditing = (state: TableState) => state.editing;

/** A grid position's sheet row and column, or null where there is none (the header row, past the end). */
export type CellAt = (position: CellPosition) => { row: number; column: ColumnSettings } | null;

/** The cell editor of the grid, for the grid and its cells. */
export interface CellEditor {
  editing: EditingState | null;
  /** Edits the cell at `position`: with its value (`text` null) or with `text` typed over it. */
  start: (position: CellPosition, text: string | null, typed: boolean) => void;
  setText: (text: string) => void;
  onKeyDown: (event: React.KeyboardEvent<HTMLInputElement>) => void;
  /** Keeps the value when the editor loses the focus (a click elsewhere). */
  onBlur: () => void;
}

/**
 * Inline editing of one cell at a time (Phoenix's `useEditableTableCell`): Enter or an arrow keeps the value and
 * moves, Ctrl+Enter puts it in every selected cell, Escape drops it and stays, Tab keeps it and leaves the grid.
 * A kept value goes to the store as one undoable edit; focus goes back to the grid whenever the editor closes from
 * the keyboard. The edit itself lives in the grid's table store (`tableStore`).
 */
export function useCellEditor({
  store,
  tableStore,
  gridRef,
  cellAt,
  bounds,
  readOnly,
  onMove,
  onFillSelection,
}: {
  store: SheetStore;
  tableStore: TableStore;
  gridRef: RefObject<HTMLElement | null>;
  cellAt: CellAt;
  bounds: GridBounds;
  readOnly: boolean;
  onMove: (position: CellPosition) => void;
  /** Puts a value in every selected cell (the editor's Ctrl+Enter). */
  onFillSelection: (text: string) => void;
}): CellEditor {
  const editing = useStore(tableStore, selectEditing);
  // NOTE: the handlers read the edit from the store, which is current at once: the blur that follows Enter,
  // Escape or Tab then finds no edit, so nothing is committed twice and a cancelled edit is never committed.
  const commit = () => {
    const state = tableStore.stopEditing();
    const cell = state ? cellAt(state.position) : null;
    if (!state || !cell) return;
    const { row, column } = cell;
    if (cellText(store.model.cell(row, column.id)) === state.text) return;
    store.apply(
      { kind: 'set_cells', cells: [{ row, columnId: column.id, value: cellFromText(state.text, column) }] },
      `Edit row ${row + 1}`,
    );
  };

  const focusGrid = () => gridRef.current?.focus({ preventScroll: true });

  /** Moves the focus to the page's next (or previous) focusable element outside the grid. */
  const leaveGrid = (backwards: boolean) => {
    const grid = gridRef.current;
    if (!grid) return;
    const outside = tabbableElements(document).filter(
      (element) => !grid.contains(element) && !element.contains(grid),
    );
    const beyond = backwards
      ? outside.filter((element) => element.compareDocumentPosition(grid) & Node.DOCUMENT_POSITION_FOLLOWING)
      : outside.filter((element) => element.compareDocumentPosition(grid) & Node.DOCUMENT_POSITION_PRECEDING);
    const target = backwards ? beyond[beyond.length - 1] : beyond[0];
    if (target) target.focus();
    else focusGrid();
  };

  return {
    editing,
    start: (position, text, typed) => {
      const cell = cellAt(position);
      if (readOnly || !cell) return;
      tableStore.startEditing(position, text ?? cellText(store.model.cell(cell.row, cell.column.id)), typed);
    },
    setText: (text) => tableStore.setEditingText(text),
    onKeyDown: (event) => {
      const state = tableStore.getState().editing;
      const action = state ? editorKeyAction(state.position, event, state.typed, bounds) : null;
      if (!action) return;
      event.preventDefault();
      switch (action.kind) {
        case 'cancel':
          tableStore.stopEditing();
          focusGrid();
          return;
        case 'commit':
          commit();
          onMove(action.to);
          focusGrid();
          return;
        case 'commit_to_selection':
          tableStore.stopEditing();
          if (state) onFillSelection(state.text);
          focusGrid();
          return;
        case 'commit_and_leave':
          commit();
          leaveGrid(event.shiftKey);
          return;
      }
    },
    onBlur: () => {
      if (tableStore.getState().editing) commit();
    },
  };
}
