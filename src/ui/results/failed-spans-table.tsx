import type { FailedSpan } from '@/core/outcome';
import { describeErrorMessage, errorTypeLabel } from '@/core/words';
import { supportDetailsText } from '@/ui/shared/support-details';
import { DataTable, type DataTableColumn } from '@/ui/shared/data-table';
import { formatSourceRows } from './failed-span-filter';

const columns: DataTableColumn<FailedSpan>[] = [
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
    width: 200,
    cell: (span) => (
      <>
        {errorTypeLabel(span.type)}
        {/* NOTE: a no-break space: the cell is a flex box, which drops a leading space. */}
        {span.blocked && <span className="failed-span-blocked">{'\u00a0'}· blocked</span>}
        {span.leftOut && <span className="failed-span-blocked">{'\u00a0'}· left out</span>}
      </>
    ),
    title: (span) =>
      `${errorTypeLabel(span.type)}${span.blocked ? ', blocked before sending' : ''}. ${supportDetailsText(span.type)}`,
  },
  {
    id: 'message',
    header: 'Message',
    width: 320,
    grow: true,
    className: 'failed-span-message',
    cell: (span) => describeErrorMessage(span.message).text,
    title: (span) => supportDetailsText(span.message),
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
 * The failed and blocked spans, virtualized: span ID, error type (blocked spans marked) and message in words
 * (the codes in each cell's tooltip), and the sheet rows each came from.
 */
export function FailedSpansTable({ spans }: { spans: readonly FailedSpan[] }) {
  return (
    <DataTable
      label="Failed spans"
      rows={spans}
      columns={columns}
      rowKey={(span, index) => `${span.spanId}-${index}`}
      rowHeight={48}
    />
  );
}
