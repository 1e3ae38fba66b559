/**
 * Reading a file (SPEC §1): CSV/TSV, JSON, JSONL, Parquet and Excel (.xlsx) into headers and rows of cells, with the limits
 * of an import.
 * NOTE: `importParquet` and `importXlsx` are import-file's wrappers that load ./parquet-import and ./xlsx-import on
 * first use. Exporting those here would put hyparquet and read-excel-file back into every bundle that imports this
 * room (the import worker).
 *
 * The front door of src/core/import: code outside the room imports it from here (`@/core/import`) only.
 * It may import: text, api, issues. (eslint.config.js)
 */
export {
  createDelimitedParser,
  type DelimitedOptions,
  type DelimitedParser,
  parseDelimited,
  parsePastedCells,
} from './delimited';
export { firstRows, tablePreview, tableRowCount } from './column-parser';
export {
  type Delimiter,
  delimiterName,
  DELIMITERS,
  detectDelimiter,
  DETECTION_SAMPLE_CHARS,
  detectNewline,
  type Newline,
} from './delimiter-detection';
export {
  detectFormat,
  fileExtension,
  type FormatDetection,
  SNIFF_BYTES,
  sniffText,
  type TextSniff,
} from './detect-format';
export { createFileImporter, type FileImporter, importFile, importParquet, importXlsx } from './import-file';
export { importJson, importJsonl } from './json-import';
export {
  checkColumnCount,
  checkFileSize,
  describeSize,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_COLUMNS,
  MAX_IMPORT_ROWS,
  tooManyRows,
} from './limits';
export { createTextChunkDecoder, type TextChunkDecoder, type TextEncoding } from './text-decoding';
export {
  type CellValue,
  formatLabel,
  type ImportedTable,
  type ImportError,
  type ImportErrorCode,
  type ImportFormat,
  type ImportOptions,
  type ImportResult,
  plural,
  type TextColumn,
} from './types';
