/** The file name of failed rows whose sheet has no usable name. */
export const FAILED_ROWS_FILE_NAME = 'failed-rows.csv';

/** The media type of an Excel workbook (.xlsx). */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const SHEET_EXTENSION = /\.(?:csv|tsv|txt|json|jsonl|ndjson|parquet|xlsx|xlsm)$/i;

/**
 * The file name failed rows are downloaded as, after the sheet they were submitted from: "review.csv" gives
 * "review-failed-rows.csv", as do the failed rows of it ("Failed rows of review.csv"); characters a file name
 * cannot hold become dashes.
 */
export function failedRowsFileName(sheetLabel: string, extension: 'csv' | 'xlsx' = 'csv'): string {
  const base = sheetLabel
    .trim()
    .replace(/^failed rows of\s+/i, '')
    .replace(SHEET_EXTENSION, '')
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 80)
    .replace(/^[-.]+|[-.]+$/g, '');
  const name = base === '' ? FAILED_ROWS_FILE_NAME : `${base}-${FAILED_ROWS_FILE_NAME}`;
  return extension === 'csv' ? name : name.replace(/\.csv$/, `.${extension}`);
}

// The formula-safe CSV is pure, shared with the command line's `--failed-out`: it lives in core.
export {
  escapeSpreadsheetFormula,
  failedRowsCsv,
  failedRowsWithErrors,
  failedRowsXlsx,
} from '@/core/outcome';
