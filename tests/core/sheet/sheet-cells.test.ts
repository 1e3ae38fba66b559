import { describe, expect, it } from 'vitest';
import { ColumnCells } from '@/core/sheet';
import { transferablesOf } from '@/core/sheet/sheet-cells';

describe('ColumnCells: a column of cells, packed when it is text', () => {
  it('packs text cells into one string and offsets, and reads each back as it was', () => {
    const cells = ColumnCells.of(['a1', '', ' b ', 'ünï', undefined, '{"x":1}']);
    const packed = cells.pack();
    expect(packed.kind).toBe('text');
    if (packed.kind !== 'text') return;
    expect(packed.text).toBe('a1 b ünï{"x":1}');
    expect([...packed.offsets]).toEqual([0, 2, 2, 5, 8, 8, 15]);
    // A missing cell stays missing, not empty text.
    expect(cells.toArray()).toEqual(['a1', '', ' b ', 'ünï', undefined, '{"x":1}']);
    expect(transferablesOf([packed])).toEqual([packed.offsets.buffer]);
  });

  it('keeps typed values (JSON, Parquet) as they are', () => {
    const cells = ColumnCells.of(['a', 1, null, { b: [2] }, 12345678901234567890n]);
    expect(cells.pack().kind).toBe('values');
    expect(cells.get(3)).toEqual({ b: [2] });
    expect(cells.get(4)).toBe(12345678901234567890n);
  });

  it('keeps cells set since it was packed beside it, and packs them with it', () => {
    const cells = ColumnCells.of(['a', 'b', 'c']);
    cells.set(1, 'B');
    cells.set(2, undefined);
    cells.resize(5);
    cells.set(4, 'e');
    expect(cells.toArray()).toEqual(['a', 'B', undefined, undefined, 'e']);
    const opened = ColumnCells.unpack(structuredClone(cells.pack()), 5);
    expect(opened.toArray()).toEqual(['a', 'B', undefined, undefined, 'e']);
    cells.resize(2);
    expect(cells.toArray()).toEqual(['a', 'B']);
  });

  it('moves rows on a splice in the middle, and compacts loose text', () => {
    const cells = ColumnCells.loose(['a', 'b', 'c']);
    expect(cells.pack().kind).toBe('values');
    cells.compact();
    expect(cells.pack().kind).toBe('text');
    cells.splice(1, 1, ['x', 'y']);
    expect(cells.toArray()).toEqual(['a', 'x', 'y', 'c']);
    expect(cells.length).toBe(4);
  });

  it('says when every cell is blank', () => {
    expect(ColumnCells.of([undefined, ' ', '']).isBlank()).toBe(true);
    expect(ColumnCells.of([undefined, 'x']).isBlank()).toBe(false);
  });

  it('tells a blank cell without reading it, as isBlank does, packed, changed or loose', () => {
    const texts = ['', ' ', '\t', 'x', ' x', '\u00a0', '\u3000', '\u00a0y', '~', '\n\r'];
    const blank = (cell: unknown) => cell === undefined || (typeof cell === 'string' && cell.trim() === '');
    const packed = ColumnCells.of([...texts, undefined]);
    const loose = ColumnCells.loose([...texts, undefined, 1, null]);
    const changed = ColumnCells.of(texts);
    changed.set(3, ' ');
    changed.set(0, 'y');
    for (const cells of [packed, loose, changed]) {
      for (let row = 0; row < cells.length + 1; row++)
        expect(cells.isBlankAt(row)).toBe(blank(cells.get(row)));
    }
  });
});
