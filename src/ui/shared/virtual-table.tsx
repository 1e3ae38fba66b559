import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useRef } from 'react';
import './virtual-table.css';

/** One column of a `VirtualTable`: its header, its width and how a row shows in it. */
export interface VirtualTableColumn<Row> {
  id: string;
  header: string;
  /** Width in pixels; a growing column takes at least this and shares the space left. */
  width: number;
  grow?: boolean;
  cell: (row: Row) => ReactNode;
  /** The full text of the cell as a tooltip, for values cut to fit. */
  title?: (row: Row) => string;
  className?: string;
}

/**
 * A read-only table that renders only the rows in view, so it stays fast at 100,000 rows. It has the table,
 * row, column header and cell roles, with `aria-rowcount` and `aria-rowindex` for the rows not in the DOM.
 * Rows have a fixed height; longer text is cut and shown whole in the cell's tooltip.
 */
export function VirtualTable<Row>({
  label,
  rows,
  columns,
  rowKey,
  rowHeight = 36,
}: {
  label: string;
  rows: readonly Row[];
  columns: readonly VirtualTableColumn<Row>[];
  rowKey: (row: Row, index: number) => string;
  rowHeight?: number;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    getItemKey: (index) => {
      const row = rows[index];
      return row === undefined ? index : rowKey(row, index);
    },
    // Render a first screenful before the scroll area is measured (and where it cannot be, as in jsdom).
    initialRect: { width: 1000, height: 480 },
  });
  const template = columns
    .map((column) => (column.grow ? `minmax(${column.width}px, 1fr)` : `${column.width}px`))
    .join(' ');
  const minWidth = columns.reduce((total, column) => total + column.width, 0);
  const rowStyle = { gridTemplateColumns: template, minWidth };

  return (
    <div
      ref={scrollRef}
      role="table"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      // NOTE: focusable so keyboard users can scroll it.
      tabIndex={0}
      className="virtual-table"
    >
      <div role="rowgroup" className="virtual-table-head">
        <div role="row" aria-rowindex={1} className="virtual-table-row" style={rowStyle}>
          {columns.map((column, index) => (
            <div
              key={column.id}
              role="columnheader"
              aria-colindex={index + 1}
              className="virtual-table-header"
            >
              {column.header}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="virtual-table-body" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (row === undefined) return null;
          return (
            <div
              key={item.key}
              role="row"
              aria-rowindex={item.index + 2}
              className="virtual-table-row"
              style={{ ...rowStyle, height: rowHeight, transform: `translateY(${item.start}px)` }}
            >
              {columns.map((column, index) => (
                <div
                  key={column.id}
                  role="cell"
                  aria-colindex={index + 1}
                  className={`virtual-table-cell ${column.className ?? ''}`}
                  title={column.title?.(row)}
                >
                  {column.cell(row)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
