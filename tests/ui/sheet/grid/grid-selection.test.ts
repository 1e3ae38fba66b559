import { describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { gridKeyAction, HEADER_ROW, editorKeyAction } from '@/ui/sheet/grid/grid-navigation';
import {
  clampRange,
  clearChanges,
  fillChanges,
  fillDownChanges,
  inRange,
  rangeCellCount,
  rangeTexts,
  selectedRange,
} from '@/ui/sheet/grid/grid-selection';

const press = (key: string, modifiers: Partial<{ shiftKey: boolean; ctrlKey: boolean }> = {}) => ({
  key,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...modifiers,
});
const bounds = { rows: 10, columns: 3, page: 4 };

/** A sheet of span IDs, a label column (text) and a score column (numbers). */
function sheet() {
  const { columns } = autoMapColumns([
    'context.span_id',
    'attributes.metadata.label',
    'attributes.metadata.score',
  ]);
  const model = SheetModel.fromRows(columns, [
    ['a000000000000001', 'good', '1'],
    ['a000000000000002', '', '2'],
    ['a000000000000003', 'bad', ''],
    ['a000000000000004', '', '4'],
  ]);
  const grid = { visibleRows: [0, 1, 2, 3], columns: model.columns, cell: model.cell.bind(model) };
  return { model, grid };
}

describe('the grid selection', () => {
  it('is the block between the anchor and the active cell, in either direction, never a header', () => {
    expect(selectedRange(null, { row: 2, column: 1 })).toEqual({ top: 2, bottom: 2, left: 1, right: 1 });
    expect(selectedRange({ row: 5, column: 2 }, { row: 1, column: 0 })).toEqual({
      top: 1,
      bottom: 5,
      left: 0,
      right: 2,
    });
    expect(selectedRange(null, { row: HEADER_ROW, column: 1 })).toBeNull();
    expect(selectedRange({ row: 3, column: 0 }, { row: HEADER_ROW, column: 0 })).toEqual({
      top: 0,
      bottom: 3,
      left: 0,
      right: 0,
    });
    const range = { top: 1, bottom: 3, left: 0, right: 1 };
    expect(inRange(range, { row: 3, column: 1 })).toBe(true);
    expect(inRange(range, { row: 4, column: 1 })).toBe(false);
    expect(inRange(null, { row: 1, column: 0 })).toBe(false);
    expect(rangeCellCount(range)).toBe(6);
    expect(clampRange({ top: 2, bottom: 9, left: 0, right: 5 }, 4, 3)).toEqual({
      top: 2,
      bottom: 3,
      left: 0,
      right: 2,
    });
    expect(clampRange(range, 0, 3)).toBeNull();
  });

  it('is extended by Shift with a navigation key; Ctrl+A selects all, Ctrl+D fills down, Ctrl+Enter fills', () => {
    const at = { row: 2, column: 1 };
    expect(gridKeyAction(at, press('ArrowDown', { shiftKey: true }), bounds)).toEqual({
      kind: 'extend',
      to: { row: 3, column: 1 },
    });
    expect(gridKeyAction(at, press('ArrowDown'), bounds)).toEqual({
      kind: 'move',
      to: { row: 3, column: 1 },
    });
    expect(gridKeyAction(at, press('End', { shiftKey: true, ctrlKey: true }), bounds)).toEqual({
      kind: 'extend',
      to: { row: 9, column: 2 },
    });
    expect(gridKeyAction(at, press('a', { ctrlKey: true }), bounds)).toEqual({ kind: 'select_all' });
    expect(gridKeyAction(at, press('d', { ctrlKey: true }), bounds)).toEqual({ kind: 'fill_down' });
    expect(gridKeyAction(at, press('Tab', { shiftKey: true }), bounds)).toBeNull();
    expect(editorKeyAction(at, press('Enter', { ctrlKey: true }), false, bounds)).toEqual({
      kind: 'commit_to_selection',
    });
  });

  it('fills every cell with one value, read as each column reads it, leaving out cells that hold it', () => {
    const { grid } = sheet();
    const changes = fillChanges({ top: 0, bottom: 3, left: 1, right: 2 }, grid, '1');
    expect(changes).toEqual([
      { row: 0, columnId: 'c1', value: '1' },
      { row: 1, columnId: 'c1', value: '1' },
      { row: 2, columnId: 'c1', value: '1' },
      { row: 3, columnId: 'c1', value: '1' },
      { row: 1, columnId: 'c2', value: '1' },
      { row: 2, columnId: 'c2', value: '1' },
      { row: 3, columnId: 'c2', value: '1' },
    ]);
    // An empty value clears.
    expect(fillChanges({ top: 0, bottom: 1, left: 1, right: 1 }, grid, '')).toEqual([
      { row: 0, columnId: 'c1', value: undefined },
    ]);
  });

  it('fills down from the first selected row, or from the row above a one-row selection', () => {
    const { grid } = sheet();
    expect(fillDownChanges({ top: 0, bottom: 3, left: 1, right: 1 }, grid)).toEqual([
      { row: 1, columnId: 'c1', value: 'good' },
      { row: 2, columnId: 'c1', value: 'good' },
      { row: 3, columnId: 'c1', value: 'good' },
    ]);
    expect(fillDownChanges({ top: 3, bottom: 3, left: 1, right: 1 }, grid)).toEqual([
      { row: 3, columnId: 'c1', value: 'bad' },
    ]);
    expect(fillDownChanges({ top: 0, bottom: 0, left: 0, right: 2 }, grid)).toEqual([]);
    // Among the rows shown only (a filter): the row shown above, not the sheet's row above.
    const filtered = { ...grid, visibleRows: [0, 2] };
    expect(fillDownChanges({ top: 1, bottom: 1, left: 2, right: 2 }, filtered)).toEqual([
      { row: 2, columnId: 'c2', value: grid.cell(0, 'c2') },
    ]);
  });

  it('clears the cells that hold a value and copies the block as rows of text', () => {
    const { grid } = sheet();
    const range = { top: 1, bottom: 2, left: 1, right: 2 };
    expect(clearChanges(range, grid)).toEqual([
      { row: 2, columnId: 'c1', value: undefined },
      { row: 1, columnId: 'c2', value: undefined },
    ]);
    expect(rangeTexts(range, grid, (value) => (value === undefined ? '' : String(value)))).toEqual([
      ['', '2'],
      ['bad', ''],
    ]);
  });
});
