import { describe, expect, it } from 'vitest';
import {
  deselectAll,
  listedSelection,
  moveRow,
  selectAll,
  selectRange,
  toggleSelected,
} from '@/ui/shared/data-table';

const KEYS = ['a', 'b', 'c', 'd', 'e'];
const press = (key: string, control = false) => ({ key, ctrlKey: control, metaKey: false, altKey: false });

describe('toggleSelected', () => {
  it('adds and removes one key, keeping the others in their order', () => {
    const selected = new Set(['c', 'a']);
    expect([...toggleSelected(selected, 'e', true)]).toEqual(['c', 'a', 'e']);
    expect([...toggleSelected(selected, 'c', false)]).toEqual(['a']);
  });

  it('gives the same selection back when nothing changes', () => {
    const selected = new Set(['a']);
    expect(toggleSelected(selected, 'a', true)).toBe(selected);
    expect(toggleSelected(selected, 'b', false)).toBe(selected);
  });
});

describe('selectRange (Shift+click)', () => {
  it('sets every row from the anchor to the row clicked, either way round, to the new state', () => {
    expect([...selectRange(new Set<string>(), KEYS, 'b', 'd', true)]).toEqual(['b', 'c', 'd']);
    expect([...selectRange(new Set<string>(), KEYS, 'd', 'b', true)].sort()).toEqual(['b', 'c', 'd']);
    expect([...selectRange(new Set(KEYS), KEYS, 'e', 'c', false)]).toEqual(['a', 'b']);
  });

  it('leaves rows outside the range as they are', () => {
    expect([...selectRange(new Set(['a', 'x']), KEYS, 'c', 'd', true)]).toEqual(['a', 'x', 'c', 'd']);
    expect([...selectRange(new Set(['a', 'c', 'x']), KEYS, 'c', 'd', false)]).toEqual(['a', 'x']);
  });

  it('toggles the row alone without an anchor or when the anchor is no longer listed', () => {
    expect([...selectRange(new Set<string>(), KEYS, null, 'c', true)]).toEqual(['c']);
    expect([...selectRange(new Set<string>(), KEYS, 'gone', 'c', true)]).toEqual(['c']);
  });

  it('gives the same selection back when the range is already as asked', () => {
    const selected = new Set(['b', 'c', 'd']);
    expect(selectRange(selected, KEYS, 'b', 'd', true)).toBe(selected);
  });
});

describe('selectAll and deselectAll', () => {
  it('adds the keys not yet selected, after those that are, once each', () => {
    expect([...selectAll(new Set(['c']), ['a', 'c', 'a', 'b'])]).toEqual(['c', 'a', 'b']);
  });

  it('removes the keys given and keeps the rest', () => {
    expect([...deselectAll(new Set(['a', 'b', 'c']), ['b', 'b', 'z'])]).toEqual(['a', 'c']);
  });

  it('gives the same selection back when nothing changes', () => {
    const selected = new Set(['a', 'b']);
    expect(selectAll(selected, ['a', 'b'])).toBe(selected);
    expect(deselectAll(selected, ['z'])).toBe(selected);
  });
});

describe('listedSelection', () => {
  it('says whether all, some or none of the listed rows are selected', () => {
    expect(listedSelection(new Set(KEYS), KEYS)).toBe('all');
    expect(listedSelection(new Set(['b', 'x']), KEYS)).toBe('some');
    expect(listedSelection(new Set(['x']), KEYS)).toBe('none');
    expect(listedSelection(new Set<string>(), [])).toBe('none');
  });
});

describe('moveRow (keyboard moves)', () => {
  it('moves by one, by a page, and to either end, never out of the list', () => {
    expect(moveRow(2, press('ArrowDown'), 5, 3)).toBe(3);
    expect(moveRow(4, press('ArrowDown'), 5, 3)).toBe(4);
    expect(moveRow(0, press('ArrowUp'), 5, 3)).toBe(0);
    expect(moveRow(1, press('PageDown'), 5, 3)).toBe(4);
    expect(moveRow(3, press('PageUp'), 5, 3)).toBe(0);
    expect(moveRow(3, press('Home'), 5, 3)).toBe(0);
    expect(moveRow(1, press('End', true), 5, 3)).toBe(4);
  });

  it('moves at least a row on a page key, however small the page', () => {
    expect(moveRow(1, press('PageDown'), 5, 0)).toBe(2);
  });

  it('leaves other keys, Alt and an empty list alone', () => {
    expect(moveRow(1, press('a'), 5, 3)).toBeNull();
    expect(moveRow(1, press('Tab'), 5, 3)).toBeNull();
    expect(moveRow(1, { ...press('ArrowDown'), altKey: true }, 5, 3)).toBeNull();
    expect(moveRow(0, press('ArrowDown'), 0, 3)).toBeNull();
  });
});
