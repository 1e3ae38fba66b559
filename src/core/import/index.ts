export {
  createDelimitedParser,
  type DelimitedOptions,
  type DelimitedParser,
  parseDelimited,
  parsePastedCells,
} from './delimited';
export {
  type Delimiter,
  DELIMITERS,
  delimiterName,
  detectDelimiter,
  detectNewline,
  DETECTION_SAMPLE_CHARS,
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
// NOTE: `importParquet` is import-file's wrapper that loads ./parquet-import on first use. Re-exporting
// ./parquet-import here would put hyparquet back into every bundle that imports this folder (the import worker).
export { createFileImporter, type FileImporter, importFile, importParquet } from './import-file';
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
  formatLabel,
  type ImportedTable,
  type ImportError,
  type ImportErrorCode,
  type ImportFormat,
  type ImportResult,
} from './types';
