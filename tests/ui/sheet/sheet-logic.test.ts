import { describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { cellFromText, cellText } from '@/ui/shared/cell-text';
import { freshColumnId, newMetadataColumn } from '@/ui/sheet/columns/new-column';
import { formatClipboardTable } from '@/ui/sheet/grid/clipboard';
import { everyCellBlank, pasteEdits, tableFromPastedBlock } from '@/ui/sheet/grid/paste';
import { filterRows } from '@/ui/sheet/grid/row-filter';
import { emptySheet, SheetStore } from '@/ui/sheet/sheet-store';

const A = '61dbffb32f20ddb6';
const B = '0123456789abcdef';

function sheet(rows: string[][]) {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.x']);
  return SheetModel.fromRows(columns, rows);
}

describe('cell text', () => {
  it('shows values as the user typed them, typed values as JSON', () => {
    expect(cellText(undefined)).toBe('');
    expect(cellText(null)).toBe('null');
    expect(cellText('a')).toBe('a');
    expect(cellText(3)).toBe('3');
    expect(cellText(12n)).toBe('12');
    expect(cellText({ a: [1] })).toBe('{"a":[1]}');
  });

  it('reads typed text by the column: text stays text, typed columns read JSON literals', () => {
    const [, text] = autoMapColumns(['context.span_id', 'attributes.metadata.x']).columns;
    const [, typed] = autoMapColumns(['context.span_id', 'attributes.metadata.x'], 'typed').columns;
    if (!text || !typed) throw new Error('columns');
    expect(cellFromText('42', text)).toBe('42');
    expect(cellFromText('', text)).toBeUndefined();
    expect(cellFromText('42', typed)).toBe(42);
    expect(cellFromText('true', typed)).toBe(true);
  });

  it('quotes copied cells that hold tabs, newlines or quotes', () => {
    expect(
      formatClipboardTable([
        ['a', 'b\tc'],
        ['say "hi"', 'x\ny'],
      ]),
    ).toBe('a\t"b\tc"\n"say ""hi"""\t"x\ny"');
  });
});

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
