import { describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { freshColumnId, newMetadataColumn } from '@/ui/sheet/columns/new-column';
import { SheetStore } from '@/ui/sheet/sheet-store';

const A = '61dbffb32f20ddb6';

function sheet(rows: string[][]) {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.x']);
  return SheetModel.fromRows(columns, rows);
}

describe('adding a column', () => {
  it('gives it an id the sheet does not use, the same for the same sheet', () => {
    const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.x']);
    expect(freshColumnId(columns)).toBe('n1');
    const withAdded = columns.map((column, index) => (index === 1 ? { ...column, id: 'n7' } : column));
    expect(freshColumnId(withAdded)).toBe('n8');
    expect(freshColumnId(withAdded)).toBe('n8');
  });

  it('adds a column for the key the user named, before patch_document, or last', () => {
    const plain = autoMapColumns(['context.span_id', 'attributes.metadata.x']).columns;
    expect(newMetadataColumn(plain, ' label ')).toEqual({
      at: 2,
      column: {
        id: 'n1',
        name: 'attributes.metadata.label',
        target: { kind: 'metadata', key: 'label' },
        type: 'auto',
        blankPolicy: 'skip',
        origin: 'text',
      },
    });
    const withPatch = autoMapColumns(['context.span_id', 'patch_document']).columns;
    expect(newMetadataColumn(withPatch, 'priority')).toMatchObject({
      at: 1,
      column: { name: 'attributes.metadata.priority' },
    });
  });

  it('lets the store add it and take it back', () => {
    const store = new SheetStore(sheet([[A, '1']]));
    const { column, at } = newMetadataColumn(store.model.columns, 'label');
    store.apply({ kind: 'add_column', at, column }, 'Add column');
    expect(store.model.columns.map((candidate) => candidate.id)).toEqual(['c0', 'c1', 'n1']);
    store.undo();
    expect(store.model.columns.map((candidate) => candidate.id)).toEqual(['c0', 'c1']);
  });
});
