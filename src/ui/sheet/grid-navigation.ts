/** The active cell of the grid: a 0-based position among the visible rows and the sheet's columns. */
export interface CellPosition {
  row: number;
  column: number;
}

/** Where a navigation key moves the active cell, kept inside the grid; null for other keys. */
export function moveActiveCell(
  active: CellPosition,
  key: string,
  shiftKey: boolean,
  bounds: { rows: number; columns: number; page: number },
): CellPosition | null {
  const lastRow = Math.max(0, bounds.rows - 1);
  const lastColumn = Math.max(0, bounds.columns - 1);
  const clamp = (row: number, column: number) => ({
    row: Math.min(lastRow, Math.max(0, row)),
    column: Math.min(lastColumn, Math.max(0, column)),
  });
  switch (key) {
    case 'ArrowUp':
      return clamp(active.row - 1, active.column);
    case 'ArrowDown':
      return clamp(active.row + 1, active.column);
    case 'ArrowLeft':
      return clamp(active.row, active.column - 1);
    case 'ArrowRight':
      return clamp(active.row, active.column + 1);
    case 'Tab':
      return clamp(active.row, active.column + (shiftKey ? -1 : 1));
    case 'Enter':
      return clamp(active.row + (shiftKey ? -1 : 1), active.column);
    case 'Home':
      return clamp(active.row, 0);
    case 'End':
      return clamp(active.row, lastColumn);
    case 'PageDown':
      return clamp(active.row + bounds.page, active.column);
    case 'PageUp':
      return clamp(active.row - bounds.page, active.column);
    default:
      return null;
  }
}

/** True when a key press should start editing the active cell with that character. */
export function startsTyping(event: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}): boolean {
  return event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey;
}

/** What a keyboard shortcut asks of the sheet, or null. */
export function historyShortcut(event: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}): 'undo' | 'redo' | null {
  if (!event.ctrlKey && !event.metaKey) return null;
  const key = event.key.toLowerCase();
  if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
  if (key === 'y') return 'redo';
  return null;
}
