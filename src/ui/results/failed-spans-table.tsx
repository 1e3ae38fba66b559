import { parseErrorMessage } from '@/core/error-types';
import type { FailedSpan } from '@/core/submission-outcome';
import { formatSourceRows } from './failed-span-filter';
import { VirtualTable, type VirtualTableColumn } from '@/ui/shared/virtual-table';

const columns: VirtualTableColumn<FailedSpan>[] = [
  {
    id: 'span',
    header: 'Span ID',
    width: 190,
    cell: (span) => <code>{span.spanId}</code>,
    title: (span) => span.spanId,
  },
  {
    id: 'type',
    header: 'Error type',
    width: 170,
    cell: (span) => (
      <>
        {span.type}
        {span.blocked && <span className="failed-span-blocked"> · blocked</span>}
      </>
    ),
    title: (span) => (span.blocked ? `${span.type}, blocked before sending` : span.type),
  },
  {
    id: 'message',
    header: 'Message',
    width: 320,
    grow: true,
    className: 'failed-span-message',
    cell: (span) => parseErrorMessage(span.message).detail,
    title: (span) => span.message,
  },
  {
    id: 'rows',
    header: 'Source row(s)',
    width: 130,
    cell: (span) => formatSourceRows(span.rows),
    title: (span) => formatSourceRows(span.rows),
  },
];

/**
 * The failed and blocked spans, virtualized: span ID, error type (blocked spans marked), message and the sheet
 * rows each came from.
 */
export function FailedSpansTable({ spans }: { spans: readonly FailedSpan[] }) {
  return (
    <VirtualTable
      label="Failed spans"
      rows={spans}
      columns={columns}
      rowKey={(span, index) => `${span.spanId}-${index}`}
      rowHeight={48}
    />
  );
}
