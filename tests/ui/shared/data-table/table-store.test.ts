import { describe, expect, it } from 'vitest';
import { TableStore } from '@/ui/shared/data-table';

describe('the table store', () => {
  it('holds the edit: started, typed in, and ended once', () => {
    const store = new TableStore();
    store.startEditing({ row: 2, column: 1 }, 'old', false);
    store.setEditingText('new');
    expect(store.getState().editing).toEqual({ position: { row: 2, column: 1 }, text: 'new', typed: false });
    expect(store.stopEditing()).toEqual({ position: { row: 2, column: 1 }, text: 'new', typed: false });
    // A second end (the blur that follows Enter) finds no edit.
    expect(store.stopEditing()).toBeNull();
    expect(store.getState().editing).toBeNull();
  });

  it('tells its listeners of a change, and of nothing that changes nothing', () => {
    const store = new TableStore();
    let told = 0;
    store.subscribe(() => told++);
    store.setAnchor('a');
    store.setAnchor('a');
    store.setFocusRow(3);
    store.setFocusRow(3);
    store.setEditingText('no edit');
    expect(told).toBe(2);
    expect(store.getState()).toMatchObject({ anchor: 'a', focusRow: 3, editing: null });
  });
});
