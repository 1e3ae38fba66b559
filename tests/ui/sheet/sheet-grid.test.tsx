// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet-model';
import { SheetGrid } from '@/ui/sheet/sheet-grid';
import { SheetStore } from '@/ui/sheet/sheet-store';
import { SheetSummary } from '@/ui/sheet/sheet-summary';
import { useStore } from '@/ui/shared/use-store';

const A = '61dbffb32f20ddb6';

function View({ store }: { store: SheetStore }) {
  const summary = useStore(store, (state) => state.model.summary());
  return (
    <>
      <SheetSummary summary={summary} />
      <SheetGrid store={store} filter="all" />
    </>
  );
}

function renderSheet(rows: string[][]) {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.score']);
  const store = new SheetStore(SheetModel.fromRows(columns, rows));
  render(<View store={store} />);
  return store;
}

// jsdom lays nothing out: give the grid's scroll area a size so the virtualizer renders rows.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 640 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
});

afterEach(cleanup);

describe('the sheet grid', () => {
  it('is a grid with a row count, column headers and a summary', () => {
    renderSheet([
      [A, '1'],
      ['', '2'],
    ]);
    const grid = screen.getByRole('grid', { name: 'Sheet' });
    expect(grid.getAttribute('aria-rowcount')).toBe('3');
    expect(
      within(grid)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Row', 'context.span_idspan ID', 'attributes.metadata.scoreauto: number']);
    expect(screen.getByRole('status', { name: 'Sheet summary' }).textContent).toBe(
      '2 rows1 span1 error0 warnings',
    );
  });

  it('edits a cell from the keyboard and updates the summary from the engine', () => {
    const store = renderSheet([[A, '1']]);
    const grid = screen.getByRole('grid', { name: 'Sheet' });
    grid.focus();
    fireEvent.keyDown(grid, { key: 'ArrowRight' });
    fireEvent.keyDown(grid, { key: 'F2' });
    const editor = screen.getByRole('textbox', { name: 'Cell value' });
    fireEvent.change(editor, { target: { value: 'N/A' } });
    fireEvent.keyDown(editor, { key: 'Enter' });
    expect(store.model.cell(0, 'c1')).toBe('N/A');
    expect(screen.getByRole('status', { name: 'Sheet summary' }).textContent).toContain('0 errors');
    expect(store.model.columnInfo('c1')?.readType).toBe('string');

    act(() => store.undo());
    expect(store.model.cell(0, 'c1')).toBe('1');
  });

  it('marks a cell with an error for assistive technology and cancels an edit with Escape', () => {
    const { columns } = autoMapColumns(['context.span_id', 'patch_document']);
    const store = new SheetStore(SheetModel.fromRows(columns, [[A, '{bad']]));
    render(<View store={store} />);
    const invalid = screen
      .getAllByRole('gridcell')
      .find((cell) => cell.getAttribute('aria-invalid') === 'true');
    expect(invalid?.textContent).toContain('{bad');
    const description = document.getElementById(invalid?.getAttribute('aria-describedby') ?? '');
    expect(description?.textContent).toMatch(/^Error: patch_document is not valid JSON/);

    const grid = screen.getByRole('grid', { name: 'Sheet' });
    fireEvent.keyDown(grid, { key: 'x' });
    const editor = screen.getByRole('textbox', { name: 'Cell value' });
    expect((editor as HTMLInputElement).value).toBe('x');
    fireEvent.keyDown(editor, { key: 'Escape' });
    expect(store.model.cell(0, 'c0')).toBe(A);
  });
});
