import {
  type Delimiter,
  detectDelimiter,
  detectNewline,
  DETECTION_SAMPLE_CHARS,
  type Newline,
} from './delimiter-detection';
import { checkColumnCount, MAX_IMPORT_COLUMNS, MAX_IMPORT_ROWS, tooManyRows } from './limits';
import type { CellValue, ImportedTable, ImportError, ImportResult, TextColumn } from './types';

// A CSV/TSV reader that writes each cell's text straight into its column (one buffer of UTF-16 code units and the
// offset where each cell starts), never making a string per cell or an array per row. It reads the common shape
// of a file: every line a record with a field per column, quoted values with "" escapes, one kind of line break.
// Anything else (an empty or ragged line, a quote inside an unquoted value, a lone CR, an unclosed quote, …) makes
// it hand the whole text to the papaparse reader (`fallback`), which reads it, with its notes and messages,
// exactly as before: the two give the same table for every text this one reads (a property test checks it).

const QUOTE = 34;
const LF = 10;
const CR = 13;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted value: the end of the value, or the first half of "". */
const QUOTE_IN_QUOTED = 3;
/** A CR of a CRLF line ending, waiting for its LF. */
const AFTER_CR = 4;

/** True when this platform's Uint16Array is little-endian, so a column's code units decode as UTF-16LE. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The text of UTF-16 code units, a piece at a time (a call takes only so many arguments). */
function textOf(units: ArrayLike<number> & { slice(start: number, end: number): ArrayLike<number> }): string {
  const pieces: string[] = [];
  for (let at = 0; at < units.length; at += 8192)
    pieces.push(String.fromCharCode(...(units.slice(at, at + 8192) as number[])));
  return pieces.join('');
}

/** One column's cells as they are read: code units, and the offset where each cell ends. */
class ColumnBuffer {
  units = new Uint16Array(1024);
  length = 0;
  ends = new Uint32Array(1024);
  cells = 0;
  /** True when a cell holds a surrogate code unit (decoded one by one, as UTF-16LE would replace a lone one). */
  surrogates = false;

  push(unit: number): void {
    if (this.length === this.units.length) {
      const grown = new Uint16Array(this.units.length * 2);
      grown.set(this.units);
      this.units = grown;
    }
    this.units[this.length++] = unit;
  }

  endCell(): void {
    if (this.cells === this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.ends[this.cells++] = this.length;
  }

  /** Drops the cells after the first `cells` (a record cut short by a fallback). */
  truncate(cells: number): void {
    this.cells = cells;
    this.length = cells === 0 ? 0 : (this.ends[cells - 1] ?? 0);
  }

  /** The column as one string and the offset where each cell starts (one more than cells: the end). */
  finish(rows: number): TextColumn {
    const offsets = new Uint32Array(rows + 1);
    offsets.set(this.ends.subarray(0, rows), 1);
    const units = this.units.subarray(0, this.length);
    let text: string;
    if (LITTLE_ENDIAN && !this.surrogates)
      text = new TextDecoder('utf-16le', { ignoreBOM: true }).decode(units);
    else {
      text = textOf(units);
    }
    return { text, offsets };
  }
}

/** The parts of a delimited parser both readers share (`DelimitedParser` in delimited.ts). */
export interface ParserLike {
  push(chunk: string): void;
  finish(): ImportResult;
  readonly charsRead: number;
  readonly rowCount: number;
  readonly error: ImportError | null;
}

/** Column names used more than once, for the note (`duplicateNames` in delimited.ts). */
type DuplicateNames = (header: readonly string[]) => string[];

/**
 * Reads delimited text into columns as it streams in; falls back to `makeFallback()` (fed the whole text) on the
 * first thing it does not read itself.
 */
export class ColumnParser implements ParserLike {
  private chunks: string[] = [];
  private chars = 0;
  private sampleChars = 0;
  private started = false;
  private delimiter: Delimiter = ',';
  private newline: Newline = '\n';
  private fallback: ParserLike | null = null;
  private failure: ImportError | null = null;
  private finished = false;
  /** The header's fields while it is read, then the header. */
  private headerCells = new ColumnBuffer();
  private header: string[] | null = null;
  private columns: ColumnBuffer[] = [];
  private rows = 0;
  private state = FIELD_START;
  private field = 0;
  /** True once a field of the current record holds a character (a record of empty fields is skipped by papaparse's reader). */
  private recordHasText = false;

  constructor(
    private readonly forced: Delimiter | undefined,
    private readonly preferred: Delimiter | undefined,
    private readonly makeFallback: () => ParserLike,
    private readonly duplicateNames: DuplicateNames,
  ) {}

  get charsRead(): number {
    return this.fallback?.charsRead ?? this.chars;
  }

