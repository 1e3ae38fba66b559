import { createDelimitedParser, type DelimitedParser } from './delimited';
import { detectFormat, type FormatDetection, SNIFF_BYTES } from './detect-format';
import { importJson, importJsonl } from './json-import';
import { checkFileSize } from './limits';
import { createTextChunkDecoder, type TextChunkDecoder } from './text-decoding';
import type { ImportError, ImportOptions, ImportResult } from './types';

/**
 * Reads a file fed as it streams in (a web worker reading `file.stream()`): CSV/TSV is parsed piece by piece,
 * JSON, JSONL, Parquet and Excel are read at the end. Progress is `bytesRead / file.size`.
 */
export interface FileImporter {
  /** Feeds the next bytes of the file. */
  push(bytes: Uint8Array): void;
  /** Reads what is left and returns the table, or the first problem with the file. */
  finish(): Promise<ImportResult>;
  /** Bytes pushed so far. */
  readonly bytesRead: number;
  /** Data rows parsed so far (CSV/TSV only; other formats are read at the end). */
  readonly rowCount: number;
  /** The problem that already stopped the import (too large, binary, …): stop reading and call `finish()`. */
  readonly error: ImportError | null;
}

function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}

class StreamingFileImporter implements FileImporter {
  private head: Uint8Array[] = [];
  private body: Uint8Array[] = [];
  private bodyBytes = 0;
  private detection: Extract<FormatDetection, { ok: true }> | null = null;
  private decoder: TextChunkDecoder | null = null;
  private delimited: DelimitedParser | null = null;
  private failure: ImportError | null;
  private bytes = 0;
  private finished = false;

  constructor(
    private readonly fileName: string,
    fileSize: number | undefined,
    private readonly options: ImportOptions,
  ) {
    this.failure = fileSize === undefined ? null : checkFileSize(fileSize);
  }

  get bytesRead(): number {
    return this.bytes;
  }

  get rowCount(): number {
    return this.delimited?.rowCount ?? 0;
  }

  get error(): ImportError | null {
    return this.failure;
  }

  push(bytes: Uint8Array): void {
    if (this.finished) throw new Error('push() after finish()');
    if (this.failure !== null || bytes.length === 0) return;
    this.bytes += bytes.length;
    this.failure = checkFileSize(this.bytes);
    if (this.failure !== null) return;
    if (this.detection === null) {
      this.head.push(bytes);
      if (this.bytes >= SNIFF_BYTES) this.detect();
      return;
    }
    this.feed(bytes);
  }

  async finish(): Promise<ImportResult> {
    if (this.finished) throw new Error('finish() called twice');
    this.finished = true;
    if (this.detection === null && this.failure === null) this.detect();
    const detection = this.detection;
    if (this.failure !== null || detection === null) return this.failed();
    const result = await this.read(detection);
    if (result.ok) {
      result.table.notes = [...detection.notes, ...(this.decoder?.notes ?? []), ...result.table.notes];
    }
    return result;
  }

  private failed(): ImportResult {
    const error = this.failure ?? { code: 'empty_file', message: 'The file is empty (0 bytes).' };
    return { ok: false, error };
  }

  private detect(): void {
    const first = concatBytes(this.head, this.bytes);
    this.head = [];
    const detection = detectFormat(this.fileName, first.subarray(0, SNIFF_BYTES));
    if (!detection.ok) {
      this.failure = detection.error;
      return;
    }
    this.detection = detection;
    if (detection.format !== 'parquet' && detection.format !== 'xlsx')
      this.decoder = createTextChunkDecoder(detection.encoding);
    if (detection.format === 'csv' || detection.format === 'tsv') {
      this.delimited = createDelimitedParser({ preferred: detection.preferredDelimiter });
    }
    this.feed(first);
  }

  private feed(bytes: Uint8Array): void {
    if (this.delimited !== null && this.decoder !== null) {
      this.delimited.push(this.decoder.decode(bytes));
      this.failure = this.delimited.error;
      return;
    }
    this.body.push(bytes);
    this.bodyBytes += bytes.length;
  }

  private async read(detection: Extract<FormatDetection, { ok: true }>): Promise<ImportResult> {
    if (this.delimited !== null && this.decoder !== null) {
      this.delimited.push(this.decoder.flush());
      return this.delimited.finish();
    }
    const body = concatBytes(this.body, this.bodyBytes);
    this.body = [];
    if (detection.format === 'parquet') return importParquet(body);
    if (detection.format === 'xlsx') return importXlsx(body, this.options);
    const decoder = this.decoder ?? createTextChunkDecoder(detection.encoding);
    const text = decoder.decode(body) + decoder.flush();
    return detection.format === 'json' ? importJson(text) : importJsonl(text);
  }
}

/**
 * Reads a Parquet file into a table. The reader (hyparquet) is loaded on the first call, so a bundle that imports
 * `@/core/import` (the import web worker) downloads it only when a Parquet file is read.
 */
export async function importParquet(data: ArrayBuffer | Uint8Array): Promise<ImportResult> {
  const reader = await import('./parquet-import');
  return reader.importParquet(data);
}

/**
 * Reads an Excel workbook (.xlsx) into a table: `options.sheet`, or the one sheet with data. The reader
 * (read-excel-file) is loaded on the first call, as the Parquet reader is.
 */
export async function importXlsx(
  data: ArrayBuffer | Uint8Array,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const reader = await import('./xlsx-import');
  return reader.importXlsx(data, options);
}

/**
 * An importer to feed a file's bytes as they are read; `fileSize` (when known) is checked first. `options.sheet`
 * picks the sheet of a workbook.
 */
export function createFileImporter(
  fileName: string,
  fileSize?: number,
  options: ImportOptions = {},
): FileImporter {
  return new StreamingFileImporter(fileName, fileSize, options);
}

/** Reads a whole file (name and bytes) into a table: format detection, size limit, decoding, parsing. */
export async function importFile(
  fileName: string,
  data: Uint8Array | ArrayBuffer,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const importer = createFileImporter(fileName, bytes.length, options);
  importer.push(bytes);
  return importer.finish();
}
