import { describe, expect, it } from 'vitest';
import {
  editorKeyAction,
  gridKeyAction,
  HEADER_ROW,
  historyShortcut,
  type KeyPress,
  moveActiveCell,
  startsTyping,
} from '@/ui/sheet/grid/grid-navigation';

/** A key press with the modifiers given. */
const press = (key: string, modifiers: Partial<Omit<KeyPress, 'key'>> = {}): KeyPress => ({
  key,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...modifiers,
});

const bounds = { rows: 10, columns: 3, page: 4 };

describe('moving the active cell (WAI-ARIA data grid)', () => {
  it.each([
    ['ArrowDown', {}, { row: 3, column: 1 }],
    ['ArrowUp', {}, { row: 1, column: 1 }],
    ['ArrowRight', {}, { row: 2, column: 2 }],
    ['ArrowLeft', {}, { row: 2, column: 0 }],
    ['Home', {}, { row: 2, column: 0 }],
    ['End', {}, { row: 2, column: 2 }],
    ['Home', { ctrlKey: true }, { row: HEADER_ROW, column: 0 }],
    ['End', { ctrlKey: true }, { row: 9, column: 2 }],
    ['End', { metaKey: true }, { row: 9, column: 2 }],
    ['PageDown', {}, { row: 6, column: 1 }],
    ['PageUp', {}, { row: HEADER_ROW, column: 1 }],
  ])('%s %j moves to %j', (key, modifiers, expected) => {
    expect(moveActiveCell({ row: 2, column: 1 }, press(key, modifiers), bounds)).toEqual(expected);
  });

  it('reaches the header row first: ArrowUp from the first row, and back down', () => {
    expect(moveActiveCell({ row: 0, column: 2 }, press('ArrowUp'), bounds)).toEqual({
      row: HEADER_ROW,
      column: 2,
    });
    expect(moveActiveCell({ row: HEADER_ROW, column: 2 }, press('ArrowDown'), bounds)).toEqual({
      row: 0,
      column: 2,
    });
  });

  it('never leaves the grid: at an edge the active cell stays', () => {
    expect(moveActiveCell({ row: HEADER_ROW, column: 0 }, press('ArrowUp'), bounds)).toEqual({
      row: HEADER_ROW,
      column: 0,
    });
    expect(moveActiveCell({ row: 9, column: 2 }, press('ArrowDown'), bounds)).toEqual({ row: 9, column: 2 });
    expect(moveActiveCell({ row: 9, column: 2 }, press('ArrowRight'), bounds)).toEqual({ row: 9, column: 2 });
    expect(moveActiveCell({ row: 0, column: 0 }, press('ArrowLeft'), bounds)).toEqual({ row: 0, column: 0 });
    expect(moveActiveCell({ row: 8, column: 1 }, press('PageDown'), bounds)).toEqual({ row: 9, column: 1 });
  });

  it('moves along the headers of a sheet without rows', () => {
    const empty = { rows: 0, columns: 3, page: 4 };
    expect(moveActiveCell({ row: HEADER_ROW, column: 0 }, press('ArrowDown'), empty)).toEqual({
      row: HEADER_ROW,
      column: 0,
    });
    expect(moveActiveCell({ row: HEADER_ROW, column: 0 }, press('End'), empty)).toEqual({
      row: HEADER_ROW,
      column: 2,
    });
  });

  it('leaves Tab and other keys alone', () => {
    expect(moveActiveCell({ row: 0, column: 0 }, press('Tab'), bounds)).toBeNull();
    expect(moveActiveCell({ row: 0, column: 0 }, press('x'), bounds)).toBeNull();
  });
});

