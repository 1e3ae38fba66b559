import type { CellValue } from '@/core/import';

/**
 * One column's cells in a compact form a worker can hand to the page: text cells as one string with the offset
 * where each cell starts (a cell is a slice of it, made only when read), or the cells themselves for typed
 * columns (JSON, JSONL, Parquet). Cells changed since it was packed are listed in `changed`.
 */
export type PackedCells =
  | { kind: 'text'; text: string; offsets: Uint32Array; changed: [number, CellValue][] }
  | { kind: 'values'; values: CellValue[] };

/**
 * The cells of one column. Text read from a file is kept packed (one string and an offset per row) and sliced
 * when a cell is read, so a sheet of a million rows holds a few strings per column, not a million; cells set
 * since are kept beside it. Rows past the packed ones are blank until set.
 */
export class ColumnCells {
  private text: string;
  private offsets: Uint32Array | null;
  /** Rows held by `text` and `offsets`. */
  private packedRows: number;
  private values: CellValue[] | null;
  private changed: Map<number, CellValue> | null = null;
  private rows: number;

  private constructor(packed: PackedCells, rows: number) {
    if (packed.kind === 'text') {
      this.text = packed.text;
      this.offsets = packed.offsets;
      this.packedRows = Math.max(0, packed.offsets.length - 1);
      this.values = null;
      if (packed.changed.length > 0) this.changed = new Map(packed.changed);
    } else {
      this.text = '';
      this.offsets = null;
      this.packedRows = 0;
      this.values = packed.values;
    }
    this.rows = rows;
  }

  /** Cells as given: packed when every cell is text or missing (a CSV column), else kept as they are. */
  static of(cells: readonly CellValue[], rows = cells.length): ColumnCells {
    const count = Math.min(rows, cells.length);
    let allText = true;
    for (let row = 0; row < count && allText; row++) {
      const cell = cells[row];
      if (typeof cell !== 'string' && cell !== undefined) allText = false;
    }
    if (!allText) {
      const values = cells.slice(0, rows);
      values.length = rows;
      return new ColumnCells({ kind: 'values', values }, rows);
    }
    let anyText = false;
    for (let row = 0; row < count && !anyText; row++) anyText = cells[row] !== undefined;
    // A column of missing cells (a new sheet's) packs nothing: its rows read as missing.
    if (!anyText)
      return new ColumnCells({ kind: 'text', text: '', offsets: new Uint32Array(1), changed: [] }, rows);
    return new ColumnCells(packText(cells, count), rows);
  }

  /** Cells kept as they are, unpacked: the fastest to read while a whole sheet is computed (`compact` after). */
  static loose(cells: CellValue[], rows = cells.length): ColumnCells {
    cells.length = rows;
    return new ColumnCells({ kind: 'values', values: cells }, rows);
  }

  /** Packs loose cells that are all text or missing (a CSV column) into one string and offsets. */
  compact(): void {
    if (this.values === null) return;
    const packed = ColumnCells.of(this.values, this.rows);
    // Typed values (JSON, Parquet) stay as they are.
    if (packed.values !== null) return;
    Object.assign(this, packed);
  }

  /** The cells a worker packed (`pack`), with `rows` rows. */
  static unpack(packed: PackedCells, rows: number): ColumnCells {
    return new ColumnCells(packed, rows);
  }

  get length(): number {
    return this.rows;
  }

  /** The cell at a 0-based row. */
  get(row: number): CellValue {
    if (this.values !== null) return this.values[row];
    if (this.changed !== null) {
      const value = this.changed.get(row);
      if (value !== undefined || this.changed.has(row)) return value;
    }
    if (row >= this.packedRows || row < 0 || this.offsets === null) return undefined;
    return this.text.slice(this.offsets[row], this.offsets[row + 1]);
  }

