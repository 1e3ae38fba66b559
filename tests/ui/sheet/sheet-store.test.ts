import { describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { emptySheet, SheetStore } from '@/ui/sheet/sheet-store';

const A = '61dbffb32f20ddb6';
const B = '0123456789abcdef';

function sheet(rows: string[][]) {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.x']);
  return SheetModel.fromRows(columns, rows);
}

describe('the sheet store', () => {
  it('undoes and redoes every edit, a paste of several edits as one step', () => {
    const store = new SheetStore(sheet([[A, '1']]));
    let notified = 0;
    store.subscribe(() => notified++);
    store.applyAll(
      [
        { kind: 'insert_rows', at: 1, rows: [{ c0: B, c1: '2' }] },
        { kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: '9' }] },
      ],
      'Paste',
    );
    expect(store.model.submittableSpans().map((span) => span.patch_document.x)).toEqual([9, 2]);
    expect(store.undoLabel).toBe('Paste');
    store.undo();
    expect(store.model.rowCount).toBe(1);
    expect(store.model.cell(0, 'c1')).toBe('1');
    store.redo();
    expect(store.model.rowCount).toBe(2);
    expect(store.model.cell(0, 'c1')).toBe('9');
    expect(notified).toBe(3);
    expect(store.dirty).toBe(true);
  });

  it('changes its structure version when rows are added, so row lists are rebuilt', () => {
    const store = new SheetStore(sheet([[A, '1']]));
    const before = store.getState().structureVersion;
    store.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: '2' }] }, 'Edit');
    expect(store.getState().structureVersion).toBe(before);
    expect(store.getState().version).toBe(1);
    store.apply({ kind: 'insert_rows', at: 1, rows: [{}] }, 'Add row');
    expect(store.getState().structureVersion).toBe(before + 1);
  });

  it('refuses edits while read-only and starts history afresh on replace', () => {
    const store = new SheetStore(sheet([[A, '1']]));
    store.setReadOnly(true);
    store.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: '2' }] }, 'Edit');
    expect(store.model.cell(0, 'c1')).toBe('1');
    store.setReadOnly(false);
    store.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: '2' }] }, 'Edit');
    store.replace(emptySheet(), { name: 'New sheet', kind: 'new' });
    expect(store.canUndo).toBe(false);
    expect(store.dirty).toBe(false);
  });
});
