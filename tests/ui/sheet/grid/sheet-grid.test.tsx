// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { useStore } from '@/ui/shared/use-store';
import { SheetGrid } from '@/ui/sheet/grid/sheet-grid';
import { SheetStore } from '@/ui/sheet/sheet-store';
import { SheetSummary } from '@/ui/sheet/sheet-summary';

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

/** The sheet between two buttons, as the page has focusable elements before and after the grid. */
function renderBetweenButtons(rows: string[][]) {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.score']);
  const store = new SheetStore(SheetModel.fromRows(columns, rows));
  render(
    <>
      <button type="button">Before</button>
      <SheetGrid store={store} filter="all" />
      <button type="button">After</button>
    </>,
  );
  return { store, grid: screen.getByRole('grid', { name: 'Sheet' }), user: userEvent.setup() };
}

/** The element the grid names as its active cell (aria-activedescendant). */
function activeCell(grid: HTMLElement): HTMLElement | null {
  return document.getElementById(grid.getAttribute('aria-activedescendant') ?? '');
}

describe('the grid from the keyboard (WAI-ARIA data grid)', () => {
  it('is one Tab stop: Tab and Shift+Tab leave it from any cell, headers and buttons inside are not Tab stops', async () => {
    const { grid, user } = renderBetweenButtons([
      [A, '1'],
      [A, '2'],
    ]);
    await user.tab();
    expect(document.activeElement?.textContent).toBe('Before');
    await user.tab();
    expect(document.activeElement).toBe(grid);
    await user.keyboard('{ArrowDown}{ArrowRight}');
    await user.tab();
    expect(document.activeElement?.textContent).toBe('After');
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(grid);
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(activeCell(grid)?.getAttribute('role')).toBe('columnheader');
    await user.tab({ shift: true });
    expect(document.activeElement?.textContent).toBe('Before');
  });

  it('moves to the header row with ArrowUp from the first row; Enter there opens the column menu, not an editor', async () => {
    const { store, grid, user } = renderBetweenButtons([[A, '1']]);
    grid.focus();
    expect(activeCell(grid)?.textContent).toBe(A);
    await user.keyboard('{ArrowRight}{ArrowUp}');
    const header = activeCell(grid);
    expect(header?.getAttribute('role')).toBe('columnheader');
    expect(header?.textContent).toContain('attributes.metadata.score');
    expect(screen.getByText("Enter opens the column's menu").parentElement?.textContent).toBe(
      "Column attributes.metadata.scoreEnter opens the column's menu",
    );

    await user.keyboard('{Enter}');
    const menu = screen.getByRole('dialog', { name: 'Column attributes.metadata.score' });
    expect(screen.queryByRole('textbox', { name: 'Cell value' })).toBeNull();
    expect(menu.contains(document.activeElement)).toBe(true);

    // Esc closes the menu and gives the focus back to the grid, on the same header.
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(grid);
    expect(activeCell(grid)).toBe(header);

    // Space opens it too; the name typed there renames the column, and the cells are untouched.
    await user.keyboard(' ');
    await user.keyboard('{Control>}a{/Control}attributes.metadata.label{Enter}{Escape}');
    expect(store.model.columns[1]?.name).toBe('attributes.metadata.label');
    expect(store.model.columns[1]?.target).toEqual({ kind: 'metadata', key: 'label' });
    expect(store.model.cell(0, 'c1')).toBe('1');
    expect(document.activeElement).toBe(grid);
  });

  it('keeps the focus inside the open column menu: Tab and Shift+Tab wrap around', async () => {
    const { grid, user } = renderBetweenButtons([[A, '1']]);
    grid.focus();
    await user.keyboard('{ArrowUp}{Enter}');
    const menu = screen.getByRole('dialog', { name: /^Column / });
    const name = within(menu).getByRole('textbox', { name: 'Column name' });
    const done = within(menu).getByRole('button', { name: 'Done' });
    expect(document.activeElement).toBe(name);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(done);
    await user.tab();
    expect(document.activeElement).toBe(name);
    for (let press = 0; press < 12; press += 1) {
      await user.tab();
      expect(menu.contains(document.activeElement)).toBe(true);
    }
    await user.click(done);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(grid);
  });

  it('edits with Enter or F2: Enter keeps the value and moves down, Esc cancels and stays, Tab keeps it and leaves', async () => {
    const { store, grid, user } = renderBetweenButtons([
      [A, '1'],
      [A, '2'],
    ]);
    grid.focus();
    await user.keyboard('{ArrowRight}{Enter}');
    const editor = screen.getByRole('textbox', { name: 'Cell value' });
    expect((editor as HTMLInputElement).value).toBe('1');
    await user.keyboard('{Control>}a{/Control}7{Enter}');
    expect(store.model.cell(0, 'c1')).toBe('7');
    expect(document.activeElement).toBe(grid);
    expect(activeCell(grid)?.textContent).toBe('2');

    await user.keyboard('{F2}{Control>}a{/Control}9{Escape}');
    expect(screen.queryByRole('textbox', { name: 'Cell value' })).toBeNull();
    expect(store.model.cell(1, 'c1')).toBe('2');
    expect(document.activeElement).toBe(grid);
    expect(activeCell(grid)?.textContent).toBe('2');

    // Esc again, with nothing being edited, changes nothing and keeps the focus.
    await user.keyboard('{Escape}');
    expect(document.activeElement).toBe(grid);
    expect(store.model.cell(1, 'c1')).toBe('2');

    await user.keyboard('5');
    await user.tab();
    expect(store.model.cell(1, 'c1')).toBe('5');
    expect(document.activeElement?.textContent).toBe('After');
    await user.tab({ shift: true });
    await user.keyboard('6');
    await user.tab({ shift: true });
    expect(store.model.cell(1, 'c1')).toBe('6');
    expect(document.activeElement?.textContent).toBe('Before');
  });

  it('goes to the corners with Ctrl+Home and Ctrl+End, and along a row with Home and End', async () => {
    const last = '0123456789abcdef';
    const { grid, user } = renderBetweenButtons([
      [A, '1'],
      ['1111222233334444', '2'],
      [last, '3'],
    ]);
    grid.focus();
    await user.keyboard('{Control>}{End}{/Control}');
    expect(activeCell(grid)?.textContent).toBe('3');
    await user.keyboard('{Home}');
    expect(activeCell(grid)?.textContent).toBe(last);
    await user.keyboard('{End}');
    expect(activeCell(grid)?.textContent).toBe('3');
    await user.keyboard('{Control>}{Home}{/Control}');
    expect(activeCell(grid)?.textContent).toContain('context.span_id');
  });
});

