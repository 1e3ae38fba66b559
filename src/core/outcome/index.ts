/**
 * The outcome of a Submit (SPEC §9, §13): figures that agree, a Retry merged in, its saved form repaired or
 * refused, and the failed rows as a formula-safe CSV or an Excel workbook with the cells to blame
 * marked.
 *
 * The front door of src/core/outcome: code outside the room imports it from here (`@/core/outcome`) only.
 * It may import: text, api, issues, import, columns, patch, sheet, draft. (eslint.config.js)
 */
export { type FailedRow, failedRowsWithErrors, failureColumns, failureRow } from './failed-cells';
export { escapeSpreadsheetFormula, failedRowsCsv } from './failed-rows-csv';
export { ERROR_COLUMN, FAILED_CELL_FILL, FAILED_ROWS_SHEET, failedRowsXlsx } from './failed-rows-xlsx';
export { restoreOutcome, storedOutcomeOf } from './restore-outcome';
export {
  blockedSpanErrors,
  buildOutcome,
  type ErrorTypeCount,
  errorTypeCounts,
  type FailedSpan,
  includeLeftOut,
  LEFT_OUT_PREDICTED,
  leftOutSpanErrors,
  mergeRetry,
  notAppliedSpanIds,
  outcomeFailures,
  type OutcomeSummary,
  refusalOf,
  type RetryReport,
  retrySpanIds,
  type SubmissionOutcome,
  summarizeOutcome,
} from './submission-outcome';
