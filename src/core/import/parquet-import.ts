import {
  type FileMetaData,
  type ParquetParsers,
  parquetMetadata,
  parquetRead,
  parquetSchema,
} from 'hyparquet';
import type { CellValue } from './types';
import { checkColumnCount, MAX_IMPORT_ROWS, tooManyRows } from './limits';
import { type ImportResult, importFailure, plural } from './types';

/** Compression codecs hyparquet reads without extra decompressors. */
const READABLE_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY']);

/** The index column pandas writes for an unnamed, non-default index. */
const PANDAS_INDEX = /^__index_level_\d+__$/;

/** An ISO 8601 UTC timestamp from whole seconds and a fraction written with `digits` digits. */
function isoTimestamp(units: bigint, perSecond: bigint, digits: number): string {
  let seconds = units / perSecond;
  let fraction = units % perSecond;
  if (fraction < 0n) {
    seconds -= 1n;
    fraction += perSecond;
  }
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return units.toString();
  return `${date.toISOString().slice(0, 19)}.${fraction.toString().padStart(digits, '0')}Z`;
}

/** Dates and timestamps as ISO strings (to the precision the file stores), not Date objects. */
const parsers: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (millis: bigint) => isoTimestamp(millis, 1_000n, 3),
  timestampFromMicroseconds: (micros: bigint) => isoTimestamp(micros, 1_000_000n, 6),
  timestampFromNanoseconds: (nanos: bigint) => isoTimestamp(nanos, 1_000_000_000n, 9),
  dateFromDays: (days: number) => {
    const date = new Date(days * 86_400_000);
    return Number.isNaN(date.getTime()) ? String(days) : date.toISOString().slice(0, 10);
  },
};

function toArrayBuffer(data: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (data instanceof ArrayBuffer) return data;
  if (
    data.buffer instanceof ArrayBuffer &&
    data.byteOffset === 0 &&
    data.byteLength === data.buffer.byteLength
  ) {
    return data.buffer;
  }
  // NOTE: a copy by the constructor, not `slice()`: a Node Buffer's `slice()` shares memory instead of copying.
  return new Uint8Array(data).buffer;
}

function hex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
}

/** A Parquet value as a sheet cell: null is a missing value; raw bytes become hex text. */
function toCell(value: unknown): CellValue {
  if (value === null) return undefined;
  if (value instanceof Uint8Array) return hex(value);
  return value as CellValue;
}

/** hyparquet's error in words a person reads. */
function describeParquetError(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  if (/footer != PAR1|metadata length .* exceeds|too short/i.test(raw)) {
    return 'its end is missing or damaged (a Parquet file ends with "PAR1"), so it was probably cut short by an incomplete download or copy';
  }
  return raw.replace(/^parquet /, '');
}

function invalidParquet(reason: string): ImportResult {
  return importFailure('invalid_parquet', `This file is not a readable Parquet file: ${reason}.`);
}

/** The compression codecs of a file that Spanpatch cannot decompress. */
function unreadableCodecs(metadata: FileMetaData): string[] {
  const codecs = new Set<string>();
  for (const group of metadata.row_groups) {
    for (const column of group.columns) {
      const codec = column.meta_data?.codec;
      if (codec !== undefined && !READABLE_CODECS.has(codec)) codecs.add(codec);
    }
  }
  return [...codecs];
}

/**
 * Reads a Parquet file with hyparquet. Values keep their types: numbers, strings, booleans, INT64 as bigint,
 * nested lists and structs as arrays and objects; nulls become missing values; dates and timestamps ISO strings.
 */
export async function importParquet(data: ArrayBuffer | Uint8Array): Promise<ImportResult> {
  const file = toArrayBuffer(data);
  if (file.byteLength === 0) return importFailure('empty_file', 'The file is empty (0 bytes).');
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file, { parsers });
  } catch (error) {
    return invalidParquet(describeParquetError(error));
  }
  const rowCount = Number(metadata.num_rows);
  if (rowCount > MAX_IMPORT_ROWS) return { ok: false, error: tooManyRows(rowCount, true) };
  const codecs = unreadableCodecs(metadata);
  if (codecs.length > 0) {
    return importFailure(
      'invalid_parquet',
      `This Parquet file is compressed with ${codecs.join(' and ')}, which Spanpatch cannot read yet: write it with ` +
        'Snappy compression (pandas: df.to_parquet(path, compression="snappy"); Polars: ' +
        'df.write_parquet(path, compression="snappy")) or export it as CSV.',
    );
  }
  const names = parquetSchema(metadata).children.map((child) => child.element.name);
  if (names.length === 0) return importFailure('empty_file', 'The Parquet file has no columns.');
  const tooWide = checkColumnCount(names.filter((name) => !PANDAS_INDEX.test(name)).length);
  if (tooWide !== null) return { ok: false, error: tooWide };
  if (rowCount === 0) {
    return importFailure(
      'header_only',
      'The file has columns but no data rows (the Parquet file holds 0 rows).',
    );
  }
  let read: unknown[][] = [];
  try {
    await parquetRead({
      file,
      metadata,
      parsers,
      onComplete: (rows: unknown[][]) => {
        read = rows;
      },
    });
  } catch (error) {
    return invalidParquet(describeParquetError(error));
  }
  const kept = names.flatMap((name, index) => (PANDAS_INDEX.test(name) ? [] : [index]));
  const notes: string[] = [];
  if (kept.length < names.length) {
    const dropped = names.filter((name) => PANDAS_INDEX.test(name));
    notes.push(`Ignored the pandas index ${plural(dropped.length, 'column')} (${dropped.join(', ')}).`);
  }
  const allKept = kept.length === names.length;
  const rows = read.map((row): CellValue[] => {
    if (allKept) {
      for (let i = 0; i < row.length; i++) row[i] = toCell(row[i]);
      return row as CellValue[];
    }
    return kept.map((index) => toCell(row[index]));
  });
  return {
    ok: true,
    table: {
      format: 'parquet',
      headers: kept.map((index) => names[index] ?? ''),
      rows,
      origin: 'typed',
      notes,
    },
  };
}
