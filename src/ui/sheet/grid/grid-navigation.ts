/**
 * The active cell of the grid: `row` is 0-based among the visible rows, or `HEADER_ROW` for the column headers;
 * `column` is 0-based among the sheet's columns.
 */
export interface CellPosition {
  row: number;
  column: number;
}

/** The row of column headers: the grid's first row, above the first data row. */
export const HEADER_ROW = -1;

/** The size of the grid the active cell moves in: its data rows, its columns and a page of rows. */
export interface GridBounds {
  rows: number;
  columns: number;
  page: number;
}

/** The parts of a key press the grid reads. */
export interface KeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** What a key press on the grid (not editing) asks for. */
export type GridKeyAction =
  | { kind: 'move'; to: CellPosition }
  /** Move the active cell and keep the selection's anchor: the cells between them are selected (Shift). */
  | { kind: 'extend'; to: CellPosition }
  | { kind: 'select_all' }
  /** Copy each selected column's first value down the selection (Ctrl+D). */
  | { kind: 'fill_down' }
  /** Edit the active cell: with its value (`text` null: Enter or F2) or replacing it by a typed character. */
  | { kind: 'edit'; text: string | null }
  | { kind: 'open_menu' }
  | { kind: 'clear' }
  | { kind: 'undo' }
  | { kind: 'redo' };

/** What a key press in the cell editor asks for. */
export type EditorKeyAction =
  /** Keep the value and make `to` the active cell. */
  | { kind: 'commit'; to: CellPosition }
  /** Put the value in every selected cell (Ctrl+Enter, as in a spreadsheet) and stay. */
  | { kind: 'commit_to_selection' }
  /** Keep the value and let Tab take the focus out of the grid. */
  | { kind: 'commit_and_leave' }
  /** Drop what was typed and stay on the cell. */
  | { kind: 'cancel' };

/** The active cell kept inside the grid: the header row and the data rows, the sheet's columns. */
export function clampPosition(
  position: CellPosition,
  bounds: Pick<GridBounds, 'rows' | 'columns'>,
): CellPosition {
  return {
    row: Math.min(bounds.rows - 1, Math.max(HEADER_ROW, position.row)),
    column: Math.min(Math.max(0, bounds.columns - 1), Math.max(0, position.column)),
  };
}

/**
 * Where a navigation key moves the active cell, as the WAI-ARIA data grid pattern says: arrows by one cell,
 * Home/End to the row's first/last cell, Ctrl+Home/End to the first cell of the first row (the headers) and the
 * last cell of the last row, PageUp/PageDown by a page of rows. Never out of the grid; null for other keys (Tab
 * among them: it leaves the grid).
 */
export function moveActiveCell(
  active: CellPosition,
  press: KeyPress,
  bounds: GridBounds,
): CellPosition | null {
  const to = (row: number, column: number) => clampPosition({ row, column }, bounds);
  const lastRow = bounds.rows - 1;
  const lastColumn = bounds.columns - 1;
  const control = press.ctrlKey || press.metaKey;
  switch (press.key) {
    case 'ArrowUp':
      return to(active.row - 1, active.column);
    case 'ArrowDown':
      return to(active.row + 1, active.column);
    case 'ArrowLeft':
      return to(active.row, active.column - 1);
    case 'ArrowRight':
      return to(active.row, active.column + 1);
    case 'Home':
      return control ? to(HEADER_ROW, 0) : to(active.row, 0);
    case 'End':
      return control ? to(lastRow, lastColumn) : to(active.row, lastColumn);
    case 'PageDown':
      return to(active.row + bounds.page, active.column);
    case 'PageUp':
      return to(active.row - bounds.page, active.column);
    default:
      return null;
  }
}

/** True when a key press should start editing the active cell with that character. */
export function startsTyping(press: Pick<KeyPress, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): boolean {
  return press.key.length === 1 && !press.ctrlKey && !press.metaKey && !press.altKey;
}

