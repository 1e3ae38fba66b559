import { parseErrorMessage, type SpanError } from '@/core/api';
import { describeErrorMessage } from '@/core/words';
import { supportDetailsText } from '@/ui/shared/support-details';
import type { DataTableColumn } from '@/ui/shared/data-table';

/** The columns of a table of per-span errors: span ID, error type and message in plain words (codes on hover). */
export function spanErrorColumns(widths: { type: number; message: number }): DataTableColumn<SpanError>[] {
  return [
    {
      id: 'span',
      header: 'Span ID',
      width: 190,
      cell: (error) => <code>{error.span_id}</code>,
      title: (error) => error.span_id,
    },
    {
      id: 'type',
      header: 'Error type',
      width: widths.type,
      cell: (error) => describeErrorMessage(error.error_message).typeLabel,
      title: (error) => supportDetailsText(parseErrorMessage(error.error_message).type),
    },
    {
      id: 'message',
      header: 'Message',
      width: widths.message,
      grow: true,
      cell: (error) => describeErrorMessage(error.error_message).text,
      title: (error) => supportDetailsText(error.error_message),
    },
  ];
}
