import type { Delimiter } from './delimiter-detection';
import { isUtf8, startsAsUtf8, type TextEncoding } from './text-decoding';
import { type ImportError, type ImportFormat, formatLabel } from './types';

/** How many leading bytes `detectFormat` looks at (it reads the first KB of them for text checks). */
export const SNIFF_BYTES = 4096;
const TEXT_CHECK_BYTES = 1024;

/** What a file is, from its name and first bytes: a format to read it as, or why it cannot be imported. */
export type FormatDetection =
  | {
      ok: true;
      format: ImportFormat;
      /** The encoding of a text format (Parquet: `utf-8`, unused). */
      encoding: TextEncoding;
      /** The delimiter that wins a tie in detection: tab for `.tsv`, else comma. */
      preferredDelimiter: Delimiter;
      notes: string[];
    }
  | { ok: false; error: ImportError };

const extensionFormats: Record<string, ImportFormat> = {
  csv: 'csv',
  txt: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  parquet: 'parquet',
  pq: 'parquet',
  xlsx: 'xlsx',
  xlsm: 'xlsx',
};

const exportAdvice = 'export it as CSV (UTF-8) or Parquet and import that file';

/** Extensions of files people try that Spanpatch cannot read, with what to do instead. */
const unsupportedExtensions: Record<string, string> = {
  xlsb: 'an Excel binary workbook: in Excel, use File › Save As › "Excel Workbook (.xlsx)" and import that file',
  xls: 'an older Excel workbook: in Excel, use File › Save As › "Excel Workbook (.xlsx)" and import that file',
  ods: `a spreadsheet document: ${exportAdvice}`,
  numbers: `a Numbers document: in Numbers, use File › Export To › CSV`,
  feather: `an Arrow/Feather file: ${exportAdvice} (pandas: df.to_parquet(path))`,
  arrow: `an Arrow file: ${exportAdvice} (pandas: df.to_parquet(path))`,
  avro: `an Avro file: ${exportAdvice}`,
  orc: `an ORC file: ${exportAdvice}`,
  pkl: `a Python pickle: ${exportAdvice} (pandas: df.to_parquet(path) or df.to_csv(path))`,
  pickle: `a Python pickle: ${exportAdvice} (pandas: df.to_parquet(path) or df.to_csv(path))`,
  zip: 'a compressed archive: unpack it first and import the CSV, JSON or Parquet file inside',
  gz: 'a compressed file: unpack it first and import the CSV, JSON or Parquet file inside',
  tgz: 'a compressed archive: unpack it first and import the CSV, JSON or Parquet file inside',
  bz2: 'a compressed file: unpack it first and import the CSV, JSON or Parquet file inside',
  xz: 'a compressed file: unpack it first and import the CSV, JSON or Parquet file inside',
  zst: 'a compressed file: unpack it first and import the CSV, JSON or Parquet file inside',
  '7z': 'a compressed archive: unpack it first and import the CSV, JSON or Parquet file inside',
};

/** Signatures of binary files people drop by mistake, with what they are called. */
const signatures: { bytes: readonly number[]; what: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive, such as an Excel .xlsx workbook' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'an empty ZIP archive' },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    what: 'an older Office document, such as an Excel .xls workbook',
  },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' },
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd-compressed file' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: 'a RAR archive' },
  { bytes: [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31], what: 'an Arrow/Feather file' },
  { bytes: [0x4f, 0x62, 0x6a, 0x01], what: 'an Avro file' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], what: 'an SQLite database' },
];

const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((byte, index) => bytes[index] === byte);
}

