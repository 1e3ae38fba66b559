import { describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { filterRows } from '@/ui/sheet/grid/row-filter';

const A = '61dbffb32f20ddb6';

function sheet(rows: string[][]) {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.x']);
  return SheetModel.fromRows(columns, rows);
}

describe('the row filter', () => {
  it('shows all rows, rows with errors or rows with warnings', () => {
    const model = sheet([
      [A, '1'],
      ['', '2'],
      [A.toUpperCase(), '3'],
      ['', ''],
    ]);
    const statusOf = (row: number) => model.rowStatus(row);
    expect([...filterRows(statusOf, 4, 'all')]).toEqual([0, 1, 2, 3]);
    expect([...filterRows(statusOf, 4, 'errors')]).toEqual([1]);
    expect([...filterRows(statusOf, 4, 'warnings')]).toEqual([0, 2]);
  });
});
