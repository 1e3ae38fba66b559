import {
  type Delimiter,
  delimiterName,
  detectDelimiter,
  detectNewline,
  DETECTION_SAMPLE_CHARS,
  emptyFrom,
  isEmptyLine,
  newPapaParser,
  type ParserOutput,
} from './delimiter-detection';
import { ColumnParser } from './column-parser';
import { checkColumnCount, MAX_IMPORT_ROWS, tooManyRows } from './limits';
import { type ImportError, type ImportResult, importFailure, plural } from './types';

const RAGGED_LINES_LISTED = 5;
/** How much text one papaparse call reads, so the row limit is checked at least this often. */
const PARSE_SLICE_CHARS = 1024 * 1024;

/** Options of a delimited-text read. */
export interface DelimitedOptions {
  /** Read with this delimiter instead of detecting one (text pasted from a spreadsheet is tab-separated). */
  delimiter?: Delimiter;
  /** The delimiter that wins a tie in detection and is used for a one-column file: tab for `.tsv`, else comma. */
  preferred?: Delimiter;
}

/** A CSV/TSV reader fed in pieces, so a worker can parse a file as it streams in and report progress. */
export interface DelimitedParser {
  /** Parses the complete lines of the next piece of text; a line cut by the piece's end waits for the next. */
  push(chunk: string): void;
  /** Parses what is left and returns the table, or the first problem with the file. */
  finish(): ImportResult;
  /** Characters pushed so far. */
  readonly charsRead: number;
  /** Data rows read so far. */
  readonly rowCount: number;
  /** The problem that already stopped the read (too many rows), so the caller can stop feeding it. */
  readonly error: ImportError | null;
}

/** Line breaks inside a record's fields (quoted values), counted as a text editor counts lines. */
function lineBreaksIn(record: readonly string[]): number {
  let breaks = 0;
  const last = record.length - 1;
  for (let field = 0; field <= last; field++) {
    const text = record[field] ?? '';
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) breaks++;
    for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
      // NOTE: CRLF is one break (its LF is counted above), and a CR ending the last field is a CRLF line ending
      // read with an LF newline: neither adds a line.
      if (text.charCodeAt(i + 1) !== 10 && !(field === last && i === text.length - 1)) breaks++;
    }
  }
  return breaks;
}

class DelimitedTextParser implements DelimitedParser {
  private pending = '';
  private parser: Papa.Parser | null = null;
  private delimiter: Delimiter = ',';
  private header: string[] | null = null;
  private width = 0;
  private rows: string[][] = [];
  private emptyBeforeHeader = 0;
  /** For each skipped record (empty line or a row of empty fields): how many data rows came before it. */
  private skippedAt: number[] = [];
  private emptyLines = 0;
  private blankRows = 0;
  private trailingDelimiterRows = 0;
  /** Indexes in `rows` of rows whose number of fields differs from the header's. */
  private ragged: number[] = [];
  /** Index in `rows` of the row whose quoted value is never closed (-1: the header), or null. */
  private unclosed: number | null = null;
  private failure: ImportError | null = null;
  private finished = false;
  private chars = 0;

  constructor(private readonly options: DelimitedOptions) {}

  get charsRead(): number {
    return this.chars;
  }

  get rowCount(): number {
    return this.rows.length;
  }

  get error(): ImportError | null {
    return this.failure;
  }

  push(chunk: string): void {
    if (this.finished) throw new Error('push() after finish()');
    if (this.failure !== null || chunk === '') return;
    this.chars += chunk.length;
    this.pending = this.pending === '' ? chunk : this.pending + chunk;
    if (this.parser === null) {
      const bom = this.pending.charCodeAt(0) === 0xfeff ? 1 : 0;
      if (this.pending.length - bom <= DETECTION_SAMPLE_CHARS) return;
      this.start();
    }
    this.parsePending(false);
  }

