/**
 * The incremental sheet (SPEC §5): `SheetModel`, its edits and their inverses, the engine that recomputes
 * what an edit touched (cells per column, spans as integers, the counts, column states and notices), its packed
 * form for a worker, the spans a submit sends, and picked spans as sheet rows.
 *
 * The front door of src/core/sheet: code outside the room imports it from here (`@/core/sheet`) only.
 * It may import: text, api, issues, import, columns, patch. (eslint.config.js)
 */
export {
  acceptedAfter,
  type ColumnNotice,
  exampleText,
  NOTICE_ROWS_SHOWN,
  noticeRowsText,
  noticeSummary,
  splitNotices,
} from './column-notices';
export { type PackedSheet, packedSheetTransferables } from './packed-sheet';
export { ColumnCells, type PackedCells } from './sheet-cells';
export {
  type CellChange,
  type EditResult,
  type RowValues,
  type SheetEdit,
  sheetEditSchema,
} from './sheet-edits';
export type { RowStatus, SpanOrder } from './sheet-engine';
export { SheetModel } from './sheet-model';
export { type SheetSummary, submittableCount } from './sheet-tallies';
export {
  appendSheetEdits,
  newKeyProblems,
  type SpanForSheet,
  spanOrigins,
  type SpansSheet,
  spansToSheet,
} from './spans-to-sheet';
export { submittableSpanIds, submittedPatches } from './submittable-spans';
export { BULK_EDIT_ROWS } from './full-recheck';
