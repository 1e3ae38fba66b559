/**
 * A span's patch (SPEC §3–§6): the stored form of a value, span IDs, what one row and the rows of one span
 * make of their cells, a submitted patch as the server prepares it, one span's update (types, widening,
 * limits), and the prediction of it in the browser.
 *
 * The front door of src/core/patch: code outside the room imports it from here (`@/core/patch`) only.
 * It may import: text, api, issues, import, columns. (eslint.config.js)
 */
export { isUpToDate, predictSubmission, type SpanPrediction, upToDateSpanIds } from './predict';
export {
  BLANK_ROW,
  computeRow,
  type DistinctCells,
  type MappedColumn,
  type PatchEntry,
  readPatchDocument,
  type RowContext,
  type RowCheck,
  RowChecker,
  type RowResult,
  spanIdOfRow,
} from './row-patch';
export {
  checkSpan,
  computeSpan,
  isSubmittable,
  MAX_NAMED_ROWS,
  quietCheckedRowStatus,
  quietSingleRowStatus,
  SPAN_DUPLICATE,
  SPAN_EMPTY,
  SPAN_STATUSES,
  SPAN_TOO_LARGE,
  type SpanCheck,
  type SpanFindings,
  spanFindingCounts,
  spanIssuesOf,
  spanIssuesOnRow,
  type SpanResult,
  type SpanStatus,
  storedPatch,
} from './span-patch';
export { planSpanUpdate, type RecordedChange, type SpanWrite } from './span-update';
export { decidedOutcomes, revertPatchDocument } from './target-outcome';
export { checkStoredType, type StoredType, type StoredValue, toStoredForm } from './stored-form';
export type { StoredPatch, StoredSpanPatch } from './stored-patch';
export { type PreparedPatch, prepareSubmittedSpan, segmentNotFoundMessage } from './submitted-patch';