  finish(): ImportResult {
    if (this.finished) throw new Error('finish() called twice');
    this.finished = true;
    if (this.failure === null) {
      if (this.parser === null) this.start();
      this.parsePending(true);
    }
    const result = this.result();
    this.rows = [];
    return result;
  }

  /** Detects the line ending and the delimiter from the sample at the start of the text. */
  private start(): void {
    if (this.pending.charCodeAt(0) === 0xfeff) this.pending = this.pending.slice(1);
    const sample = this.pending.slice(0, DETECTION_SAMPLE_CHARS);
    const truncated = this.pending.length > DETECTION_SAMPLE_CHARS;
    const newline = detectNewline(sample);
    this.delimiter =
      this.options.delimiter ?? detectDelimiter(sample, newline, truncated, this.options.preferred);
    this.parser = newPapaParser(this.delimiter, newline);
  }

  /**
   * Parses the pending text, a slice at a time so that the row limit stops a huge text early; unless `final`, the
   * last (maybe incomplete) record waits for more text.
   */
  private parsePending(final: boolean): void {
    const { parser } = this;
    if (parser === null) return;
    const text = this.pending;
    let offset = 0;
    let size = PARSE_SLICE_CHARS;
    while (text.length - offset > size && this.failure === null) {
      const output: ParserOutput = parser.parse(text.slice(offset, offset + size), 0, true);
      // NOTE: a record longer than the slice (a huge quoted value) gives no progress: try a larger slice.
      if (output.meta.cursor === 0) size *= 2;
      offset += output.meta.cursor;
      this.accept(output.data, false);
    }
    if (this.failure !== null) return;
    const rest = offset === 0 ? text : text.slice(offset);
    const output: ParserOutput = parser.parse(rest, 0, !final);
    this.pending = final ? '' : rest.slice(output.meta.cursor);
    const unclosedLast = final && output.errors.some((error) => error.code === 'MissingQuotes');
    const last = output.data[output.data.length - 1];
    // NOTE: text ending with a line break gives a last, empty record here when it is parsed whole, but none when
    // it is streamed (the piece after the break is empty): it is not a line, so it is dropped either way.
    if (final && !unclosedLast && last?.length === 1 && last[0] === '') output.data.pop();
    this.accept(output.data, unclosedLast);
  }

