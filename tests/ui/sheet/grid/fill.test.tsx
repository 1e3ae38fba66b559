// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { SheetGrid } from '@/ui/sheet/grid/sheet-grid';
import { SheetStore } from '@/ui/sheet/sheet-store';

const IDS = ['a000000000000001', 'a000000000000002', 'a000000000000003', 'a000000000000004'];

function renderSheet() {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label']);
  const store = new SheetStore(
    SheetModel.fromRows(
      columns,
      IDS.map((id, index) => [id, index === 0 ? 'reviewed' : undefined]),
    ),
  );
  render(<SheetGrid store={store} filter="all" />);
  const grid = screen.getByRole('grid', { name: 'Sheet' });
  grid.focus();
  return { store, grid };
}

const labels = (store: SheetStore) => IDS.map((_, row) => store.model.cell(row, 'c1'));
const selectedCells = () =>
  screen.getAllByRole('gridcell').filter((cell) => cell.getAttribute('aria-selected') === 'true');

// jsdom lays nothing out: give the grid's scroll area a size so the virtualizer renders rows.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 640 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
});

afterEach(cleanup);

describe('filling cells in the grid, as in a spreadsheet', () => {
  it('selects with Shift+arrows, fills down with Ctrl+D as one undo step, and clears the selection with Delete', () => {
    const { store, grid } = renderSheet();
    fireEvent.keyDown(grid, { key: 'ArrowRight' });
    fireEvent.keyDown(grid, { key: 'ArrowDown', shiftKey: true });
    fireEvent.keyDown(grid, { key: 'ArrowDown', shiftKey: true });
    fireEvent.keyDown(grid, { key: 'ArrowDown', shiftKey: true });
    expect(selectedCells()).toHaveLength(4);
    expect(
      within(screen.getByRole('group', { name: 'Selected cells' })).getByText(/4 cells selected/).textContent,
    ).toBe('4 cells selected: rows 1–4 of column attributes.metadata.label');

    fireEvent.keyDown(grid, { key: 'd', ctrlKey: true });
    expect(labels(store)).toEqual(['reviewed', 'reviewed', 'reviewed', 'reviewed']);
    expect(store.getState().undoLabel).toBe('Fill down 4 cells');
    act(() => store.undo());
    expect(labels(store)).toEqual(['reviewed', undefined, undefined, undefined]);

    fireEvent.keyDown(grid, { key: 'Delete' });
    expect(labels(store)).toEqual([undefined, undefined, undefined, undefined]);
    expect(store.getState().undoLabel).toBe('Clear 4 cells');

    // A plain arrow drops the selection.
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    expect(selectedCells()).toHaveLength(1);
    expect(screen.queryByRole('group', { name: 'Selected cells' })).toBeNull();
  });

  it('fills the selected cells with a typed value from the dialog, and puts the editor value in all with Ctrl+Enter', async () => {
    const user = userEvent.setup();
    const { store, grid } = renderSheet();
    fireEvent.keyDown(grid, { key: 'ArrowRight' });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'End', ctrlKey: true, shiftKey: true });
    await user.click(screen.getByRole('button', { name: 'Fill selected cells…' }));
    const dialog = screen.getByRole('dialog', { name: 'Fill the selected cells' });
    const value = within(dialog).getByRole('textbox', { name: 'Fill 3 cells with' });
    expect(document.activeElement).toBe(value);
    await user.type(value, 'escalated{Enter}');
    expect(labels(store)).toEqual(['reviewed', 'escalated', 'escalated', 'escalated']);
    expect(screen.queryByRole('dialog', { name: 'Fill the selected cells' })).toBeNull();
    expect(document.activeElement).toBe(grid);

    // The selection is kept: typing starts the editor, Ctrl+Enter puts its value in every selected cell.
    fireEvent.keyDown(grid, { key: 'x' });
    const editor = screen.getByRole('textbox', { name: 'Cell value' });
    fireEvent.change(editor, { target: { value: 'closed' } });
    fireEvent.keyDown(editor, { key: 'Enter', ctrlKey: true });
    expect(labels(store)).toEqual(['reviewed', 'closed', 'closed', 'closed']);
    expect(store.getState().undoLabel).toBe('Fill 3 cells');
  });

  it('fills a whole column from its menu, and Esc in the dialog changes nothing', async () => {
    const user = userEvent.setup();
    const { store, grid } = renderSheet();
    fireEvent.keyDown(grid, { key: 'ArrowRight' });
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    fireEvent.keyDown(grid, { key: 'Enter' });
    await user.click(screen.getByRole('button', { name: 'Fill column…' }));
    const dialog = screen.getByRole('dialog', { name: 'Fill the selected cells' });
    expect(within(dialog).getByText(/rows 1–4 of column attributes\.metadata\.label/)).toBeDefined();
    await user.keyboard('{Escape}');
    expect(labels(store)).toEqual(['reviewed', undefined, undefined, undefined]);

    await user.click(screen.getByRole('button', { name: 'Fill selected cells…' }));
    await user.type(screen.getByRole('textbox', { name: 'Fill 4 cells with' }), 'batch-7{Enter}');
    expect(labels(store)).toEqual(['batch-7', 'batch-7', 'batch-7', 'batch-7']);
  });

  it('copies the selected block as rows of tab-separated text', () => {
    const { grid } = renderSheet();
    fireEvent.keyDown(grid, { key: 'ArrowDown', shiftKey: true });
    fireEvent.keyDown(grid, { key: 'ArrowRight', shiftKey: true });
    let copied = '';
    fireEvent.copy(grid, {
      clipboardData: { setData: (_type: string, text: string) => (copied = text), getData: () => '' },
    });
    expect(copied.split(/\r?\n/).filter(Boolean)).toEqual([`${IDS[0]}\treviewed`, `${IDS[1]}\t`]);
  });
});
