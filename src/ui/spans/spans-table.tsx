import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useEffect, useRef } from 'react';
import type { SpanSummary } from '@/core/api';
import { formatSpanTime, metadataCellText } from './spans-format';
import '@/ui/shared/virtual-table.css';

const ROW_HEIGHT = 36;
/** How close to the last listed span the next page is asked for. */
const PREFETCH_ROWS = 40;

interface Column {
  id: string;
  header: ReactNode;
  width: number;
  grow?: boolean;
  cell: (span: SpanSummary) => ReactNode;
  title?: (span: SpanSummary) => string;
}

/**
 * The table of found spans, named "Spans": a checkbox per row ("Select span <ID>"), the span ID as a button that
 * opens its detail, trace ID, name, kind, start time and the metadata keys chosen as columns. Only the rows in
 * view are rendered; scrolling near the end asks for the next page.
 */
export function SpansTable({
  spans,
  shownKeys,
  selected,
  onSelect,
  onOpen,
  hasMore,
  onNearEnd,
  busy,
}: {
  spans: readonly SpanSummary[];
  shownKeys: readonly string[];
  selected: ReadonlySet<string>;
  onSelect: (spanId: string, selected: boolean) => void;
  onOpen: (spanId: string) => void;
  hasMore: boolean;
  onNearEnd: () => void;
  busy: boolean;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: spans.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => spans[index]?.span_id ?? index,
    // Render a first screenful before the scroll area is measured (and where it cannot be, as in jsdom).
    initialRect: { width: 1000, height: 480 },
  });
  const items = virtualizer.getVirtualItems();
  const lastInView = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (hasMore && spans.length > 0 && lastInView >= spans.length - PREFETCH_ROWS) onNearEnd();
  }, [hasMore, lastInView, spans.length, onNearEnd]);

  const columns: Column[] = [
    {
      id: 'select',
      header: <span className="visually-hidden">Selected</span>,
      width: 44,
      cell: (span) => (
        <input
          type="checkbox"
          aria-label={`Select span ${span.span_id}`}
          checked={selected.has(span.span_id)}
          onChange={(event) => onSelect(span.span_id, event.target.checked)}
        />
      ),
    },
    {
      id: 'span_id',
      header: 'Span ID',
      width: 170,
      cell: (span) => (
        <button
          type="button"
          className="spans-id-button"
          aria-label={`Open span ${span.span_id}`}
          onClick={() => onOpen(span.span_id)}
        >
          <code>{span.span_id}</code>
        </button>
      ),
      title: (span) => span.span_id,
    },
    {
      id: 'trace_id',
      header: 'Trace ID',
      width: 150,
      cell: (span) => <code>{span.trace_id}</code>,
      title: (span) => span.trace_id,
    },
    {
      id: 'name',
      header: 'Name',
      width: 200,
      grow: true,
      cell: (span) => span.name,
      title: (span) => span.name,
    },
    { id: 'kind', header: 'Kind', width: 100, cell: (span) => span.kind },
    {
      id: 'start_time',
      header: 'Start time',
      width: 190,
      cell: (span) => <time dateTime={span.start_time}>{formatSpanTime(span.start_time)}</time>,
      title: (span) => span.start_time,
    },
    ...shownKeys.map((key): Column => ({
      id: `metadata:${key}`,
      header: key,
      width: 140,
      cell: (span) => metadataCellText(span.metadata[key]),
      title: (span) => metadataCellText(span.metadata[key]),
    })),
  ];
  const template = columns
    .map((column) => (column.grow ? `minmax(${column.width}px, 1fr)` : `${column.width}px`))
    .join(' ');
  const minWidth = columns.reduce((total, column) => total + column.width, 0);
  const rowStyle = { gridTemplateColumns: template, minWidth };

  return (
    <div
      ref={scrollRef}
      role="table"
      aria-label="Spans"
      aria-rowcount={spans.length + 1}
      aria-colcount={columns.length}
      aria-busy={busy}
      // NOTE: focusable so keyboard users can scroll it.
      tabIndex={0}
      className="virtual-table spans-table"
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
        {items.map((item) => {
          const span = spans[item.index];
          if (span === undefined) return null;
          const isSelected = selected.has(span.span_id);
          return (
            <div
              key={item.key}
              role="row"
              aria-rowindex={item.index + 2}
              className={`virtual-table-row${isSelected ? ' spans-row-selected' : ''}`}
              style={{ ...rowStyle, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
            >
              {columns.map((column, index) => (
                <div
                  key={column.id}
                  role="cell"
                  aria-colindex={index + 1}
                  className="virtual-table-cell"
                  title={column.title?.(span)}
                >
                  {column.cell(span)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
