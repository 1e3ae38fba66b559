/**
 * Saved sheets (SPEC §9): the log autosave keeps (the columns once, then the edits), and drafts of older formats
 * brought to it by a numbered list of migrations, repaired or refused in words that say what was wrong.
 *
 * The front door of src/core/draft: code outside the room imports it from here (`@/core/draft`) only.
 * It may import: text, api, issues, import, columns, patch, sheet. (eslint.config.js)
 */
export {
  createMigrationSequence,
  type DraftMigration,
  migrateDraft,
  openSavedSheet,
  type SavedDraft,
  sheetDraftMigrations,
} from './draft-migrations';
export { draftAsJson, restoreSheet, type SheetDraftSource, sheetSourceSchema } from './restore-sheet';
export { logKeys, openSheetLog, SHEET_LOG_FORMAT, type SheetLogHead } from './sheet-log';
