import { ColumnCells, type PackedCells, transferablesOf } from './sheet-cells';

/** A span index in the compact form a worker posts: integer arrays and the IDs packed as text. */
export interface PackedSpanIndex {
  ids: PackedCells;
  spanCount: number;
  rowSpan: Int32Array;
  nextRow: Int32Array;
  firstRow: Int32Array;
  lastRow: Int32Array;
  rowCounts: Int32Array;
  slots: Int32Array;
}

const NONE = -1;

/** FNV-1a over the UTF-16 code units: span IDs are short, and this is the same in the worker and the page. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function grown<T extends Int32Array>(array: T, length: number, fill: number): T {
  if (array.length >= length) return array;
  const next = new Int32Array(Math.max(length, array.length * 2, 16));
  next.set(array);
  next.fill(fill, array.length);
  return next as T;
}

/**
 * The spans of a sheet as integers: each span ID is interned once (an open-addressing hash table of span numbers),
 * each row knows its span's number, and each span its rows as a linked list in sheet order. No object per span
 * or per row, so a million rows cost a few typed arrays. A span whose rows all left keeps its number (and ID)
 * with no rows, and is used again if the ID comes back.
 */
export class SpanIndex {
  private ids: ColumnCells;
  private count: number;
  private rowSpan: Int32Array;
  private nextRow: Int32Array;
  private firstRow: Int32Array;
  private lastRow: Int32Array;
  private rowCounts: Int32Array;
  private slots: Int32Array;
  private live = 0;

  private constructor(packed: PackedSpanIndex) {
    this.ids = ColumnCells.unpack(packed.ids, packed.spanCount);
    this.count = packed.spanCount;
    this.rowSpan = packed.rowSpan;
    this.nextRow = packed.nextRow;
    this.firstRow = packed.firstRow;
    this.lastRow = packed.lastRow;
    this.rowCounts = packed.rowCounts;
    this.slots = packed.slots;
    for (let span = 0; span < this.count; span++) if ((this.rowCounts[span] ?? 0) > 0) this.live++;
  }

  /** An index of `rows` rows, none in a span yet. */
  static empty(rows: number): SpanIndex {
    return new SpanIndex({
      ids: { kind: 'values', values: [] },
      spanCount: 0,
      rowSpan: new Int32Array(rows).fill(NONE),
      nextRow: new Int32Array(rows).fill(NONE),
      firstRow: new Int32Array(16).fill(NONE),
      lastRow: new Int32Array(16).fill(NONE),
      rowCounts: new Int32Array(16),
      slots: new Int32Array(64),
    });
  }

  static unpack(packed: PackedSpanIndex): SpanIndex {
    return new SpanIndex(packed);
  }

  pack(): PackedSpanIndex {
    // NOTE: the IDs as one string and offsets: a million strings would take seconds to post between threads.
    this.ids.compact();
    return {
      ids: this.ids.pack(),
      spanCount: this.count,
      rowSpan: this.rowSpan,
      nextRow: this.nextRow,
      firstRow: this.firstRow,
      lastRow: this.lastRow,
      rowCounts: this.rowCounts,
      slots: this.slots,
    };
  }

  /** Spans that have rows. */
  get liveCount(): number {
    return this.live;
  }

  /** Numbers given out so far (spans with rows and those left without). */
  get numbered(): number {
    return this.count;
  }

  id(span: number): string {
    return String(this.ids.get(span) ?? '');
  }

