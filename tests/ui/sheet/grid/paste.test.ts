import { describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { everyCellBlank, pasteEdits, tableFromPastedBlock } from '@/ui/sheet/grid/paste';
import { emptySheet } from '@/ui/sheet/sheet-store';

const A = '61dbffb32f20ddb6';
const B = '0123456789abcdef';

function sheet(rows: string[][]) {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.x']);
  return SheetModel.fromRows(columns, rows);
}

describe('pasting a block', () => {
  it('sets existing cells and adds the rows it reaches past the end', () => {
    const model = sheet([[A, '1']]);
    const edits = pasteEdits(
      [
        [B, '2'],
        ['c', '3'],
      ],
      { row: 0, column: 0 },
      model.columns,
      [0],
      1,
      true,
    );
    expect(edits).toEqual([
      { kind: 'insert_rows', at: 1, rows: [{ c0: 'c', c1: '3' }] },
      {
        kind: 'set_cells',
        cells: [
          { row: 0, columnId: 'c0', value: B },
          { row: 0, columnId: 'c1', value: '2' },
        ],
      },
    ]);
  });

  it('cuts columns past the last and adds no rows while a filter hides some', () => {
    const model = sheet([
      [A, '1'],
      [B, '2'],
    ]);
    const edits = pasteEdits(
      [
        ['x', 'y', 'z'],
        ['u', 'v'],
      ],
      { row: 0, column: 1 },
      model.columns,
      [1],
      2,
      false,
    );
    expect(edits).toEqual([{ kind: 'set_cells', cells: [{ row: 1, columnId: 'c1', value: 'x' }] }]);
  });

  it('makes a table for the mapping step from a block with a span ID header, and only then', () => {
    const pasted = tableFromPastedBlock([
      ['span_id', 'label', 'attributes.metadata.q'],
      [A, 'refund', '3'],
      [B, '', ''],
    ]);
    expect(pasted).toMatchObject({
      headers: ['span_id', 'label', 'attributes.metadata.q'],
      rows: [
        [A, 'refund', '3'],
        [B, undefined, undefined],
      ],
      origin: 'text',
    });
    // The mapping step offers `label` as the project's key; mapped, the sheet sends it.
    const { columns, allRecognized } = autoMapColumns(pasted?.headers ?? [], 'text', ['label']);
    expect(allRecognized).toBe(false);
    expect(columns[1]?.target).toEqual({ kind: 'metadata', key: 'label' });
    const model = SheetModel.fromRows(columns, pasted?.rows ?? []);
    expect(model.submittableSpans()).toEqual([{ span_id: A, patch_document: { label: 'refund', q: 3 } }]);
    expect(tableFromPastedBlock([[A, '3']])).toBeNull();
    expect(
      tableFromPastedBlock([
        ['label', 'q'],
        ['x', '3'],
      ]),
    ).toBeNull();
    expect(everyCellBlank(emptySheet())).toBe(true);
    expect(everyCellBlank(sheet([[A, '']]))).toBe(false);
  });
});
