import { describe, expect, it } from 'vitest';
import {
  createFileImporter,
  type ImportResult,
  importFile,
  MAX_IMPORT_BYTES,
  parseDelimited,
  SNIFF_BYTES,
} from '@/core/import';
import { fixtureBytes, fixtureText, failure, table } from './fixture-files';

/** Feeds the bytes to a streaming importer in pieces of the given sizes, cycling through them. */
async function importInPieces(
  fileName: string,
  bytes: Uint8Array,
  sizes: readonly number[],
): Promise<ImportResult> {
  const importer = createFileImporter(fileName, bytes.length);
  for (let at = 0, turn = 0; at < bytes.length; turn++) {
    const size = sizes[turn % sizes.length] ?? 1;
    importer.push(bytes.subarray(at, at + size));
    at += size;
  }
  return importer.finish();
}

const fixtures = [
  { file: 'comma.csv', expect: { format: 'csv', rows: 2 } },
  { file: 'semicolon-bom-crlf.csv', expect: { format: 'csv', rows: 2 } },
  { file: 'tabs.tsv', expect: { format: 'tsv', rows: 2 } },
  { file: 'quoted-newlines.csv', expect: { format: 'csv', rows: 3 } },
  { file: 'trailing-delimiter.csv', expect: { format: 'csv', rows: 2 } },
  { file: 'latin1-semicolon.csv', expect: { format: 'csv', rows: 1 } },
  { file: 'rows.json', expect: { format: 'json', rows: 3 } },
  { file: 'rows.jsonl', expect: { format: 'jsonl', rows: 2 } },
  { file: 'pandas-like.parquet', expect: { format: 'parquet', rows: 3 } },
  { file: 'ragged.csv', expect: { code: 'ragged_rows', line: 4 } },
  { file: 'empty.csv', expect: { code: 'empty_file' } },
  { file: 'header-only.csv', expect: { code: 'header_only', line: 1 } },
  { file: 'binary-xlsx-renamed.csv', expect: { code: 'binary_file' } },
  { file: 'invalid.json', expect: { code: 'invalid_json', line: 3 } },
  { file: 'not-array.json', expect: { code: 'not_an_array_of_objects' } },
  { file: 'bad-line.jsonl', expect: { code: 'invalid_json', line: 3 } },
];

describe('importFile: every fixture', () => {
  it.each(fixtures)('$file', async ({ file, expect: expected }) => {
    const result = await importFile(file, fixtureBytes(file));
    if ('code' in expected) {
      expect(failure(result)).toMatchObject(expected);
    } else {
      const read = table(result);
      expect(read.format).toBe(expected.format);
      expect(read.rows).toHaveLength(expected.rows);
    }
  });

  it.each(fixtures)('$file streamed in odd-sized pieces gives the same result', async ({ file }) => {
    const bytes = fixtureBytes(file);
    const whole = await importFile(file, bytes);
    for (const sizes of [[1], [2, 3], [7, 1, 13], [SNIFF_BYTES + 1]]) {
      expect(await importInPieces(file, bytes, sizes)).toEqual(whole);
    }
  });
});