  get rowCount(): number {
    return this.fallback?.rowCount ?? this.rows;
  }

  get error(): ImportError | null {
    return this.fallback?.error ?? this.failure;
  }

  push(chunk: string): void {
    if (this.finished) throw new Error('push() after finish()');
    if (this.fallback !== null) return this.fallback.push(chunk);
    if (this.failure !== null || chunk === '') return;
    this.chars += chunk.length;
    this.chunks.push(chunk);
    if (!this.started) {
      this.sampleChars += chunk.length;
      const bom = this.chunks[0]?.charCodeAt(0) === 0xfeff ? 1 : 0;
      if (this.sampleChars - bom <= DETECTION_SAMPLE_CHARS) return;
      this.start();
      if (this.fallback === null) this.read(this.chunks[0] ?? '', bom);
      return;
    }
    this.read(chunk, 0);
  }

  finish(): ImportResult {
    if (this.finished) throw new Error('finish() called twice');
    this.finished = true;
    if (this.fallback === null && this.failure === null && !this.started) {
      const bom = this.chunks[0]?.charCodeAt(0) === 0xfeff ? 1 : 0;
      this.start();
      if (this.fallback === null) this.read(this.chunks[0] ?? '', bom);
    }
    if (this.fallback === null && this.failure === null) this.end();
    if (this.fallback !== null) return this.fallback.finish();
    if (this.failure !== null) return { ok: false, error: this.failure };
    return this.result();
  }

  /** Detects the line ending and the delimiter from the sample at the start of the text, as papaparse's reader does. */
  private start(): void {
    this.started = true;
    let text = this.chunks.length === 1 ? (this.chunks[0] ?? '') : this.chunks.join('');
    this.chunks = [text];
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const sample = text.slice(0, DETECTION_SAMPLE_CHARS);
    const truncated = text.length > DETECTION_SAMPLE_CHARS;
    this.newline = detectNewline(sample);
    this.delimiter = this.forced ?? detectDelimiter(sample, this.newline, truncated, this.preferred);
    // NOTE: a lone CR as the line ending is rare enough to leave to papaparse.
    if (this.newline === '\r') this.fallBack();
  }

  /** Hands the whole text read so far to papaparse's reader; what comes next goes to it too. */
  private fallBack(): false {
    const fallback = this.makeFallback();
    for (const piece of this.chunks) fallback.push(piece);
    this.fallback = fallback;
    this.chunks = [];
    this.columns = [];
    this.headerCells = new ColumnBuffer();
    return false;
  }

  /** Reads a piece of text from `from`; false when it fell back or stopped. */
  private read(text: string, from: number): boolean {
    const delimiter = this.delimiter.charCodeAt(0);
    const crlf = this.newline === '\r\n';
    let { state } = this;
    for (let at = from; at < text.length; at++) {
      const code = text.charCodeAt(at);
      if (state === QUOTED) {
        if (code === QUOTE) state = QUOTE_IN_QUOTED;
        else this.unit(code);
        continue;
      }
      if (state === UNQUOTED || state === FIELD_START) {
        if (code === delimiter) {
          if (!this.endField()) return this.fallBack();
          state = FIELD_START;
        } else if (code === LF) {
          if (crlf || !this.endRecord()) return this.fallBack();
          if (this.failure !== null) return false;
          state = FIELD_START;
        } else if (code === CR) {
          if (!crlf) return this.fallBack();
          state = AFTER_CR;
        } else if (code === QUOTE) {
          if (state === UNQUOTED) return this.fallBack();
          state = QUOTED;
        } else {
          this.unit(code);
          state = UNQUOTED;
        }
        continue;
      }
      if (state === QUOTE_IN_QUOTED) {
        if (code === QUOTE) {
          this.unit(QUOTE);
          state = QUOTED;
        } else if (code === delimiter) {
          if (!this.endField()) return this.fallBack();
          state = FIELD_START;
        } else if (code === LF && !crlf) {
          if (!this.endRecord()) return this.fallBack();
          if (this.failure !== null) return false;
          state = FIELD_START;
        } else if (code === CR && crlf) state = AFTER_CR;
        else return this.fallBack();
        continue;
      }
      // AFTER_CR
      if (code !== LF || !this.endRecord()) return this.fallBack();
      state = FIELD_START;
      if (this.failure !== null) return false;
    }
    this.state = state;
    return true;
  }

  private unit(code: number): void {
    this.recordHasText = true;
    const column = this.header === null ? this.headerCells : this.columns[this.field];
    if (column === undefined) return;
    if (code >= 0xd800 && code <= 0xdfff) column.surrogates = true;
    column.push(code);
  }