describe('metadata column headers (issue 25, item 9)', () => {
  it('show the key first, and keep the name the column is found by', () => {
    const { columns } = autoMapColumns([
      'context.span_id',
      'attributes.metadata.reviewed',
      'attributes.metadata.reviewer',
      'patch_document',
    ]);
    const store = new SheetStore(SheetModel.fromRows(columns, [[A, 'true', 'ana', '{"n":1}']]));
    render(<View store={store} />);
    const grid = within(screen.getByRole('grid', { name: 'Sheet' }));
    const headers = grid.getAllByRole('columnheader');
    // The accessible names are the columns' names, read as one word, as before the key was shown first.
    const names = [
      'Row',
      'context.span_idspan ID',
      'attributes.metadata.reviewedauto: boolean, 1 column notice',
      'attributes.metadata.reviewerauto: text',
      'patch_documentJSON object',
    ];
    expect(names.map((name) => grid.getByRole('columnheader', { name }))).toEqual(headers);
    // What is drawn, in order: the key, then the prefix, neither read out.
    const drawn = (header: HTMLElement | undefined) =>
      [...(header?.querySelectorAll('.column-head-name [aria-hidden="true"]') ?? [])].map((part) => [
        part.className,
        part.getAttribute('data-text'),
      ]);
    expect(drawn(headers[2])).toEqual([
      ['column-head-key', 'reviewed'],
      ['column-head-prefix', 'attributes.metadata.'],
    ]);
    expect(drawn(headers[1])).toEqual([]);
    expect(drawn(headers[4])).toEqual([]);
  });
});