  private accept(records: string[][], unclosedLast: boolean): void {
    const { rows } = this;
    const unclosedAt = unclosedLast ? records.length - 1 : -1;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as string[];
      if (this.header === null) {
        if (i === unclosedAt) this.unclosed = -1;
        else if (isEmptyLine(record)) {
          this.emptyBeforeHeader++;
          continue;
        }
        this.header = record;
        this.width = record.length;
        // NOTE: checked as soon as the header is read, before any row: a million columns would take minutes
        // to check. An unnamed column at the end is not counted yet: it may be a delimiter ending each line.
        const tooWide = checkColumnCount(record.length - unnamedAtEnd(record));
        if (tooWide !== null) {
          this.stop(tooWide);
          return;
        }
        continue;
      }
      if (i === unclosedAt) {
        this.unclosed = rows.length;
        rows.push(record);
      } else if (record.length === this.width) {
        if (record[0] === '' && emptyFrom(record, 1)) this.skipBlankRow(record.length);
        else rows.push(record);
      } else if (isEmptyLine(record)) {
        this.skippedAt.push(rows.length);
        this.emptyLines++;
      } else if (record.length > this.width && emptyFrom(record, this.width)) {
        record.length = this.width;
        this.trailingDelimiterRows++;
        if (record[0] === '' && emptyFrom(record, 1)) this.skipBlankRow(record.length);
        else rows.push(record);
      } else {
        this.ragged.push(rows.length);
        rows.push(record);
      }
    }
    if (rows.length > MAX_IMPORT_ROWS) this.stop(tooManyRows(rows.length, false));
  }

  /** Stops the read with `failure`, dropping what was read. */
  private stop(failure: ImportError): void {
    this.failure = failure;
    this.rows = [];
    this.pending = '';
  }

  /** Skips a row of empty fields; in a one-column file that is an empty line. */
  private skipBlankRow(fields: number): void {
    this.skippedAt.push(this.rows.length);
    if (fields === 1) this.emptyLines++;
    else this.blankRows++;
  }

  private result(): ImportResult {
    if (this.failure !== null) return { ok: false, error: this.failure };
    const { header, rows } = this;
    const headerLine = 1 + this.emptyBeforeHeader;
    if (this.unclosed !== null) {
      const line = this.unclosed === -1 ? headerLine : (this.linesOf([this.unclosed])[0] ?? headerLine);
      return importFailure(
        'unclosed_quote',
        `Line ${line} has a double quote (") that opens a quoted value but never closes it, so the rest of the ` +
          'file would be read as one value. Close the quote, or write it twice ("") if it is part of the text.',
        { line },
      );
    }
    if (header === null) {
      return importFailure('empty_file', 'The file is empty: it has no header row and no data rows.');
    }
    if (rows.length === 0) {
      const skipped = this.emptyLines + this.blankRows;
      const after = skipped > 0 ? ` (only ${plural(skipped, 'empty line')} after it)` : '';
      return importFailure('header_only', `The file has a header row but no data rows${after}.`, {
        line: headerLine,
      });
    }
    if (this.ragged.length > 0) return this.raggedFailure(header, headerLine);
    const notes = this.notes(header);
    // The unnamed columns at the end that hold values were kept: now they count.
    const tooWide = checkColumnCount(header.length);
    if (tooWide !== null) return { ok: false, error: tooWide };
    return {
      ok: true,
      table: {
        format: this.delimiter === '\t' ? 'tsv' : 'csv',
        headers: header,
        rows,
        origin: 'text',
        delimiter: this.delimiter,
        notes,
      },
    };
  }

  private raggedFailure(header: string[], headerLine: number): ImportResult {
    const listed = this.ragged.slice(0, RAGGED_LINES_LISTED);
    const lines = this.linesOf(listed);
    const columns = plural(header.length, 'column');
    const advice =
      `Each line needs one field per column: a value that contains a ${delimiterName(this.delimiter)} ` +
      'must be in double quotes, and a missing value still needs its delimiter.';
    const fieldsOf = (index: number): number => this.rows[listed[index] ?? 0]?.length ?? 0;
    const firstLine = lines[0] ?? headerLine;
    if (this.ragged.length === 1) {
      return importFailure(
        'ragged_rows',
        `Line ${firstLine} has ${plural(fieldsOf(0), 'field')}, but the header row (line ${headerLine}) has ${columns}. ${advice}`,
        { line: firstLine },
      );
    }
    const parts = lines.map((line, index) => `line ${line} has ${fieldsOf(index)}`);
    const more = this.ragged.length - listed.length;
    if (more > 0) parts.push(`and ${plural(more, 'more line')}`);
    return importFailure(
      'ragged_rows',
      `${plural(this.ragged.length, 'line')} have a different number of fields than the header row ` +
        `(line ${headerLine}), which has ${columns}: ${parts.join(', ')}. ${advice}`,
      { line: firstLine },
    );
  }

  /**
   * The 1-based file lines on which the given data rows (ascending indexes) start. Only called for messages:
   * it walks the rows counting line breaks inside quoted values and the empty lines that were skipped.
   */
  private linesOf(indexes: readonly number[]): number[] {
    const lines: number[] = [];
    let next = 1 + this.emptyBeforeHeader + 1 + lineBreaksIn(this.header ?? []);
    let skipped = 0;
    let row = 0;
    for (const index of indexes) {
      for (; row <= index; row++) {
        while ((this.skippedAt[skipped] ?? Infinity) <= row) {
          skipped++;
          next++;
        }
        if (row === index) lines.push(next);
        next += 1 + lineBreaksIn(this.rows[row] ?? []);
      }
    }
    return lines;
  }

  private notes(header: string[]): string[] {
    const notes: string[] = [];
    const dropped = this.dropEmptyTrailingColumns(header);
    if (dropped > 0) {
      notes.push(
        `Ignored ${dropped === 1 ? 'an unnamed, empty column' : `${dropped} unnamed, empty columns`} at the end ` +
          'of each line (a delimiter at the end of the line).',
      );
    }
    if (this.trailingDelimiterRows > 0) {
      notes.push(
        `Ignored the empty fields after the last column on ${plural(this.trailingDelimiterRows, 'line')} ` +
          '(a delimiter at the end of the line).',
      );
    }
    if (this.emptyLines > 0) notes.push(`Skipped ${plural(this.emptyLines, 'empty line')}.`);
    if (this.blankRows > 0) notes.push(`Skipped ${plural(this.blankRows, 'row')} with no values.`);
    const duplicates = duplicateNames(header);
    if (duplicates.length > 0) {
      notes.push(`Some column names appear more than once: ${duplicates.join('; ')}.`);
    }
    return notes;
  }

  /** Drops unnamed columns at the end whose every cell is empty (a delimiter ending every line). */
  private dropEmptyTrailingColumns(header: string[]): number {
    let dropped = 0;
    while (header.length > 1) {
      const last = header.length - 1;
      if ((header[last] ?? '').trim() !== '') break;
      if (!this.rows.every((row) => row[last] === '')) break;
      header.pop();
      for (const row of this.rows) row.pop();
      dropped++;
    }
    return dropped;
  }
}