/** The lowercase extension of a file name, without the dot ("" when there is none). */
export function fileExtension(fileName: string): string {
  const base = fileName.slice(fileName.replace(/\\/g, '/').lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** What the bytes look like as text: an encoding, or why they are binary. */
export type TextSniff = { binary: false; encoding: TextEncoding } | { binary: true; what: string };

/**
 * Looks at the first KB: UTF-16 (a byte order mark), binary (a known signature, NUL bytes or many control
 * characters), UTF-8, or else a legacy 8-bit encoding read as Windows-1252 (what Excel writes on Windows).
 */
export function sniffText(firstBytes: Uint8Array): TextSniff {
  for (const signature of signatures) {
    if (startsWith(firstBytes, signature.bytes)) return { binary: true, what: signature.what };
  }
  if (startsWith(firstBytes, [0xff, 0xfe])) return { binary: false, encoding: 'utf-16le' };
  if (startsWith(firstBytes, [0xfe, 0xff])) return { binary: false, encoding: 'utf-16be' };
  const head = firstBytes.subarray(0, TEXT_CHECK_BYTES);
  let controls = 0;
  for (const byte of head) {
    if (byte === 0) return { binary: true, what: 'it contains NUL bytes' };
    // Control characters other than tab, line feed, form feed and carriage return.
    if (byte < 0x20 && byte !== 9 && byte !== 10 && byte !== 12 && byte !== 13) controls++;
  }
  if (controls > Math.max(2, head.length / 50)) {
    return { binary: true, what: 'it contains many control characters' };
  }
  const utf8 = isUtf8(head, true) || startsAsUtf8(head);
  return { binary: false, encoding: utf8 ? 'utf-8' : 'windows-1252' };
}

/** The text format whose content this looks like, for a file whose name says nothing. */
function formatFromText(firstBytes: Uint8Array, encoding: TextEncoding): ImportFormat {
  const text = new TextDecoder(encoding).decode(firstBytes.subarray(0, TEXT_CHECK_BYTES)).trimStart();
  if (text.startsWith('[')) return 'json';
  if (text.startsWith('{')) return 'jsonl';
  return 'csv';
}

/**
 * Decides how to read a file from its name and first bytes (up to `SNIFF_BYTES`): by extension (.csv, .tsv, .txt,
 * .json, .jsonl/.ndjson, .parquet, .xlsx) and by content (the Parquet magic `PAR1`; a binary file renamed `.csv`).
 */
export function detectFormat(fileName: string, firstBytes: Uint8Array): FormatDetection {
  const extension = fileExtension(fileName);
  const named = extensionFormats[extension];
  const preferredDelimiter: Delimiter = named === 'tsv' ? '\t' : ',';
  const ok = (format: ImportFormat, encoding: TextEncoding, notes: string[] = []): FormatDetection => ({
    ok: true,
    format,
    encoding,
    preferredDelimiter,
    notes,
  });
  const unsupported = unsupportedExtensions[extension];
  if (unsupported !== undefined) {
    return {
      ok: false,
      error: {
        code: 'unsupported_type',
        message: `Spanpatch cannot read .${extension} files. This is ${unsupported}.`,
      },
    };
  }
  if (firstBytes.length === 0) {
    return { ok: false, error: { code: 'empty_file', message: 'The file is empty (0 bytes).' } };
  }
  if (named === 'xlsx') {
    if (startsWith(firstBytes, ZIP_MAGIC)) return ok('xlsx', 'utf-8');
    const sniff = sniffText(firstBytes);
    const what = sniff.binary ? sniff.what : 'it holds text';
    return {
      ok: false,
      error: {
        code: 'invalid_xlsx',
        message: `This file is named .${extension} but is not an Excel workbook (${what}; an .xlsx workbook is a ZIP archive).`,
      },
    };
  }
  const parquetMagic = startsWith(firstBytes, PARQUET_MAGIC);
  if (named === 'parquet') {
    if (parquetMagic) return ok('parquet', 'utf-8');
    const sniff = sniffText(firstBytes);
    const what = sniff.binary ? `${sniff.what}` : 'it holds text';
    return {
      ok: false,
      error: {
        code: 'invalid_parquet',
        message: `This file is named .parquet but is not a Parquet file (${what}; a Parquet file starts with "PAR1").`,
      },
    };
  }
  if (parquetMagic) {
    const notes =
      named === undefined
        ? []
        : [`The file is named .${extension} but is a Parquet file; read it as Parquet.`];
    return ok('parquet', 'utf-8', notes);
  }
  const sniff = sniffText(firstBytes);
  const expected = named === undefined ? 'a CSV, TSV, JSON, JSON Lines or Parquet file' : formatLabel(named);
  if (sniff.binary) {
    return {
      ok: false,
      error: {
        code: 'binary_file',
        message: `This looks like a binary file (${sniff.what}), not ${expected}: export it as CSV or Parquet and import that file.`,
      },
    };
  }
  const notes =
    sniff.encoding === 'windows-1252'
      ? [
          'The file is not UTF-8 text; it was read as Windows-1252 (Western European). If accented letters look ' +
            'wrong, save it as "CSV UTF-8" and import it again.',
        ]
      : [];
  return ok(named ?? formatFromText(firstBytes, sniff.encoding), sniff.encoding, notes);
}