  /** The number of a span ID, or -1 when the sheet never had it. */
  find(spanId: string): number {
    const mask = this.slots.length - 1;
    for (let slot = hashOf(spanId) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] ?? 0;
      if (entry === 0) return NONE;
      if (this.ids.get(entry - 1) === spanId) return entry - 1;
    }
  }

  /** The number of a span ID, given a new one when the sheet does not have it yet. */
  intern(spanId: string): number {
    const found = this.find(spanId);
    if (found !== NONE) return found;
    const span = this.count++;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    this.ids.resize(this.count);
    this.ids.set(span, spanId);
    this.firstRow = grown(this.firstRow, this.count, NONE);
    this.lastRow = grown(this.lastRow, this.count, NONE);
    this.rowCounts = grown(this.rowCounts, this.count, 0);
    this.place(spanId, span);
    return span;
  }

  private place(spanId: string, span: number): void {
    const mask = this.slots.length - 1;
    let slot = hashOf(spanId) & mask;
    while ((this.slots[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = span + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let span = 0; span < this.count - 1; span++) this.place(this.id(span), span);
  }

  /** The span number of a 0-based row, or -1 when the row is in no span. */
  spanOf(row: number): number {
    return this.rowSpan[row] ?? NONE;
  }

  rowCount(span: number): number {
    return this.rowCounts[span] ?? 0;
  }

  first(span: number): number {
    return this.firstRow[span] ?? NONE;
  }

  /** A span's 0-based rows, in sheet order; only the first `limit` when given. */
  rowsOf(span: number, limit = Infinity): number[] {
    const rows: number[] = [];
    for (
      let row = this.firstRow[span] ?? NONE;
      row !== NONE && rows.length < limit;
      row = this.nextRow[row] ?? NONE
    )
      rows.push(row);
    return rows;
  }

  /** Puts a row, in no span yet, into a span, keeping the span's rows in sheet order. */
  addRow(span: number, row: number): void {
    this.rowSpan[row] = span;
    const last = this.lastRow[span] ?? NONE;
    if ((this.rowCounts[span] ?? 0) === 0) this.live++;
    this.rowCounts[span] = (this.rowCounts[span] ?? 0) + 1;
    if (last === NONE || last < row) {
      // Rows come in order when a sheet is read top to bottom: the common case is an append.
      this.nextRow[row] = NONE;
      if (last === NONE) this.firstRow[span] = row;
      else this.nextRow[last] = row;
      this.lastRow[span] = row;
      return;
    }
    let previous = NONE;
    let current = this.firstRow[span] ?? NONE;
    while (current !== NONE && current < row) {
      previous = current;
      current = this.nextRow[current] ?? NONE;
    }
    this.nextRow[row] = current;
    if (previous === NONE) this.firstRow[span] = row;
    else this.nextRow[previous] = row;
  }

  /** Takes a row out of its span, if it is in one. */
  removeRow(row: number): void {
    const span = this.rowSpan[row] ?? NONE;
    if (span === NONE) return;
    this.rowSpan[row] = NONE;
    let previous = NONE;
    let current = this.firstRow[span] ?? NONE;
    while (current !== NONE && current !== row) {
      previous = current;
      current = this.nextRow[current] ?? NONE;
    }
    if (current === NONE) return;
    const next = this.nextRow[row] ?? NONE;
    if (previous === NONE) this.firstRow[span] = next;
    else this.nextRow[previous] = next;
    if (this.lastRow[span] === row) this.lastRow[span] = previous;
    this.nextRow[row] = NONE;
    this.rowCounts[span] = (this.rowCounts[span] ?? 1) - 1;
    if (this.rowCounts[span] === 0) this.live--;
  }

  /** Makes room for rows added at the bottom (in no span), or forgets rows dropped there (already taken out). */
  resizeRows(rows: number): void {
    if (rows > this.rowSpan.length) {
      this.rowSpan = grown(this.rowSpan, rows, NONE);
      this.nextRow = grown(this.nextRow, rows, NONE);
    }
  }

  /** The spans with rows, in the order of their first row. */
  ordered(): Int32Array {
    const spans = new Int32Array(this.live);
    let at = 0;
    let sorted = true;
    let previousFirst = -1;
    for (let span = 0; span < this.count; span++) {
      if ((this.rowCounts[span] ?? 0) === 0) continue;
      const first = this.firstRow[span] ?? 0;
      if (first < previousFirst) sorted = false;
      previousFirst = first;
      spans[at++] = span;
    }
    // NOTE: spans are numbered as rows are read, so they are in order unless an edit made a span elsewhere.
    if (!sorted) spans.sort((a, b) => (this.firstRow[a] ?? 0) - (this.firstRow[b] ?? 0));
    return spans;
  }
}

/** The buffers of a packed span index, to transfer without copying. */
export function spanIndexTransferables(packed: PackedSpanIndex): ArrayBuffer[] {
  const arrays = [
    packed.rowSpan,
    packed.nextRow,
    packed.firstRow,
    packed.lastRow,
    packed.rowCounts,
    packed.slots,
  ].flatMap((array) => (array.buffer instanceof ArrayBuffer ? [array.buffer] : []));
  return [...transferablesOf([packed.ids]), ...arrays];
}
