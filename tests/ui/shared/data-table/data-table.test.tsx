// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataTable, type DataTableColumn } from '@/ui/shared/data-table';
import { giveLayout } from '../../page-setup';

interface Item {
  id: string;
  name: string;
}

const items = (count: number): Item[] =>
  Array.from({ length: count }, (_, index) => ({ id: `item-${index}`, name: `Name ${index}` }));

const columns: DataTableColumn<Item>[] = [
  { id: 'id', header: 'ID', width: 100, cell: (item) => <code>{item.id}</code>, title: (item) => item.id },
  { id: 'name', header: 'Name', width: 200, grow: true, cell: (item) => item.name },
];

const keyOf = (item: Item) => item.id;

/** A table of `count` items whose selection is kept by the test, as a view's store keeps it. */
function Selectable({ count, onSelection }: { count: number; onSelection: (selected: string[]) => void }) {
  const [rows] = useState(() => items(count));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  return (
    <DataTable
      label="Items"
      rows={rows}
      columns={columns}
      rowKey={keyOf}
      selection={{
        selected,
        onChange: (next) => {
          setSelected(next);
          onSelection([...next]);
        },
        header: 'Selected',
        checkboxLabel: (key) => `Select ${key}`,
        rowClassName: 'picked',
      }}
    />
  );
}

beforeAll(() => giveLayout({ height: 480 }));
afterEach(cleanup);

describe('DataTable', () => {
  it('is a named table with its headers, counting the rows it does not draw', () => {
    render(<DataTable label="Items" rows={items(100_000)} columns={columns} rowKey={keyOf} />);
    const table = screen.getByRole('table', { name: 'Items' });
    expect(table.getAttribute('aria-rowcount')).toBe('100001');
    expect(table.getAttribute('aria-colcount')).toBe('2');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['ID', 'Name']);
    const rows = within(table).getAllByRole('row');
    // The header row and a screenful of rows, not 100,000.
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    const first = rows[1];
    expect(first?.getAttribute('aria-rowindex')).toBe('2');
    const cells = within(first as HTMLElement).getAllByRole('cell');
    expect(cells.map((cell) => cell.textContent)).toEqual(['item-0', 'Name 0']);
    expect(cells[0]?.getAttribute('title')).toBe('item-0');
  });

  it('selects a row with its checkbox, and every row from the last one clicked with Shift+click', async () => {
    const user = userEvent.setup();
    let selection: string[] = [];
    render(<Selectable count={20} onSelection={(next) => (selection = next)} />);
    const table = screen.getByRole('table', { name: 'Items' });
    expect(within(table).getAllByRole('columnheader')[0]?.textContent).toBe('Selected');
    await user.click(screen.getByRole('checkbox', { name: 'Select item-2' }));
    expect(selection).toEqual(['item-2']);
    await user.keyboard('{Shift>}');
    await user.click(screen.getByRole('checkbox', { name: 'Select item-5' }));
    await user.keyboard('{/Shift}');
    expect(selection).toEqual(['item-2', 'item-3', 'item-4', 'item-5']);
    expect(screen.getByRole('checkbox', { name: 'Select item-4' })).toHaveProperty('checked', true);
    expect(
      screen.getByRole('checkbox', { name: 'Select item-4' }).closest('[role="row"]')?.className,
    ).toContain('picked');
    // Shift+click on a selected row clears the range from the last one clicked.
    await user.keyboard('{Shift>}');
    await user.click(screen.getByRole('checkbox', { name: 'Select item-3' }));
    await user.keyboard('{/Shift}');
    expect(selection).toEqual(['item-2']);
    await user.click(screen.getByRole('checkbox', { name: 'Select item-2' }));
    expect(selection).toEqual([]);
  });

  it('moves between the rows’ checkboxes with the arrow keys, Shift selecting the rows on the way', async () => {
    const user = userEvent.setup();
    let selection: string[] = [];
    render(<Selectable count={20} onSelection={(next) => (selection = next)} />);
    await user.click(screen.getByRole('checkbox', { name: 'Select item-1' }));
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(screen.getByRole('checkbox', { name: 'Select item-2' }));
    expect(selection).toEqual(['item-1']);
    await user.keyboard('{Shift>}{ArrowDown}{ArrowDown}{/Shift}');
    expect(document.activeElement).toBe(screen.getByRole('checkbox', { name: 'Select item-4' }));
    expect(selection).toEqual(['item-1', 'item-2', 'item-3', 'item-4']);
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(screen.getByRole('checkbox', { name: 'Select item-3' }));
    await user.keyboard('{Home}');
    expect(document.activeElement).toBe(screen.getByRole('checkbox', { name: 'Select item-0' }));
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(screen.getByRole('checkbox', { name: 'Select item-19' }));
    expect(selection).toEqual(['item-1', 'item-2', 'item-3', 'item-4']);
  });
});