/** What a keyboard shortcut asks of the sheet, or null. */
export function historyShortcut(
  press: Pick<KeyPress, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey'>,
): 'undo' | 'redo' | null {
  if (!press.ctrlKey && !press.metaKey) return null;
  const key = press.key.toLowerCase();
  if (key === 'z') return press.shiftKey ? 'redo' : 'undo';
  if (key === 'y') return 'redo';
  return null;
}

/**
 * What a key press on the grid does when no cell is being edited, or null to leave it to the browser: Tab and
 * Shift+Tab then leave the grid (it is one Tab stop), and Escape does nothing. On a header, Enter, Space or F2
 * opens the column's menu, and typing or Delete does nothing; on a cell, Enter or F2 edits it, a character
 * replaces its value, Delete or Backspace clears the selected cells. A navigation key with Shift extends the
 * selection; Ctrl+A selects every cell, Ctrl+D fills down.
 */
export function gridKeyAction(
  active: CellPosition,
  press: KeyPress,
  bounds: GridBounds,
): GridKeyAction | null {
  if (bounds.columns === 0) return null;
  const history = historyShortcut(press);
  if (history) return { kind: history };
  const control = (press.ctrlKey || press.metaKey) && !press.altKey;
  if (control && !press.shiftKey && press.key.toLowerCase() === 'a') return { kind: 'select_all' };
  if (control && !press.shiftKey && press.key.toLowerCase() === 'd') return { kind: 'fill_down' };
  const onHeader = active.row === HEADER_ROW;
  const plain = !press.ctrlKey && !press.metaKey && !press.altKey;
  if (plain && (press.key === 'Enter' || press.key === 'F2')) {
    return onHeader ? { kind: 'open_menu' } : { kind: 'edit', text: null };
  }
  if (onHeader && plain && press.key === ' ') return { kind: 'open_menu' };
  if (!onHeader && plain && (press.key === 'Delete' || press.key === 'Backspace')) return { kind: 'clear' };
  if (startsTyping(press)) return onHeader ? null : { kind: 'edit', text: press.key };
  if (press.altKey) return null;
  const to = moveActiveCell(active, press, bounds);
  if (!to) return null;
  return press.shiftKey ? { kind: 'extend', to } : { kind: 'move', to };
}

/**
 * What a key press in the cell editor does, or null to leave it to the input: Escape cancels and stays on the
 * cell; Enter keeps the value and moves down (Shift+Enter up), Ctrl+Enter puts it in every selected cell;
 * ArrowUp/ArrowDown keep it and move, and so do ArrowLeft/ArrowRight when typing started the edit (as in a
 * spreadsheet; otherwise they move the caret); Tab and Shift+Tab keep it and leave the grid. Moves stay among the
 * data rows.
 */
export function editorKeyAction(
  position: CellPosition,
  press: KeyPress,
  typed: boolean,
  bounds: GridBounds,
): EditorKeyAction | null {
  const among = (row: number, column: number): CellPosition => ({
    row: Math.min(bounds.rows - 1, Math.max(0, row)),
    column: Math.min(bounds.columns - 1, Math.max(0, column)),
  });
  switch (press.key) {
    case 'Escape':
      return { kind: 'cancel' };
    case 'Tab':
      return { kind: 'commit_and_leave' };
    case 'Enter':
      if (press.ctrlKey || press.metaKey) return { kind: 'commit_to_selection' };
      return { kind: 'commit', to: among(position.row + (press.shiftKey ? -1 : 1), position.column) };
    case 'ArrowUp':
      return { kind: 'commit', to: among(position.row - 1, position.column) };
    case 'ArrowDown':
      return { kind: 'commit', to: among(position.row + 1, position.column) };
    case 'ArrowLeft':
      return typed ? { kind: 'commit', to: among(position.row, position.column - 1) } : null;
    case 'ArrowRight':
      return typed ? { kind: 'commit', to: among(position.row, position.column + 1) } : null;
    default:
      return null;
  }
}
