import { describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { type EditResult, type SheetEdit, SheetModel } from '@/core/sheet';
import { type ApplyOffPage, OFF_PAGE_ROWS, SheetStore } from '@/ui/sheet/sheet-store';

const spanIdOf = (index: number) => (index + 1).toString(16).padStart(16, '0');

/** A sheet just large enough for its rechecks to go off the page: a span ID and a column of numbers. */
function largeSheet(): SheetStore {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.score']);
  const rows = Array.from({ length: OFF_PAGE_ROWS }, (_, index) => [spanIdOf(index), String(index % 7)]);
  return new SheetStore(SheetModel.fromRows(columns, rows));
}

/** Applies edits "off the page" on a copy (as the worker does, through a structured clone), when released. */
function heldWorker() {
  const calls: SheetEdit[][] = [];
  const waiting: (() => void)[] = [];
  const apply: ApplyOffPage = (model, edits) => {
    calls.push([...edits]);
    return new Promise<{ model: SheetModel; results: EditResult[] }>((resolve) => {
      waiting.push(() => {
        const copy = SheetModel.unpack(structuredClone(model.pack()));
        resolve({ model: copy, results: edits.map((edit) => copy.apply(edit)) });
      });
    });
  };
  const release = () => waiting.shift()?.();
  return { apply, calls, release };
}

const scoreOf = (store: SheetStore, row: number) => store.model.cell(row, store.model.columns[1]?.id ?? '');

describe('edits that recheck every row of a large sheet', () => {
  it('are applied off the page: the sheet shows as it was, edits wait, then the result takes its place', async () => {
    const store = largeSheet();
    const worker = heldWorker();
    store.applyOffPage = worker.apply;
    const scoreId = store.model.columns[1]?.id ?? '';
    const before = store.model;

    // Text in a column of numbers: the column reads as text now, every row anew.
    store.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: scoreId, value: 'high' }] }, 'Edit cell');
    expect(worker.calls).toHaveLength(1);
    expect(store.getState().checking).toBe(true);
    expect(store.model).toBe(before);
    expect(scoreOf(store, 0)).toBe('0');
    expect(store.canUndo).toBe(false);
    // Another edit waits (it is refused, not lost in a race).
    store.apply({ kind: 'set_cells', cells: [{ row: 1, columnId: scoreId, value: '9' }] }, 'Edit cell');
    expect(scoreOf(store, 1)).toBe('1');

    worker.release();
    await vi.waitFor(() => expect(store.getState().checking).toBe(false));
    expect(store.model).not.toBe(before);
    expect(scoreOf(store, 0)).toBe('high');
    expect(store.model.summary().byCode.mixed_types_as_text).toBe(1);
    expect(store.model.summary()).toEqual(
      SheetModel.fromRows(store.model.columns, store.model.rowCells()).summary(),
    );
    expect(store.dirty).toBe(true);
    expect(store.editCount).toBe(1);

    // Its undo rechecks every row too: off the page again.
    store.undo();
    expect(worker.calls).toHaveLength(2);
    expect(store.getState().checking).toBe(true);
    worker.release();
    await vi.waitFor(() => expect(store.getState().checking).toBe(false));
    expect(scoreOf(store, 0)).toBe('0');
    expect(store.model.summary().byCode.mixed_types_as_text).toBeUndefined();
    expect(store.canRedo).toBe(true);
  });

  it('keeps edits of a few rows on the page, and a small sheet’s rechecks too', () => {
    const store = largeSheet();
    const worker = heldWorker();
    store.applyOffPage = worker.apply;
    const scoreId = store.model.columns[1]?.id ?? '';
    store.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: scoreId, value: '5' }] }, 'Edit cell');
    expect(worker.calls).toHaveLength(0);
    expect(scoreOf(store, 0)).toBe('5');

    const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.score']);
    const small = new SheetStore(SheetModel.fromRows(columns, [[spanIdOf(0), '1']]));
    small.applyOffPage = worker.apply;
    small.apply(
      { kind: 'set_cells', cells: [{ row: 0, columnId: columns[1]?.id ?? '', value: 'x' }] },
      'Edit',
    );
    expect(worker.calls).toHaveLength(0);
    expect(small.model.cell(0, columns[1]?.id ?? '')).toBe('x');
  });

  it('applies them here after all when the worker fails', async () => {
    const store = largeSheet();
    store.applyOffPage = () => Promise.reject(new Error('the worker could not start'));
    const scoreId = store.model.columns[1]?.id ?? '';
    store.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: scoreId, value: 'high' }] }, 'Edit cell');
    expect(store.getState().checking).toBe(true);
    await vi.waitFor(() => expect(store.getState().checking).toBe(false));
    expect(scoreOf(store, 0)).toBe('high');
    expect(store.canUndo).toBe(true);
  });
});
