import readXlsxFile, {
  InvalidInputError,
  InvalidSpreadsheetError,
  readSheet,
  SheetNotFoundError,
  type SheetData,
} from 'read-excel-file/universal';
import { unzipSync, zipSync } from 'fflate';
import { duplicateNames } from './delimited';
import { checkColumnCount, MAX_IMPORT_ROWS, tooManyRows } from './limits';
import { type CellValue, type ImportOptions, type ImportResult, importFailure, plural } from './types';

/** A 0-based column index as a spreadsheet names it: 0 is "A", 26 is "AA". */
export function columnLetter(index: number): string {
  let letters = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}

/** Where a cell is, in words: `cell C5 (row 5, column C) of sheet "Spans"`. */
export function cellPlace(sheet: string, rowIndex: number, columnIndex: number): string {
  const column = columnLetter(columnIndex);
  return `cell ${column}${rowIndex + 1} (row ${rowIndex + 1}, column ${column}) of sheet "${sheet}"`;
}

const two = (value: number) => String(value).padStart(2, '0');

/**
 * An Excel date as ISO 8601 text: "2024-03-01" for a date, "2024-03-01T09:30:00" for a date and time (Excel
 * stores no time zone, so none is written), with milliseconds when it has them.
 */
export function excelDateText(read: Date): string {
  if (Number.isNaN(read.getTime())) return '';
  // NOTE: Excel stores a date as a fraction of days, which lands a millisecond off a whole second
  // (09:30:15 reads as 09:30:14.999): within a millisecond of a second is that second.
  const near = Math.round(read.getTime() / 1000) * 1000;
  const date = Math.abs(near - read.getTime()) <= 1 ? new Date(near) : read;
  const day = `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
  const [hours, minutes, seconds, millis] = [
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  ];
  if (hours === 0 && minutes === 0 && seconds === 0 && millis === 0) return day;
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`;
  return `${day}T${two(hours)}:${two(minutes)}:${two(seconds)}${fraction}`;
}

type RawCell = SheetData[number][number];

/** A workbook's cell as a sheet cell: empty is missing, numbers and booleans keep their type, dates ISO text. */
function toCell(value: RawCell): CellValue {
  if (value === null) return undefined;
  if (value instanceof Date) return excelDateText(value);
  return value as CellValue;
}

/** A header cell as a column name. */
function headerName(value: RawCell): string {
  if (value === null) return '';
  if (value instanceof Date) return excelDateText(value);
  return String(value);
}

function isEmptyRow(row: readonly RawCell[] | undefined): boolean {
  return row === undefined || row.every((value) => value === null || value === '');
}

function invalidXlsx(reason: string): ImportResult {
  return importFailure('invalid_xlsx', `This file is not a readable Excel workbook: ${reason}.`);
}

/** The reader's error in words a person reads. */
function describeReadError(error: unknown, sheet?: string): ImportResult {
  if (error instanceof InvalidInputError) {
    const code = (error as { code?: string }).code;
    if (code === 'XLS_FILE_NOT_SUPPORTED') {
      return importFailure(
        'unsupported_type',
        'This is an older Excel .xls workbook, which Spanpatch cannot read: in Excel, use File › Save As › ' +
          '"Excel Workbook (.xlsx)" and import that file.',
      );
    }
    if (code === 'NO_DATA') return importFailure('empty_file', 'The file is empty (0 bytes).');
    if (code === 'INVALID_ZIP') {
      return invalidXlsx(
        'its content is damaged (a workbook is a ZIP archive, and this one cannot be unpacked), so it was ' +
          'probably cut short by an incomplete download or copy',
      );
    }
    return invalidXlsx('it is neither an .xlsx workbook nor any other file Spanpatch reads');
  }
  const raw = error instanceof Error ? error.message : String(error);
  if (error instanceof InvalidSpreadsheetError) {
    const place = /<c\/> at row (\d+), col (\d+)/.exec(raw);
    if (place !== null && sheet !== undefined) {
      const where = cellPlace(sheet, Number(place[1]) - 1, Number(place[2]) - 1);
      return invalidXlsx(`${where} cannot be read (${raw.replace(/^.*?: /, '')})`);
    }
    return invalidXlsx(sheet === undefined ? raw : `sheet "${sheet}": ${raw}`);
  }
  return invalidXlsx(raw);
}

/**
 * One sheet as a table, read as a CSV file is: the first row with a value is the header row, empty rows are
 * skipped (and said), every data row has the header's width; a value right of the last named column is an error
 * that names its cell.
 */
