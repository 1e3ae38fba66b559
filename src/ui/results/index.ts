export { ResultsView, type ResultsViewProps } from './results-view';
export { escapeSpreadsheetFormula, FAILED_ROWS_FILE_NAME, failedRowsCsv } from './export-failed-rows';
