import { type ImportError, plural } from './types';

/** The largest file the app imports: 200 MB. A browser tab holds the parsed sheet in memory, several times this. */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

/** The most data rows a sheet holds. */
export const MAX_IMPORT_ROWS = 1_000_000;

/**
 * The most columns a sheet reads. A project holds at most 1,000 metadata keys (SPEC §6), so a wider file could
 * never be sent; refusing it as its header is read keeps a file of a million columns from being checked at all.
 */
export const MAX_IMPORT_COLUMNS = 1_000;

const splitAdvice = 'Split it into smaller files and import them one at a time.';

/** A size in words: "312.4 MB", "18 KB". */
export function describeSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return plural(bytes, 'byte');
}

/** `too_large` when a file of this many bytes is over what the app can hold, else null. Check before reading. */
export function checkFileSize(bytes: number): ImportError | null {
  if (bytes <= MAX_IMPORT_BYTES) return null;
  return {
    code: 'too_large',
    message: `This file is ${describeSize(bytes)}, more than the ${describeSize(MAX_IMPORT_BYTES)} Spanpatch can hold. ${splitAdvice}`,
  };
}

/** `too_large` for a file with more data rows than a sheet holds; `rows` is what is known (at least that many). */
export function tooManyRows(rows: number, exact: boolean): ImportError {
  const count = exact ? plural(rows, 'data row') : `more than ${plural(MAX_IMPORT_ROWS, 'data row')}`;
  return {
    code: 'too_large',
    message: `This file has ${count}; a sheet holds at most ${MAX_IMPORT_ROWS.toLocaleString('en-US')}. ${splitAdvice}`,
  };
}

/**
 * `too_large` for a table wider than a sheet reads, or null when it is not. `source` names it in the message:
 * "The file", "The pasted block".
 */
export function checkColumnCount(columns: number, source = 'The file'): ImportError | null {
  if (columns <= MAX_IMPORT_COLUMNS) return null;
  return {
    code: 'too_large',
    message:
      `${source} has ${plural(columns, 'column')}; Spanpatch reads at most ${MAX_IMPORT_COLUMNS.toLocaleString('en-US')}. ` +
      `A project holds at most ${MAX_IMPORT_COLUMNS.toLocaleString('en-US')} metadata keys, so the rest could never be sent: ` +
      'keep the span ID column and the columns you mean to send.',
  };
}