  /** True when the cell at a 0-based row is blank (missing, or only spaces), told without slicing packed text. */
  isBlankAt(row: number): boolean {
    const { offsets } = this;
    if (
      this.values !== null ||
      this.changed !== null ||
      offsets === null ||
      row < 0 ||
      row >= this.packedRows
    ) {
      const cell = this.get(row);
      return cell === undefined || (typeof cell === 'string' && cell.trim() === '');
    }
    const start = offsets[row] ?? 0;
    const end = offsets[row + 1] ?? 0;
    if (start === end) return true;
    // NOTE: a cell that starts with a visible ASCII character is not blank; others are trimmed to be sure.
    const first = this.text.charCodeAt(start);
    if (first > 32 && first < 127) return false;
    return this.text.slice(start, end).trim() === '';
  }

  set(row: number, value: CellValue): void {
    if (this.values !== null) {
      this.values[row] = value;
      return;
    }
    (this.changed ??= new Map()).set(row, value);
  }

  /** Grows the column with blank rows, or drops rows at the bottom. */
  resize(rows: number): void {
    if (this.values !== null) this.values.length = rows;
    else if (rows < this.rows && this.changed !== null) {
      for (const row of [...this.changed.keys()]) if (row >= rows) this.changed.delete(row);
    }
    if (rows < this.packedRows) this.packedRows = rows;
    this.rows = rows;
  }

  /** Removes `count` rows at `at` and inserts `inserted` there (a row edit in the middle: every row moves). */
  splice(at: number, count: number, inserted: readonly CellValue[]): void {
    const cells = this.toArray();
    cells.splice(at, count, ...inserted);
    const next = ColumnCells.of(cells);
    Object.assign(this, next);
  }

  /** Every cell, top to bottom (a copy: for drafts, exports and structural edits, not for views). */
  toArray(): CellValue[] {
    if (this.values !== null) return this.values.slice(0, this.rows);
    const cells = new Array<CellValue>(this.rows);
    for (let row = 0; row < this.rows; row++) cells[row] = this.get(row);
    return cells;
  }

  /** The column in the compact form a worker posts (text and offsets, or the values). */
  pack(): PackedCells {
    if (this.values !== null) return { kind: 'values', values: this.values.slice(0, this.rows) };
    const offsets = this.offsets ?? new Uint32Array(1);
    const changed: [number, CellValue][] = this.changed === null ? [] : [...this.changed];
    // Rows added past the packed ones and never set are missing: packed as empty text, listed as missing.
    if (this.rows > this.packedRows || offsets.length - 1 > this.rows) {
      for (let row = this.packedRows; row < this.rows; row++)
        if (this.changed === null || !this.changed.has(row)) changed.push([row, undefined]);
      const resized = new Uint32Array(this.rows + 1);
      resized.set(offsets.subarray(0, Math.min(offsets.length, this.packedRows + 1)));
      const end = offsets[this.packedRows] ?? 0;
      for (let row = this.packedRows + 1; row <= this.rows; row++) resized[row] = end;
      return { kind: 'text', text: this.text, offsets: resized, changed };
    }
    return { kind: 'text', text: this.text, offsets, changed };
  }

  /** True when every cell is blank (missing or only spaces). */
  isBlank(): boolean {
    for (let row = 0; row < this.rows; row++) {
      const cell = this.get(row);
      if (cell !== undefined && !(typeof cell === 'string' && cell.trim() === '')) return false;
    }
    return true;
  }
}

/** Text cells as one string and the offset where each starts; missing cells are listed as changed to missing. */
function packText(cells: readonly CellValue[], count: number): PackedCells {
  const offsets = new Uint32Array(count + 1);
  const missing: [number, CellValue][] = [];
  let offset = 0;
  for (let row = 0; row < count; row++) {
    const cell = cells[row];
    if (typeof cell === 'string') offset += cell.length;
    else missing.push([row, undefined]);
    offsets[row + 1] = offset;
  }
  // NOTE: `join` writes a missing cell as empty text, as the offsets do.
  const text = count === cells.length ? cells.join('') : cells.slice(0, count).join('');
  return { kind: 'text', text, offsets, changed: missing };
}

/** The buffers of packed columns, to transfer to another thread without copying. */
export function transferablesOf(columns: readonly PackedCells[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const column of columns)
    if (column.kind === 'text' && column.offsets.buffer instanceof ArrayBuffer)
      buffers.push(column.offsets.buffer);
  return buffers;
}