/** How many unnamed columns end a header (`a,b,,` has two). */
function unnamedAtEnd(header: readonly string[]): number {
  let count = 0;
  while (count < header.length && (header[header.length - 1 - count] ?? '').trim() === '') count++;
  return count;
}

/** Column names used more than once (trimmed, any case), as `"name" (columns 2 and 5)`. */
export function duplicateNames(header: readonly string[]): string[] {
  const positions = new Map<string, number[]>();
  header.forEach((name, index) => {
    const key = name.trim().toLowerCase();
    if (key === '') return;
    const list = positions.get(key);
    if (list) list.push(index + 1);
    else positions.set(key, [index + 1]);
  });
  const duplicates: string[] = [];
  for (const list of positions.values()) {
    if (list.length < 2) continue;
    const name = header[(list[0] ?? 1) - 1]?.trim() ?? '';
    const columns = `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
    duplicates.push(`"${name}" (columns ${columns})`);
  }
  return duplicates;
}

/** The papaparse reader alone, that `createDelimitedParser` falls back to (for tests that compare the two). */
export function createPapaDelimitedParser(options: DelimitedOptions = {}): DelimitedParser {
  return new DelimitedTextParser(options);
}

/**
 * A CSV/TSV reader to feed in pieces; the rows are the same however the text is cut. It reads the text straight
 * into columns (`ColumnParser`), and hands it to papaparse's reader on anything it does not read itself.
 */
export function createDelimitedParser(options: DelimitedOptions = {}): DelimitedParser {
  return new ColumnParser(
    options.delimiter,
    options.preferred,
    () => new DelimitedTextParser(options),
    duplicateNames,
  );
}

/** Reads CSV/TSV text into a table of text cells (SPEC §1): detected delimiter, BOM, CRLF, quoted newlines. */
export function parseDelimited(text: string, options: DelimitedOptions = {}): ImportResult {
  const parser = createDelimitedParser(options);
  parser.push(text);
  return parser.finish();
}

/**
 * Splits cells copied from a spreadsheet (tab-separated, CRLF or LF, cells with line breaks in double quotes) into
 * rows of cells, for pasting into the grid. No header: every line is a row; the line break a spreadsheet adds after
 * the last row is not a row.
 */
export function parsePastedCells(text: string): string[][] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source === '') return [];
  const output: ParserOutput = newPapaParser('\t', detectNewline(source)).parse(source, 0, false);
  const rows = output.data;
  const last = rows[rows.length - 1];
  if (rows.length > 1 && last?.length === 1 && last[0] === '') rows.pop();
  return rows;
}