export function tableFromSheet(sheet: string, data: SheetData, otherSheets: number): ImportResult {
  const headerIndex = data.findIndex((row) => !isEmptyRow(row));
  if (headerIndex === -1) {
    return importFailure(
      'empty_file',
      `The sheet "${sheet}" is empty: it has no header row and no data rows.`,
    );
  }
  const headerRow = data[headerIndex] ?? [];
  let width = headerRow.length;
  while (width > 0 && (headerRow[width - 1] === null || headerRow[width - 1] === '')) width--;
  const tooWide = checkColumnCount(width, `The sheet "${sheet}"`);
  if (tooWide !== null) return { ok: false, error: tooWide };
  const headers = headerRow.slice(0, width).map(headerName);
  const rows: CellValue[][] = [];
  let emptyRows = 0;
  for (let index = headerIndex + 1; index < data.length; index++) {
    const row = data[index];
    if (row === undefined || isEmptyRow(row)) {
      emptyRows++;
      continue;
    }
    for (let column = width; column < row.length; column++) {
      const value = row[column];
      if (value !== null && value !== '' && value !== undefined) {
        return importFailure(
          'ragged_rows',
          `The ${cellPlace(sheet, index, column)} holds "${headerName(value)}", but the header row (row ` +
            `${headerIndex + 1}) has no name for column ${columnLetter(column)}. Name the column in the header ` +
            'row, or clear the cell, and import the workbook again.',
          { line: index + 1, column: column + 1 },
        );
      }
    }
    if (rows.length === MAX_IMPORT_ROWS) return { ok: false, error: tooManyRows(rows.length, false) };
    const cells: CellValue[] = new Array<CellValue>(width);
    for (let column = 0; column < width; column++) cells[column] = toCell(row[column] ?? null);
    rows.push(cells);
  }
  if (rows.length === 0) {
    return importFailure(
      'header_only',
      `The sheet "${sheet}" has a header row (row ${headerIndex + 1}) but no data rows.`,
      { line: headerIndex + 1 },
    );
  }
  const notes: string[] = [];
  if (otherSheets > 0) {
    notes.push(
      `Read the sheet "${sheet}" of the workbook; its other ${plural(otherSheets, 'sheet')} ` +
        `${otherSheets === 1 ? 'was' : 'were'} left out.`,
    );
  }
  if (headerIndex > 0)
    notes.push(`The header row is row ${headerIndex + 1}; the empty rows above it were skipped.`);
  // NOTE: empty rows at the bottom of a sheet are not rows to Excel either: only those between data rows count.
  if (emptyRows > 0) notes.push(`Skipped ${plural(emptyRows, 'empty row')}.`);
  const duplicates = duplicateNames(headers);
  if (duplicates.length > 0) notes.push(`Some column names appear more than once: ${duplicates.join('; ')}.`);
  return { ok: true, table: { format: 'xlsx', headers, rows, origin: 'typed', sheet, notes } };
}

function toArrayBuffer(data: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (data instanceof ArrayBuffer) return data;
  if (
    data.buffer instanceof ArrayBuffer &&
    data.byteOffset === 0 &&
    data.byteLength === data.buffer.byteLength
  ) {
    return data.buffer;
  }
  return new Uint8Array(data).buffer;
}

/**
 * The workbook's XML parts again, stored without compression: what the reader unpacks without starting workers.
 * NOTE: read-excel-file unzips a large part (over about 320 KB compressed) with fflate's asynchronous inflate,
 * which starts a worker from a blob: URL. The app's Content-Security-Policy allows workers from its own server
 * only, so a large workbook would never finish reading. Inflated here at once (in the import worker, off the
 * page), nothing is left for a worker. A file that does not unzip is given as it is, for the reader to say why.
 */
function withStoredParts(file: ArrayBuffer): ArrayBuffer {
  let parts: Record<string, Uint8Array>;
  try {
    parts = unzipSync(new Uint8Array(file), { filter: (entry) => /\.(?:xml|rels)$/i.test(entry.name) });
  } catch {
    return file;
  }
  const stored = zipSync(parts, { level: 0 });
  return stored.buffer.byteLength === stored.byteLength
    ? (stored.buffer as ArrayBuffer)
    : stored.slice().buffer;
}

/**
 * Reads an Excel workbook (.xlsx) with read-excel-file: the sheet named in `options.sheet`, else the one sheet
 * that holds data; a workbook with several asks which (`choose_sheet`, with their names).
 */
export async function importXlsx(
  data: ArrayBuffer | Uint8Array,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const original = toArrayBuffer(data);
  if (original.byteLength === 0) return importFailure('empty_file', 'The file is empty (0 bytes).');
  const file = withStoredParts(original);
  const { sheet } = options;
  if (sheet !== undefined) {
    let rows: SheetData;
    try {
      rows = await readSheet(file, sheet, { trim: false });
    } catch (error) {
      if (error instanceof SheetNotFoundError) {
        const sheets = (error as { sheets?: string[] }).sheets ?? [];
        return importFailure(
          'choose_sheet',
          `The workbook has no sheet named "${sheet}"; its sheets are ${sheets.map((name) => `"${name}"`).join(', ')}.`,
          { sheets },
        );
      }
      return describeReadError(error, sheet);
    }
    return tableFromSheet(sheet, rows, 0);
  }
  let sheets: { sheet: string; data: SheetData }[];
  try {
    sheets = await readXlsxFile(file, { trim: false });
  } catch (error) {
    return describeReadError(error);
  }
  const withData = sheets.filter((each) => each.data.some((row) => !isEmptyRow(row)));
  const only = withData[0];
  if (only === undefined) {
    return importFailure(
      'empty_file',
      `The workbook is empty: its ${plural(sheets.length, 'sheet')} ${sheets.length === 1 ? 'has' : 'have'} no values.`,
    );
  }
  if (withData.length > 1) {
    const names = withData.map((each) => each.sheet);
    return importFailure(
      'choose_sheet',
      `The workbook has ${withData.length} sheets with data (${names.map((name) => `"${name}"`).join(', ')}): ` +
        'choose the one to import.',
      { sheets: names },
    );
  }
  return tableFromSheet(only.sheet, only.data, sheets.length - 1);
}