describe('keys on the grid', () => {
  const cell = { row: 2, column: 1 };
  const header = { row: HEADER_ROW, column: 1 };

  it('edits a cell with Enter or F2, and with a typed character over its value', () => {
    expect(gridKeyAction(cell, press('Enter'), bounds)).toEqual({ kind: 'edit', text: null });
    expect(gridKeyAction(cell, press('F2'), bounds)).toEqual({ kind: 'edit', text: null });
    expect(gridKeyAction(cell, press('a'), bounds)).toEqual({ kind: 'edit', text: 'a' });
    expect(gridKeyAction(cell, press('A', { shiftKey: true }), bounds)).toEqual({ kind: 'edit', text: 'A' });
    expect(gridKeyAction(cell, press('Delete'), bounds)).toEqual({ kind: 'clear' });
    expect(gridKeyAction(cell, press('Backspace'), bounds)).toEqual({ kind: 'clear' });
  });

  it('opens the column menu with Enter, Space or F2 on a header, never the cell editor', () => {
    for (const key of ['Enter', ' ', 'F2']) {
      expect(gridKeyAction(header, press(key), bounds)).toEqual({ kind: 'open_menu' });
    }
    expect(gridKeyAction(header, press('a'), bounds)).toBeNull();
    expect(gridKeyAction(header, press('Delete'), bounds)).toBeNull();
  });

  it('lets Tab and Shift+Tab leave the grid, and Escape do nothing', () => {
    for (const position of [cell, header, { row: 0, column: 0 }, { row: 9, column: 2 }]) {
      expect(gridKeyAction(position, press('Tab'), bounds)).toBeNull();
      expect(gridKeyAction(position, press('Tab', { shiftKey: true }), bounds)).toBeNull();
      expect(gridKeyAction(position, press('Escape'), bounds)).toBeNull();
    }
  });

  it('moves with the navigation keys, on headers too', () => {
    expect(gridKeyAction(header, press('ArrowDown'), bounds)).toEqual({
      kind: 'move',
      to: { row: 0, column: 1 },
    });
    expect(gridKeyAction(cell, press('End', { ctrlKey: true }), bounds)).toEqual({
      kind: 'move',
      to: { row: 9, column: 2 },
    });
  });

  it('undoes and redoes anywhere, and does nothing in a grid without columns', () => {
    expect(gridKeyAction(header, press('z', { ctrlKey: true }), bounds)).toEqual({ kind: 'undo' });
    expect(gridKeyAction(cell, press('y', { ctrlKey: true }), bounds)).toEqual({ kind: 'redo' });
    expect(gridKeyAction(cell, press('c', { ctrlKey: true }), bounds)).toBeNull();
    expect(gridKeyAction(cell, press('ArrowDown'), { rows: 0, columns: 0, page: 4 })).toBeNull();
  });
});

describe('keys in the cell editor', () => {
  const at = { row: 2, column: 1 };

  it('cancels with Escape, keeps the value with Enter and moves down (Shift+Enter up)', () => {
    expect(editorKeyAction(at, press('Escape'), false, bounds)).toEqual({ kind: 'cancel' });
    expect(editorKeyAction(at, press('Enter'), false, bounds)).toEqual({
      kind: 'commit',
      to: { row: 3, column: 1 },
    });
    expect(editorKeyAction(at, press('Enter', { shiftKey: true }), false, bounds)).toEqual({
      kind: 'commit',
      to: { row: 1, column: 1 },
    });
    expect(editorKeyAction({ row: 9, column: 1 }, press('Enter'), false, bounds)).toEqual({
      kind: 'commit',
      to: { row: 9, column: 1 },
    });
  });

  it('keeps the value and leaves the grid with Tab', () => {
    expect(editorKeyAction(at, press('Tab'), false, bounds)).toEqual({ kind: 'commit_and_leave' });
    expect(editorKeyAction(at, press('Tab', { shiftKey: true }), true, bounds)).toEqual({
      kind: 'commit_and_leave',
    });
  });

  it('moves sideways with the arrows only when typing started the edit, and never onto a header', () => {
    expect(editorKeyAction(at, press('ArrowRight'), true, bounds)).toEqual({
      kind: 'commit',
      to: { row: 2, column: 2 },
    });
    expect(editorKeyAction(at, press('ArrowRight'), false, bounds)).toBeNull();
    expect(editorKeyAction(at, press('ArrowLeft'), false, bounds)).toBeNull();
    expect(editorKeyAction({ row: 0, column: 1 }, press('ArrowUp'), false, bounds)).toEqual({
      kind: 'commit',
      to: { row: 0, column: 1 },
    });
    expect(editorKeyAction(at, press('a'), true, bounds)).toBeNull();
  });
});

describe('typing and shortcuts', () => {
  it('knows typing and the undo shortcuts', () => {
    expect(startsTyping(press('a'))).toBe(true);
    expect(startsTyping(press('a', { ctrlKey: true }))).toBe(false);
    expect(startsTyping(press('Enter'))).toBe(false);
    expect(historyShortcut(press('z', { ctrlKey: true }))).toBe('undo');
    expect(historyShortcut(press('Z', { ctrlKey: true, shiftKey: true }))).toBe('redo');
    expect(historyShortcut(press('y', { ctrlKey: true }))).toBe('redo');
    expect(historyShortcut(press('z', { metaKey: true }))).toBe('undo');
    expect(historyShortcut(press('z'))).toBeNull();
  });
});
