import Papa from 'papaparse';

// How a delimited text file is recognised: its line ending and its delimiter, from a sample of its first lines,
// with the low-level papaparse parser the reader uses too.

/** The delimiters detected in text files: comma, semicolon (European spreadsheet exports), tab, pipe. */
export type Delimiter = ',' | ';' | '\t' | '|';
/** The line endings papaparse reads. */
export type Newline = '\n' | '\r\n' | '\r';

/** Detection order; the first wins a tie unless the file's extension prefers another. */
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];

/**
 * How much of the text (after a byte order mark) the delimiter and line ending are detected from. Both a whole
 * string and a stream detect from exactly this prefix, so they read the file the same way.
 */
export const DETECTION_SAMPLE_CHARS = 64 * 1024;

/** What papaparse's low-level parser returns (its type declares `any`). */
export interface ParserOutput {
  data: string[][];
  errors: { code: string }[];
  meta: { cursor: number };
}

/** Papaparse's low-level parser, the one its own chunked streaming uses. */
export function newPapaParser(delimiter: Delimiter, newline: Newline, preview?: number): Papa.Parser {
  return new Papa.Parser({ delimiter, newline, preview });
}

/** True for a record that is an empty (or whitespace-only) line. */
export function isEmptyLine(record: readonly string[]): boolean {
  return record.length === 1 && (record[0] ?? '').trim() === '';
}

/** True when every field from `from` on is empty: the extra fields of a trailing delimiter. */
export function emptyFrom(record: readonly string[], from: number): boolean {
  for (let i = from; i < record.length; i++) if (record[i] !== '') return false;
  return true;
}

/** True when a record has a field per column, allowing empty extra fields (a trailing delimiter). */
export function fits(record: readonly string[], width: number): boolean {
  return record.length === width || (record.length > width && emptyFrom(record, width));
}

/** The line ending of the first line break outside double quotes (CRLF, LF, or a lone CR). */
export function detectNewline(sample: string): Newline {
  const at = firstLineBreak(sample, true) ?? firstLineBreak(sample, false);
  if (at === null || sample.charCodeAt(at) === 10) return '\n';
  const next = at + 1;
  return next === sample.length || sample.charCodeAt(next) === 10 ? '\r\n' : '\r';
}

function firstLineBreak(sample: string, skipQuoted: boolean): number | null {
  let quoted = false;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code === 34 && skipQuoted) quoted = !quoted;
    else if (!quoted && (code === 10 || code === 13)) return i;
  }
  return null;
}

/**
 * Detects the delimiter from the first lines of a sample: the candidate that gives the header at least two
 * columns and the most following lines with the same number of fields; then more columns; then the preferred one.
 * `truncated` says the sample ends mid-file, so its last line may be cut and is not looked at.
 */
export function detectDelimiter(
  sample: string,
  newline: Newline,
  truncated: boolean,
  preferred: Delimiter = ',',
): Delimiter {
  const order = [preferred, ...DELIMITERS.filter((delimiter) => delimiter !== preferred)];
  let best: { delimiter: Delimiter; ratio: number; width: number } | null = null;
  for (const delimiter of order) {
    const output: ParserOutput = newPapaParser(delimiter, newline, 21).parse(sample, 0, truncated);
    const records = output.data.filter((record) => !isEmptyLine(record));
    const width = records[0]?.length ?? 0;
    if (width < 2) continue;
    let consistent = 0;
    for (let i = 1; i < records.length; i++) if (fits(records[i] ?? [], width)) consistent++;
    const ratio = records.length > 1 ? consistent / (records.length - 1) : 1;
    if (best === null || ratio > best.ratio || (ratio === best.ratio && width > best.width)) {
      best = { delimiter, ratio, width };
    }
  }
  return best?.delimiter ?? preferred;
}

/** The delimiter in words, for messages. */
export function delimiterName(delimiter: string): string {
  switch (delimiter) {
    case ',':
      return 'comma (,)';
    case ';':
      return 'semicolon (;)';
    case '\t':
      return 'tab';
    case '|':
      return 'pipe (|)';
    default:
      return `"${delimiter}"`;
  }
}
