import type { RowStatus } from '@/core/sheet';

/** Which rows the grid shows. */
export type RowFilter = 'all' | 'errors' | 'warnings';

/** The rows a filter shows, as sheet row indexes in sheet order: an integer array, no object per row. */
export function filterRows(
  statusOf: (row: number) => RowStatus,
  rowCount: number,
  filter: RowFilter,
): Int32Array {
  if (filter === 'all') {
    const rows = new Int32Array(rowCount);
    for (let row = 0; row < rowCount; row++) rows[row] = row;
    return rows;
  }
  const wanted: RowStatus = filter === 'errors' ? 'error' : 'warning';
  const rows = new Int32Array(rowCount);
  let count = 0;
  for (let row = 0; row < rowCount; row++) if (statusOf(row) === wanted) rows[count++] = row;
  return rows.slice(0, count);
}
