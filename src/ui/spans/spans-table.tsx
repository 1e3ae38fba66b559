import { useCallback, useMemo } from 'react';
import type { SpanSummary } from '@/core/api';
import { DataTable, type DataTableColumn, type DataTableSelection } from '@/ui/shared/data-table';
import { formatSpanTime, metadataCellText } from './spans-format';

/** How close to the last listed span the next page is asked for. */
const PREFETCH_ROWS = 40;

const spanKey = (span: SpanSummary) => span.span_id;

/**
 * The table of found spans, named "Spans": a checkbox per row ("Select span <ID>"; Shift+click selects a range,
 * the arrow keys move between the checkboxes), the span ID as a button that opens its detail, trace ID, name,
 * kind, start time, the first line of its input (spans of one name told apart) and the metadata keys chosen as
 * columns. Only the rows in view are rendered; scrolling near the
 * end asks for the next page.
 */
export function SpansTable({
  spans,
  shownKeys,
  selected,
  onSelectionChange,
  onOpen,
  hasMore,
  onNearEnd,
  busy,
}: {
  spans: readonly SpanSummary[];
  shownKeys: readonly string[];
  selected: ReadonlySet<string>;
  onSelectionChange: (selected: ReadonlySet<string>) => void;
  onOpen: (spanId: string) => void;
  hasMore: boolean;
  onNearEnd: () => void;
  busy: boolean;
}) {
  const onRowsInView = useCallback(
    (lastIndex: number) => {
      if (hasMore && spans.length > 0 && lastIndex >= spans.length - PREFETCH_ROWS) onNearEnd();
    },
    [hasMore, spans.length, onNearEnd],
  );

  const columns = useMemo(
    (): DataTableColumn<SpanSummary>[] => [
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
      {
        id: 'input',
        header: 'Input',
        width: 220,
        grow: true,
        cell: (span) =>
          span.input_preview === null ? '' : <span className="spans-input-line">{span.input_preview}</span>,
        title: (span) => span.input_preview ?? '',
      },
      ...shownKeys.map((key): DataTableColumn<SpanSummary> => ({
        id: `metadata:${key}`,
        header: key,
        width: 140,
        cell: (span) => metadataCellText(span.metadata[key]),
        title: (span) => metadataCellText(span.metadata[key]),
      })),
    ],
    [shownKeys, onOpen],
  );

  const selection: DataTableSelection = {
    selected,
    onChange: onSelectionChange,
    header: 'Selected',
    checkboxLabel: (spanId) => `Select span ${spanId}`,
    rowClassName: 'spans-row-selected',
  };

  return (
    <DataTable
      label="Spans"
      rows={spans}
      columns={columns}
      rowKey={spanKey}
      busy={busy}
      selection={selection}
      onRowsInView={onRowsInView}
      className="spans-table"
    />
  );
}