describe('importFile: decoding', () => {
  it('strips the UTF-8 BOM and decodes UTF-8 (semicolon-bom-crlf.csv)', async () => {
    const read = table(await importFile('semicolon-bom-crlf.csv', fixtureBytes('semicolon-bom-crlf.csv')));
    expect(read.headers[0]).toBe('context.span_id');
    expect(read.rows[0]).toEqual(['61dbffb32f20ddb6', '0,9', 'geprüft']);
    expect(read).toEqual(table(parseDelimited(fixtureText('semicolon-bom-crlf.csv'))));
  });

  it('reads a Windows-1252 export, with a note (latin1-semicolon.csv)', async () => {
    const read = table(await importFile('latin1-semicolon.csv', fixtureBytes('latin1-semicolon.csv')));
    expect(read.rows).toEqual([['61dbffb32f20ddb6', 'café crème']]);
    expect(read.notes[0]).toContain('Windows-1252');
  });

  it('switches to Windows-1252 when the first accent comes after the sniffed bytes', async () => {
    const ascii = new TextEncoder().encode(`id;note\r\n${'0123456789abcdef;plain\r\n'.repeat(400)}`);
    const latin1 = new Uint8Array([
      ...ascii,
      ...new TextEncoder().encode('fedcba9876543210;caf'),
      0xe9,
      13,
      10,
    ]);
    for (const sizes of [[latin1.length], [1000, 3]]) {
      const read = table(await importInPieces('export.csv', latin1, sizes));
      expect(read.rows.at(-1)).toEqual(['fedcba9876543210', 'café']);
      expect(read.notes).toHaveLength(1);
      expect(read.notes[0]).toContain('Windows-1252');
    }
  });

  it('keeps UTF-8 cut between two pieces whole', async () => {
    const bytes = new TextEncoder().encode('id,note\nabc,日本語 ✓ émoji 🙂\n');
    const read = table(await importInPieces('x.csv', bytes, [1]));
    expect(read.rows).toEqual([['abc', '日本語 ✓ émoji 🙂']]);
    expect(read.notes).toEqual([]);
  });

  it('replaces a bad byte after real UTF-8 text, with a note', async () => {
    const start = new TextEncoder().encode('id,note\nabc,héllo\ndef,x');
    const read = table(await importFile('x.csv', new Uint8Array([...start, 0xff, 10])));
    expect(read.rows[1]).toEqual(['def', 'x\uFFFD']);
    expect(read.notes[0]).toContain('not valid UTF-8');
  });

  it('reads UTF-16 tab-separated text (Excel "Unicode Text")', async () => {
    const text = 'context.span_id\tattributes.metadata.note\r\nabc\tnaïve\r\n';
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16[2 + i * 2] = text.charCodeAt(i);
    const read = table(await importInPieces('export.txt', utf16, [3]));
    expect(read).toMatchObject({ format: 'tsv', headers: ['context.span_id', 'attributes.metadata.note'] });
    expect(read.rows).toEqual([['abc', 'naïve']]);
  });
});

describe('createFileImporter', () => {
  it('rejects a file over the size limit before reading it, naming its size', async () => {
    const importer = createFileImporter('huge.csv', 312 * 1024 * 1024);
    expect(importer.error?.code).toBe('too_large');
    importer.push(new TextEncoder().encode('a,b\n1,2\n'));
    const error = failure(await importer.finish());
    expect(error.code).toBe('too_large');
    expect(error.message).toContain('This file is 312 MB, more than the 200 MB Spanpatch can hold');
    expect(error.message).toContain('Split it into smaller files');
  });

  it('stops when the bytes read pass the limit even without a size', () => {
    const importer = createFileImporter('stream.csv');
    const piece = new Uint8Array(64 * 1024 * 1024).fill(0x61);
    for (let read = 0; read <= MAX_IMPORT_BYTES; read += piece.length) importer.push(piece);
    expect(importer.error?.code).toBe('too_large');
  });

  it('stops early on a binary file, so the reader can stop', () => {
    const importer = createFileImporter('book.csv');
    importer.push(fixtureBytes('binary-xlsx-renamed.csv'));
    importer.push(new Uint8Array(SNIFF_BYTES));
    expect(importer.error?.code).toBe('binary_file');
  });

  it('reports progress in bytes and rows while a CSV streams in', async () => {
    const csv = new TextEncoder().encode(
      `context.span_id,attributes.metadata.n\n${Array.from({ length: 20_000 }, (_, i) => `${i},${i}`).join('\n')}`,
    );
    const importer = createFileImporter('big.csv', csv.length);
    const half = Math.floor(csv.length / 2);
    importer.push(csv.subarray(0, half));
    expect(importer.bytesRead).toBe(half);
    expect(importer.rowCount).toBeGreaterThan(5_000);
    importer.push(csv.subarray(half));
    expect(table(await importer.finish()).rows).toHaveLength(20_000);
  });
});