  /** Ends a field before a delimiter; false when the record has more fields than the header. */
  private endField(): boolean {
    if (this.header === null) {
      this.headerCells.endCell();
      this.field++;
      // A header wider than a sheet reads: papaparse's reader says so.
      return this.field <= MAX_IMPORT_COLUMNS;
    }
    const column = this.columns[this.field];
    if (column === undefined) return false;
    column.endCell();
    this.field++;
    return this.field < this.columns.length;
  }

  /** Ends a record at a line break; false when it is not a record of a field per column with some text. */
  private endRecord(): boolean {
    if (this.header === null) {
      const cells = this.headerCells;
      cells.endCell();
      const { text, offsets } = cells.finish(cells.cells);
      const header: string[] = [];
      for (let index = 0; index < cells.cells; index++)
        header.push(text.slice(offsets[index], offsets[index + 1]));
      // An empty first line, a one-column file, or an unnamed column at the end: papaparse's reader says more.
      if (header.length < 2 || (header[header.length - 1] ?? '').trim() === '') return false;
      const tooWide = checkColumnCount(header.length);
      if (tooWide !== null) return false;
      this.header = header;
      this.columns = header.map(() => new ColumnBuffer());
      this.headerCells = new ColumnBuffer();
      this.field = 0;
      this.recordHasText = false;
      return true;
    }
    if (this.field !== this.columns.length - 1 || !this.recordHasText) return false;
    this.columns[this.field]?.endCell();
    this.rows++;
    this.field = 0;
    this.recordHasText = false;
    if (this.rows > MAX_IMPORT_ROWS) {
      this.failure = tooManyRows(this.rows, false);
      this.columns = [];
      this.chunks = [];
    }
    return true;
  }

  /** The end of the text: the last record if the text does not end with a line break. */
  private end(): void {
    const { state } = this;
    if (state === QUOTED || state === AFTER_CR) {
      this.fallBack();
      return;
    }
    const midRecord = this.field > 0 || this.recordHasText || state !== FIELD_START;
    if (midRecord && !this.endRecord()) {
      this.fallBack();
      return;
    }
    // A header alone, or nothing: papaparse's reader says what is wrong.
    if (this.header === null || this.rows === 0) this.fallBack();
  }

  private result(): ImportResult {
    const header = this.header ?? [];
    const rowCount = this.rows;
    const columns = this.columns.map((column) => column.finish(rowCount));
    this.columns = [];
    this.chunks = [];
    const notes: string[] = [];
    const duplicates = this.duplicateNames(header);
    if (duplicates.length > 0)
      notes.push(`Some column names appear more than once: ${duplicates.join('; ')}.`);
    const table = {
      format: this.delimiter === '\t' ? ('tsv' as const) : ('csv' as const),
      headers: header,
      origin: 'text' as const,
      delimiter: this.delimiter,
      notes,
      columns,
    };
    let rows: CellValue[][] | null = null;
    // NOTE: the rows are made from the columns only when something reads them (a test, a preview of a few).
    Object.defineProperty(table, 'rows', {
      enumerable: true,
      get: () => (rows ??= rowsOf(columns, rowCount)),
      set: (value: CellValue[][]) => (rows = value),
    });
    return { ok: true, table: table as typeof table & { rows: CellValue[][] } };
  }
}

/** The rows of text columns, each a string per cell. */
export function rowsOf(columns: readonly TextColumn[], rowCount: number): string[][] {
  const rows: string[][] = new Array<string[]>(rowCount);
  for (let row = 0; row < rowCount; row++) {
    const cells = new Array<string>(columns.length);
    for (let index = 0; index < columns.length; index++) {
      const column = columns[index] as TextColumn;
      cells[index] = column.text.slice(column.offsets[row], column.offsets[row + 1]);
    }
    rows[row] = cells;
  }
  return rows;
}

/** How many data rows a table has, without making its rows when it was read into columns. */
export function tableRowCount(table: ImportedTable): number {
  const first = table.columns?.[0];
  return first === undefined ? table.rows.length : first.offsets.length - 1;
}

/** The first `count` rows of a table (a preview), without making the others when it was read into columns. */
export function firstRows(table: ImportedTable, count: number): CellValue[][] {
  const { columns } = table;
  if (columns === undefined) return table.rows.slice(0, count);
  return rowsOf(columns, Math.min(count, tableRowCount(table)));
}

/** A table as plain data, to post to another thread: its first `count` rows, and not its columns. */
export function tablePreview(table: ImportedTable, count: number): ImportedTable {
  const preview: ImportedTable = {
    format: table.format,
    headers: table.headers,
    rows: firstRows(table, count),
    origin: table.origin,
    notes: table.notes,
  };
  if (table.delimiter !== undefined) preview.delimiter = table.delimiter;
  if (table.sheet !== undefined) preview.sheet = table.sheet;
  return preview;
}
