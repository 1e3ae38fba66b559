/**
 * A sheet's columns and their cells (SPEC §1, §2): column names, targets and auto-mapping, the checks of a
 * sheet's set of columns, how a cell reads as its column's type, and the text a cell shows.
 *
 * The front door of src/core/columns: code outside the room imports it from here (`@/core/columns`) only.
 * It may import: text, api, issues, import. (eslint.config.js)
 */
export {
  type CellRead,
  type CellSource,
  type ColumnReading,
  emptyKindCounts,
  type Inference,
  inferenceKind,
  infersType,
  inferType,
  isBlank,
  type KindCounts,
  readCell,
  type ReadType,
  typedCellFromText,
} from './cell-reading';
export { cellText } from './cell-text';
export {
  autoMapColumns,
  autoMapHeader,
  type AutoMapOptions,
  type BlankPolicy,
  blankPolicySchema,
  type ColumnSettings,
  type ColumnSettingsPatch,
  columnSettingsSchema,
  type ColumnTarget,
  columnTargetSchema,
  type ColumnType,
  columnTypeSchema,
  isIdLikeName,
  isUnnamedKeyColumn,
  keyProblem,
  matchingKey,
  METADATA_PREFIX,
  plainHeaderKey,
  renameChanges,
  settingsChanges,
  SPAN_ID_COLUMN,
  standardColumns,
  standardHeader,
  suggestedKey,
} from './columns';
export {
  NO_PROJECT_TYPES,
  type ProjectType,
  type ProjectTypes,
  projectTypeOf,
  projectTypesOf,
  sameProjectTypes,
} from './project-types';
export { checkColumnKeys, checkSheetColumns, type SheetIssue } from './sheet-issues';
