import { describe, expect, it } from 'vitest';
import { SpanIndex, spanIndexTransferables } from '@/core/sheet/span-index';

describe('SpanIndex: span IDs as integers, rows as linked lists', () => {
  it('interns each ID once and keeps each span’s rows in sheet order', () => {
    const index = SpanIndex.empty(6);
    const a = index.intern('aaaaaaaaaaaaaaaa');
    const b = index.intern('bbbbbbbbbbbbbbbb');
    expect(index.intern('aaaaaaaaaaaaaaaa')).toBe(a);
    index.addRow(a, 4);
    index.addRow(b, 1);
    index.addRow(a, 0);
    index.addRow(a, 2);
    expect(index.rowsOf(a)).toEqual([0, 2, 4]);
    expect(index.spanOf(2)).toBe(a);
    expect(index.find('cccccccccccccccc')).toBe(-1);
    // Spans in the order of their first row.
    expect([...index.ordered()]).toEqual([a, b]);
    index.removeRow(0);
    expect([...index.ordered()]).toEqual([b, a]);
  });

  it('keeps a span’s number when its rows leave, and uses it again when its ID comes back', () => {
    const index = SpanIndex.empty(2);
    const a = index.intern('a');
    index.addRow(a, 0);
    index.removeRow(0);
    expect(index.liveCount).toBe(0);
    expect(index.rowCount(a)).toBe(0);
    expect(index.intern('a')).toBe(a);
    index.addRow(a, 1);
    expect(index.liveCount).toBe(1);
    expect(index.rowsOf(a)).toEqual([1]);
  });

  it('grows past its first table and finds every ID after the move, packed and opened again', () => {
    const index = SpanIndex.empty(5000);
    for (let row = 0; row < 5000; row++) index.addRow(index.intern(`id-${row % 3000}`), row);
    const packed = index.pack();
    const opened = SpanIndex.unpack(structuredClone(packed, { transfer: spanIndexTransferables(packed) }));
    expect(opened.liveCount).toBe(3000);
    for (const id of ['id-0', 'id-1999', 'id-2999']) {
      const span = opened.find(id);
      expect(opened.id(span)).toBe(id);
    }
    expect(opened.rowsOf(opened.find('id-7'))).toEqual([7, 3007]);
    opened.resizeRows(5001);
    opened.addRow(opened.intern('new'), 5000);
    expect(opened.id(opened.spanOf(5000))).toBe('new');
  });
});
