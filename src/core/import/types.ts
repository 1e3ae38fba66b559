/**
 * A cell as a sheet holds it: text (CSV, TSV, the grid), or a typed value from JSON, JSONL or Parquet.
 * `undefined` is a missing value.
 */
export type CellValue = string | number | bigint | boolean | null | undefined | object;

/** What to read of a file: the sheet of an Excel workbook that has several (by name). */
export interface ImportOptions {
  sheet?: string;
}

/** The file formats a sheet can be imported from. */
export type ImportFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'parquet' | 'xlsx';

/**
 * A file read into rows, ready for `autoMapColumns(headers, origin)` and `SheetModel.fromRows(columns, rows)`.
 * Every row has exactly `headers.length` cells. `origin` is `text` for CSV/TSV (cells are strings) and `typed` for
 * JSON, JSONL and Parquet (cells keep their type; `undefined` is a missing value, `null` is JSON null).
 */
export interface ImportedTable {
  format: ImportFormat;
  /** Column names as written in the file (not trimmed; a UTF-8 byte order mark is removed). */
  headers: string[];
  rows: CellValue[][];
  origin: 'text' | 'typed';
  /** The delimiter of CSV/TSV files. */
  delimiter?: string;
  /** The sheet read, for an Excel workbook. */
  sheet?: string;
  /** Things worth telling the user that did not stop the import ("Skipped 3 empty lines."). */
  notes: string[];
  /**
   * CSV/TSV read straight into columns: each column's cells as one string and the offset where each starts
   * (`offsets.length` is one more than the rows). Then `rows` is made from them only when it is read.
   */
  columns?: TextColumn[];
}

/** One column of a text table: its cells as one string, cell `i` from `offsets[i]` to `offsets[i + 1]`. */
export interface TextColumn {
  text: string;
  offsets: Uint32Array;
}

/** Why a file could not be imported. */
export type ImportErrorCode =
  | 'empty_file'
  | 'header_only'
  | 'binary_file'
  | 'unsupported_type'
  | 'ragged_rows'
  | 'unclosed_quote'
  | 'invalid_json'
  | 'not_an_array_of_objects'
  | 'too_large'
  | 'invalid_parquet'
  | 'invalid_xlsx'
  | 'choose_sheet';

/** A file that could not be imported: `message` says what is wrong and where, in words a person reads. */
export interface ImportError {
  code: ImportErrorCode;
  message: string;
  /** 1-based line of the file (the header is line 1), when the problem is on a line. */
  line?: number;
  /** 1-based column (character) within that line. */
  column?: number;
  /** `choose_sheet`: the workbook's sheets that hold data, to pick one from (`ImportOptions.sheet`). */
  sheets?: string[];
}

/** The outcome of reading a file: a table, or the first problem that stops the import. */
export type ImportResult = { ok: true; table: ImportedTable } | { ok: false; error: ImportError };

/** An import that failed with `error`. */
export function importFailure(
  code: ImportErrorCode,
  message: string,
  where: { line?: number; column?: number; sheets?: string[] } = {},
): { ok: false; error: ImportError } {
  return { ok: false, error: { code, message, ...where } };
}

/** The name of a format in messages: "CSV", "JSON Lines", … */
export function formatLabel(format: ImportFormat): string {
  switch (format) {
    case 'csv':
      return 'CSV';
    case 'tsv':
      return 'TSV';
    case 'json':
      return 'JSON';
    case 'jsonl':
      return 'JSON Lines';
    case 'parquet':
      return 'Parquet';
    case 'xlsx':
      return 'Excel';
  }
}

/** A count with its noun, for messages: `plural(1, 'line')` is "1 line", `plural(3, 'line')` "3 lines". */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : pluralNoun}`;
}
