import {
  constructRow,
  createColumnHelper,
  type Row as TableRow,
  type RowData,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from '@/ui/shared/use-store';
import { moveRow, selectRange, toggleSelected } from './selection';
import { TableStore } from './table-store';
import './data-table.css';

/** One column of a `DataTable`: its header, its width and how a row shows in it. */
export interface DataTableColumn<Row> {
  id: string;
  header: ReactNode;
  /** Width in pixels; a growing column takes at least this and shares the space left. */
  width: number;
  grow?: boolean;
  cell: (row: Row) => ReactNode;
  /** The full text of the cell as a tooltip, for values cut to fit. */
  title?: (row: Row) => string;
  className?: string;
}

/** A table whose rows can be selected: a checkbox column comes first. */
export interface DataTableSelection {
  /** The selected rows' keys (`rowKey`); rows not listed may be among them. */
  selected: ReadonlySet<string>;
  onChange: (selected: ReadonlySet<string>) => void;
  /** The checkbox column's header, for screen readers only. */
  header: string;
  /** The accessible name of a row's checkbox. */
  checkboxLabel: (key: string) => string;
  /** The class of a selected row. */
  rowClassName?: string;
}

const features = tableFeatures({});
/** The width of the checkbox column, in pixels. */
const CHECKBOX_WIDTH = 44;

declare module '@tanstack/react-table' {
  // Declaration merging types the metadata each column carries (TanStack's ColumnMeta).
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TFeatures, TData, TValue> {
    dataColumn?: DataTableColumn<TData>;
  }
}

/**
 * A header's or a cell's content from its column's template, called as a function (not made a component, as
 * `flexRender` does): its DOM then stays across renders, so a checkbox keeps the focus when the selection changes.
 */
function renderTemplate<Context>(
  template: string | ((context: Context) => unknown) | undefined,
  context: Context,
) {
  return (typeof template === 'function' ? template(context) : template) as ReactNode;
}

/** What the checkbox column reads of the render in progress. */
interface SelectionNow {
  selection: DataTableSelection | undefined;
  keys: readonly string[];
}

/** A row's checkbox: a click toggles the row; Shift+click sets the rows from the anchor to it alike. */
function SelectBox({
  rowKey,
  store,
  current,
}: {
  rowKey: string;
  store: TableStore;
  current: RefObject<SelectionNow>;
}) {
  const { selection } = current.current;
  if (!selection) return null;
  return (
    <input
      type="checkbox"
      aria-label={selection.checkboxLabel(rowKey)}
      checked={selection.selected.has(rowKey)}
      onChange={(event) => {
        const on = event.target.checked;
        // NOTE: a checkbox's change comes from a click (of the mouse, or Space), which carries Shift.
        const shift = event.nativeEvent instanceof MouseEvent && event.nativeEvent.shiftKey;
        const { anchor } = store.getState();
        const { selected, onChange } = selection;
        const { keys } = current.current;
        onChange(
          shift ? selectRange(selected, keys, anchor, rowKey, on) : toggleSelected(selected, rowKey, on),
        );
        store.setAnchor(rowKey);
      }}
    />
  );
}

/** The height of the viewport, in rows, a PageUp or PageDown moves (a screenful less one). */
function pageRows(element: HTMLElement | null, rowHeight: number): number {
  return Math.max(1, Math.floor((element?.clientHeight ?? 480) / rowHeight) - 2);
}

/**
 * A table that renders only the rows in view, so it stays fast at 100,000 rows: the columns, headers, rows and
 * cells are TanStack Table's (its rows made only for the rows drawn), the rows in view TanStack Virtual's. It has the table, row, column header and cell roles, with
 * `aria-rowcount` and `aria-rowindex` for the rows not in the DOM. Rows have a fixed height; longer text is cut and
 * shown whole in the cell's tooltip. The table is focusable, so a keyboard scrolls it. A row is an object (as
 * TanStack Table's rows are).
 *
 * With `selection`, each row starts with a checkbox: a click toggles the row, Shift+click sets every row from the
 * one clicked last to this one alike (`selectRange`); on a checkbox, ArrowUp/ArrowDown, PageUp/PageDown and
 * Home/End move to another row's checkbox (`moveRow`), with Shift selecting the rows on the way.
 */
export function DataTable<Row extends RowData>({
  label,
  rows,
  columns,
  rowKey,
  rowHeight = 36,
  busy,
  selection,
  onRowsInView,
  className,
}: {
  label: string;
  rows: readonly Row[];
  columns: readonly DataTableColumn<Row>[];
  rowKey: (row: Row, index: number) => string;
  rowHeight?: number;
  busy?: boolean;
  selection?: DataTableSelection;
  /** Told the index of the last row drawn, as the rows in view change (to ask for the next page in time). */
  onRowsInView?: (lastIndex: number) => void;
  className?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [store] = useState(() => new TableStore());
  const focusRow = useStore(store, (state) => state.focusRow);
  // NOTE: a row's key depends on the row and its place alone: computed again for new rows, not a new `rowKey`.
  const rowKeyRef = useRef(rowKey);
  rowKeyRef.current = rowKey;
  const keys = useMemo(() => rows.map((row, index) => rowKeyRef.current(row, index)), [rows]);

  /** The columns as laid out, the checkbox column first when rows can be selected. */
  const layout = useMemo(
    (): readonly Pick<DataTableColumn<Row>, 'width' | 'grow'>[] =>
      selection ? [{ width: CHECKBOX_WIDTH }, ...columns] : columns,
    [columns, selection],
  );

  // NOTE: the checkbox column reads the selection of this render through a ref, so the columns (and TanStack's
  // rows) stay the same objects while the selection changes.
  const current = useRef({ selection, keys });
  current.current = { selection, keys };
  const selectable = selection !== undefined;
  const selectHeader = selection?.header;

  const tableColumns = useMemo(() => {
    const helper = createColumnHelper<typeof features, Row>();
    const shown = columns.map((column) =>
      helper.display({
        id: column.id,
        header: () => column.header,
        cell: (context) => column.cell(context.row.original),
        meta: { dataColumn: column },
      }),
    );
    if (!selectable) return helper.columns(shown);
    const select = helper.display({
      id: 'select',
      header: () => <span className="visually-hidden">{selectHeader}</span>,
      cell: ({ row }) => <SelectBox rowKey={row.id} store={store} current={current} />,
    });
    return helper.columns([select, ...shown]);
  }, [columns, selectable, selectHeader, store]);
  const data = rows as Row[];
  const table = useTable({
    features,
    columns: tableColumns,
    data,
  });
  // NOTE: TanStack's rows are made for the rows drawn only, as they scroll into view: its row model would make a
  // row object for each of 100,000 rows before drawing the first (a second, where this takes a millisecond).
  // eslint-disable-next-line react-hooks/exhaustive-deps -- a new table or new columns make the rows anew
  const madeRows = useMemo(() => new WeakMap<Row, TableRow<typeof features, Row>>(), [table, tableColumns]);
  const rowAt = (index: number) => {
    const original = rows[index];
    const key = keys[index];
    if (original === undefined || key === undefined) return undefined;
    const made = madeRows.get(original);
    if (made && made.index === index && made.id === key) return made;
    const row = constructRow(table, key, original, index, 0);
    madeRows.set(original, row);
    return row;
  };

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    getItemKey: (index) => keys[index] ?? index,
    // Render a first screenful before the scroll area is measured (and where it cannot be, as in jsdom).
    initialRect: { width: 1000, height: 480 },
  });
  const items = virtualizer.getVirtualItems();
  const lastInView = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (lastInView >= 0) onRowsInView?.(lastInView);
  }, [lastInView, onRowsInView]);

  // A keyboard move drew the row: its checkbox takes the focus.
  useEffect(() => {
    if (focusRow === null) return;
    const box = scrollRef.current?.querySelector<HTMLInputElement>(`[data-row-index="${focusRow}"] input`);
    if (!box) return;
    box.focus();
    store.setFocusRow(null);
  });

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (!selection) return;
    const target = event.target as HTMLElement;
    if (!(target instanceof HTMLInputElement) || target.type !== 'checkbox') return;
    const rowElement = target.closest<HTMLElement>('[data-row-index]');
    const index = Number(rowElement?.dataset.rowIndex ?? Number.NaN);
    if (Number.isNaN(index)) return;
    const to = moveRow(index, event, keys.length, pageRows(scrollRef.current, rowHeight));
    const key = to === null ? undefined : keys[to];
    if (to === null || key === undefined || to === index) return;
    event.preventDefault();
    if (event.shiftKey) {
      const anchor = store.getState().anchor ?? keys[index] ?? null;
      selection.onChange(selectRange(selection.selected, keys, anchor, key, true));
      store.setAnchor(anchor);
    }
    virtualizer.scrollToIndex(to, { align: 'auto' });
    store.setFocusRow(to);
  };

  const template = layout
    .map((column) => (column.grow ? `minmax(${column.width}px, 1fr)` : `${column.width}px`))
    .join(' ');
  const minWidth = layout.reduce((total, column) => total + column.width, 0);
  const rowStyle = { gridTemplateColumns: template, minWidth };

  return (
    // NOTE: the keys handled here are those of the checkboxes inside; the table itself is focusable to scroll.
    <div
      ref={scrollRef}
      role="table"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      aria-colcount={layout.length}
      aria-busy={busy}
      // NOTE: focusable so keyboard users can scroll it.
      tabIndex={0}
      className={`data-table${className ? ` ${className}` : ''}`}
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup" className="data-table-head">
        {table.getHeaderGroups().map((group) => (
          <div key={group.id} role="row" aria-rowindex={1} className="data-table-row" style={rowStyle}>
            {group.headers.map((header, index) => (
              <div
                key={header.id}
                role="columnheader"
                aria-colindex={index + 1}
                className="data-table-header"
              >
                {renderTemplate(header.column.columnDef.header, header.getContext())}
              </div>
            ))}
          </div>
        ))}
      </div>
      <div role="rowgroup" className="data-table-body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rowAt(item.index);
          if (row === undefined) return null;
          const selected = selection?.selected.has(row.id) ?? false;
          return (
            <div
              key={item.key}
              role="row"
              aria-rowindex={item.index + 2}
              data-row-index={item.index}
              className={`data-table-row${selected && selection?.rowClassName ? ` ${selection.rowClassName}` : ''}`}
              style={{ ...rowStyle, height: rowHeight, transform: `translateY(${item.start}px)` }}
            >
              {row.getAllCells().map((cell, index) => {
                const column = cell.column.columnDef.meta?.dataColumn;
                return (
                  <div
                    key={cell.id}
                    role="cell"
                    aria-colindex={index + 1}
                    className={`data-table-cell ${column?.className ?? ''}`}
                    title={column?.title?.(row.original)}
                  >
                    {renderTemplate(cell.column.columnDef.cell, cell.getContext())}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
