import type { RowStatus } from '@/core/sheet-model';

/** Which rows the grid shows. */
export type RowFilter = 'all' | 'errors' | 'warnings';

/** The rows a filter shows, as sheet row indexes in sheet order. */
export function filterRows(
  statusOf: (row: number) => RowStatus,
  rowCount: number,
  filter: RowFilter,
): number[] {
  const rows: number[] = [];
  for (let row = 0; row < rowCount; row++) {
    if (filter === 'all') rows.push(row);
    else if (filter === 'errors' && statusOf(row) === 'error') rows.push(row);
    else if (filter === 'warnings' && statusOf(row) === 'warning') rows.push(row);
  }
  return rows;
}
