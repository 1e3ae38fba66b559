import { describe, expect, it } from 'vitest';
import { detectFormat, fileExtension } from '@/core/import';
import { fixtureBytes } from './fixture-files';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const PAR1 = [0x50, 0x41, 0x52, 0x31, 0x15, 0x00];

describe('detectFormat', () => {
  it.each([
    { file: 'spans.csv', bytes: text('a,b\n1,2'), format: 'csv', delimiter: ',' },
    { file: 'SPANS.TSV', bytes: text('a\tb\n1\t2'), format: 'tsv', delimiter: '\t' },
    { file: 'export.txt', bytes: text('a;b\n1;2'), format: 'csv', delimiter: ',' },
    { file: 'rows.json', bytes: text('[{"a": 1}]'), format: 'json', delimiter: ',' },
    { file: 'rows.jsonl', bytes: text('{"a": 1}'), format: 'jsonl', delimiter: ',' },
    { file: 'rows.ndjson', bytes: text('{"a": 1}'), format: 'jsonl', delimiter: ',' },
    { file: 'df.parquet', bytes: new Uint8Array(PAR1), format: 'parquet', delimiter: ',' },
    { file: 'no-extension', bytes: text('  [{"a": 1}]'), format: 'json', delimiter: ',' },
    { file: 'rows.data', bytes: text('{"a": 1}\n'), format: 'jsonl', delimiter: ',' },
    { file: 'rows.data', bytes: text('a,b\n1,2'), format: 'csv', delimiter: ',' },
  ])('$file is $format', ({ file, bytes, format, delimiter }) => {
    expect(detectFormat(file, bytes)).toEqual({
      ok: true,
      format,
      encoding: 'utf-8',
      preferredDelimiter: delimiter,
      notes: [],
    });
  });

  it('reads a Parquet file renamed .csv as Parquet, with a note', () => {
    const detection = detectFormat('spans.csv', fixtureBytes('pandas-like.parquet'));
    expect(detection).toMatchObject({ ok: true, format: 'parquet' });
    expect(detection.ok && detection.notes[0]).toContain('named .csv but is a Parquet file');
  });

  it.each([
    {
      name: 'an .xlsx renamed .csv',
      file: 'binary-xlsx-renamed.csv',
      bytes: fixtureBytes('binary-xlsx-renamed.csv'),
      says: 'This looks like a binary file (a ZIP archive, such as an Excel .xlsx workbook), not CSV: export it as CSV or Parquet',
    },
    {
      name: 'a PNG renamed .csv',
      file: 'image.csv',
      bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      says: 'This looks like a binary file (a PNG image), not CSV',
    },
    {
      name: 'an old .xls renamed .tsv',
      file: 'book.tsv',
      bytes: new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      says: 'Excel .xls workbook), not TSV',
    },
    {
      name: 'NUL bytes in a .json',
      file: 'data.json',
      bytes: new Uint8Array([0x5b, 0x7b, 0x00, 0x01, 0x02]),
      says: 'This looks like a binary file (it contains NUL bytes), not JSON',
    },
    {
      name: 'control characters',
      file: 'data.csv',
      bytes: new Uint8Array(Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? 3 : 65))),
      says: 'many control characters',
    },
  ])('rejects $name as binary', ({ file, bytes, says }) => {
    const detection = detectFormat(file, bytes);
    expect(detection).toMatchObject({ ok: false, error: { code: 'binary_file' } });
    expect(!detection.ok && detection.error.message).toContain(says);
  });

  it.each([
    { file: 'book.xlsb', says: 'Spanpatch cannot read .xlsb files. This is an Excel binary workbook' },
    { file: 'spans.csv.gz', says: 'unpack it first' },
    { file: 'df.feather', says: 'df.to_parquet(path)' },
  ])('rejects $file as an unsupported type', ({ file, says }) => {
    const detection = detectFormat(file, text('whatever'));
    expect(detection).toMatchObject({ ok: false, error: { code: 'unsupported_type' } });
    expect(!detection.ok && detection.error.message).toContain(says);
  });

  it('says a .parquet file without the Parquet magic is not Parquet', () => {
    const detection = detectFormat('df.parquet', text('a,b\n1,2\n'));
    expect(detection).toMatchObject({ ok: false, error: { code: 'invalid_parquet' } });
    expect(!detection.ok && detection.error.message).toContain('holds text');
  });

  it('rejects 0 bytes as empty', () => {
    expect(detectFormat('spans.csv', new Uint8Array())).toMatchObject({
      ok: false,
      error: { code: 'empty_file' },
    });
  });

  it('reads text that is not UTF-8 as Windows-1252, with a note', () => {
    const detection = detectFormat('latin1-semicolon.csv', fixtureBytes('latin1-semicolon.csv'));
    expect(detection).toMatchObject({ ok: true, format: 'csv', encoding: 'windows-1252' });
    expect(detection.ok && detection.notes[0]).toContain('Windows-1252');
  });

  it('does not mistake a UTF-8 character cut by the first KB for invalid text', () => {
    const bytes = text(`${'a'.repeat(1023)}é and more`);
    expect(detectFormat('spans.csv', bytes)).toMatchObject({ ok: true, encoding: 'utf-8' });
  });

  it('recognises UTF-16 by its byte order mark (Excel "Unicode Text")', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x09, 0x00, 0x62, 0x00]);
    expect(detectFormat('export.txt', utf16)).toMatchObject({
      ok: true,
      format: 'csv',
      encoding: 'utf-16le',
    });
  });
});

describe('fileExtension', () => {
  it.each([
    ['spans.CSV', 'csv'],
    ['archive.csv.gz', 'gz'],
    ['.hidden', ''],
    ['folder.v2/readme', ''],
    ['C:\\exports\\df.parquet', 'parquet'],
    ['no-extension', ''],
  ])('%s → %j', (name, extension) => {
    expect(fileExtension(name)).toBe(extension);
  });
});
