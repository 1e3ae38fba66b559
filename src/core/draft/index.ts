/**
 * Saved sheets (SPEC §9): the log autosave keeps (the columns once, then the edits), and drafts of format 1
 * repaired or refused, in words that say what was wrong.
 *
 * The front door of src/core/draft: code outside the room imports it from here (`@/core/draft`) only.
 * It may import: text, api, issues, import, columns, patch, sheet. (eslint.config.js)
 */
export { draftAsJson, restoreSheet, type SheetDraftSource, sheetSourceSchema } from './restore-sheet';
export { logKeys, openSheetLog, SHEET_LOG_FORMAT, type SheetLogHead } from './sheet-log';
