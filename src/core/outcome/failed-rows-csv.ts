import Papa from 'papaparse';
import { cellText, type ColumnSettings } from '@/core/columns';
import type { CellValue } from '@/core/import';

/** First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"). */
const FORMULA_TRIGGERS: ReadonlySet<string> = new Set(['=', '+', '-', '@', '\t', '\r']);

/** A negative number as JSON writes it: a spreadsheet reads it as a number, never as a formula. */
const PLAIN_NEGATIVE_NUMBER = /^-(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Neutralises a cell a spreadsheet would run as a formula: text starting with `=`, `+`, `-`, `@`, tab or
 * carriage return gets a leading single quote, as OWASP recommends.
 * NOTE: a plain negative number such as `-12.5` is left as it is (as papaparse's own `escapeFormulae` leaves
 * numbers): it cannot run anything, and escaping it would turn a number into text on the way back in.
 */
export function escapeSpreadsheetFormula(text: string): string {
  const first = text.charAt(0);
  if (!FORMULA_TRIGGERS.has(first)) return text;
  if (PLAIN_NEGATIVE_NUMBER.test(text)) return text;
  return `'${text}`;
}

/**
 * The CSV text of failed rows in the sheet's own columns (the app's Export and the command line's
 * `--failed-out`): a header of the column names, then one line per row with each cell as the grid shows it, every
 * field escaped against formula injection. Lines end in CRLF (RFC 4180); fields with a comma, quote or line break
 * are quoted.
 */
export function failedRowsCsv(
  columns: readonly Pick<ColumnSettings, 'name'>[],
  rows: readonly (readonly CellValue[])[],
): string {
  const header = columns.map((column) => escapeSpreadsheetFormula(column.name));
  const body = rows.map((cells) =>
    columns.map((_column, index) => escapeSpreadsheetFormula(cellText(cells[index]))),
  );
  return Papa.unparse([header, ...body], { newline: '\r\n', quotes: false });
}
