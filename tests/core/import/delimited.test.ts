import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  createDelimitedParser,
  type DelimitedOptions,
  detectDelimiter,
  detectNewline,
  DETECTION_SAMPLE_CHARS,
  type ImportResult,
  MAX_IMPORT_ROWS,
  parseDelimited,
  parsePastedCells,
} from '@/core/import';
import { fixtureText, failure, table } from './fixture-files';

/** Feeds the text cut at the given positions, as a worker reading a stream would. */
function parseInPieces(text: string, cuts: readonly number[], options: DelimitedOptions = {}): ImportResult {
  const parser = createDelimitedParser(options);
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.push(text.slice(start, cut));
    start = cut;
  }
  parser.push(text.slice(start));
  return parser.finish();
}

describe('parseDelimited: fixtures', () => {
  it.each([
    {
      file: 'comma.csv',
      format: 'csv',
      delimiter: ',',
      headers: [
        'context.span_id',
        'attributes.metadata.reviewed',
        'attributes.metadata.score',
        'patch_document',
      ],
      rows: [
        ['61dbffb32f20ddb6', 'true', '3', '{"tags": ["a", "b"]}'],
        ['8f2a1c0d9e7b6a54', 'false', '4.5', ''],
      ],
    },
    {
      file: 'semicolon-bom-crlf.csv',
      format: 'csv',
      delimiter: ';',
      headers: ['context.span_id', 'attributes.metadata.score', 'attributes.metadata.note'],
      rows: [
        ['61dbffb32f20ddb6', '0,9', 'geprüft'],
        ['8f2a1c0d9e7b6a54', '1,5', 'Text mit ; Semikolon'],
      ],
    },
    {
      file: 'tabs.tsv',
      format: 'tsv',
      delimiter: '\t',
      headers: ['context.span_id', 'attributes.metadata.quality', 'attributes.metadata.reviewer'],
      rows: [
        ['61dbffb32f20ddb6', '3', 'ana'],
        ['8f2a1c0d9e7b6a54', '1', 'bo, jr'],
      ],
    },
    {
      file: 'quoted-newlines.csv',
      format: 'csv',
      delimiter: ',',
      headers: ['context.span_id', 'attributes.metadata.summary', 'attributes.metadata.turn'],
      rows: [
        ['61dbffb32f20ddb6', 'first line\nsecond line', '1'],
        ['8f2a1c0d9e7b6a54', 'a "quoted" word, and a comma\r\nthen CRLF', '2'],
        ['0a1b2c3d4e5f6071', 'plain', '3'],
      ],
    },
  ])('reads $file', ({ file, format, delimiter, headers, rows }) => {
    const result = table(parseDelimited(fixtureText(file)));
    expect(result).toMatchObject({ format, delimiter, headers, rows, origin: 'text' });
  });

  it('tolerates a delimiter at the end of every line (trailing-delimiter.csv)', () => {
    const result = table(parseDelimited(fixtureText('trailing-delimiter.csv')));
    expect(result.headers).toEqual(['context.span_id', 'attributes.metadata.score']);
    expect(result.rows).toEqual([
      ['61dbffb32f20ddb6', '1'],
      ['8f2a1c0d9e7b6a54', '2'],
    ]);
    expect(result.notes.join(' ')).toMatch(/unnamed, empty column/);
  });

  it('names the lines of ragged rows, counting quoted newlines and skipped empty lines (ragged.csv)', () => {
    const error = failure(parseDelimited(fixtureText('ragged.csv')));
    expect(error.code).toBe('ragged_rows');
    expect(error.line).toBe(4);
    expect(error.message).toContain('line 4 has 4');
    expect(error.message).toContain('line 6 has 2');
    expect(error.message).toContain('header row (line 1), which has 3 columns');
  });

  it.each([
    { file: 'empty.csv', code: 'empty_file', message: /empty/ },
    { file: 'header-only.csv', code: 'header_only', message: /The file has a header row but no data rows/ },
  ])('rejects $file with $code', ({ file, code, message }) => {
    const error = failure(parseDelimited(fixtureText(file)));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('parseDelimited: cases', () => {
  it.each([
    { name: 'pipe', text: 'a|b\n1|2\n', delimiter: '|', rows: [['1', '2']] },
    {
      name: 'lone CR line endings',
      text: 'a,b\r1,2\r3,4',
      delimiter: ',',
      rows: [
        ['1', '2'],
        ['3', '4'],
      ],
    },
    { name: 'no final line break', text: 'a;b\r\n1;2', delimiter: ';', rows: [['1', '2']] },
    { name: 'one column', text: 'context.span_id\nabc\ndef\n', delimiter: ',', rows: [['abc'], ['def']] },
    {
      name: 'semicolons with decimal commas',
      text: 'id;score;note\nx;1,5;a, b\ny;2,25;c\n',
      delimiter: ';',
      rows: [
        ['x', '1,5', 'a, b'],
        ['y', '2,25', 'c'],
      ],
    },
    {
      name: 'commas with a semicolon inside a value',
      text: 'id,note\nx,"a;b"\ny,c;d\n',
      delimiter: ',',
      rows: [
        ['x', 'a;b'],
        ['y', 'c;d'],
      ],
    },
    { name: 'quoted header with a delimiter', text: '"a,b",c\n1,2\n', delimiter: ',', rows: [['1', '2']] },
    { name: 'spaces kept in cells', text: 'a,b\n 1 , x \n', delimiter: ',', rows: [[' 1 ', ' x ']] },
  ])('$name', ({ text, delimiter, rows }) => {
    const result = table(parseDelimited(text));
    expect(result.delimiter).toBe(delimiter);
    expect(result.rows).toEqual(rows);
  });

  it('keeps the header as written (trimmed only for matching, by autoMapColumns)', () => {
    const result = table(parseDelimited('\uFEFF context.span_id ,Attributes.Metadata.X\nabc,1\n'));
    expect(result.headers).toEqual([' context.span_id ', 'Attributes.Metadata.X']);
  });

  it('skips completely empty lines, with a note', () => {
    const result = table(parseDelimited('\n\na,b\n1,2\n\n   \n3,4\n\n'));
    expect(result.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(result.notes).toContain('Skipped 3 empty lines.');
  });

  it('counts an empty line in a one-column file as an empty line', () => {
    expect(table(parseDelimited('id\nabc\n\ndef\n')).notes).toEqual(['Skipped 1 empty line.']);
  });

  it('skips rows whose every field is empty, with a note', () => {
    const result = table(parseDelimited('a,b\n1,2\n,\n,,\n'));
    expect(result.rows).toEqual([['1', '2']]);
    expect(result.notes).toContain('Skipped 2 rows with no values.');
  });

  it('tolerates empty fields after the last column on some lines', () => {
    const result = table(parseDelimited('a,b\n1,2,\n3,4,,\n5,6\n'));
    expect(result.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
    expect(result.notes.join(' ')).toMatch(/empty fields after the last column on 2 lines/);
  });

  it('notes column names used twice', () => {
    const result = table(parseDelimited('a,b,A \n1,2,3\n'));
    expect(result.notes.join(' ')).toContain('"a" (columns 1 and 3)');
  });

  it('uses a forced delimiter (text pasted from a spreadsheet is tab-separated)', () => {
    const result = table(parseDelimited('a,b\tc\n1,2\t3\n', { delimiter: '\t' }));
    expect(result.headers).toEqual(['a,b', 'c']);
    expect(result.format).toBe('tsv');
  });

  it('lets the extension break a tie between delimiters', () => {
    const text = 'a\tb,c\n1\t2,3\n';
    expect(table(parseDelimited(text)).delimiter).toBe(',');
    expect(table(parseDelimited(text, { preferred: '\t' })).delimiter).toBe('\t');
  });

  it.each([
    {
      name: 'an extra non-empty field',
      text: 'a,b,c\n1,2,3\n4,5,6,7\n',
      line: 3,
      says: 'Line 3 has 4 fields',
    },
    { name: 'a missing field', text: 'a,b,c\n1,2\n', line: 2, says: 'Line 2 has 2 fields' },
    {
      name: 'lines after empty lines before the header',
      text: '\r\n\r\na;b\r\n"x\r\ny";1\r\n\r\n1;2;3\r\n',
      line: 7,
      says: 'Line 7 has 3 fields, but the header row (line 3) has 2 columns',
    },
    {
      name: 'a multi-line quoted header',
      text: '"a\nb",c\n1,2\n1\n',
      line: 4,
      says: 'Line 4 has 1 field,',
    },
  ])('a ragged row: $name', ({ text, line, says }) => {
    const error = failure(parseDelimited(text));
    expect(error).toMatchObject({ code: 'ragged_rows', line });
    expect(error.message).toContain(says);
  });

  it('lists the first few ragged lines and counts the rest', () => {
    const lines = ['a,b', ...Array.from({ length: 9 }, (_, i) => `${i},x,y`)];
    const error = failure(parseDelimited(lines.join('\n')));
    expect(error.message).toMatch(/^9 lines have a different number of fields/);
    expect(error.message).toContain('line 2 has 3, line 3 has 3, line 4 has 3, line 5 has 3, line 6 has 3');
    expect(error.message).toContain('and 4 more lines');
    expect(error.message).toContain('a value that contains a comma (,) must be in double quotes');
  });

  it('reports a quote that is never closed, by line', () => {
    const error = failure(parseDelimited('a,b\n1,2\n3,"oops\n4,5\n6,7\n'));
    expect(error).toMatchObject({ code: 'unclosed_quote', line: 3 });
    expect(error.message).toContain('never closes it');
  });

  it.each([
    { name: 'only whitespace', text: '  \r\n \n', code: 'empty_file' },
    { name: 'only a header and empty lines', text: 'a,b\r\n\r\n\r\n', code: 'header_only' },
    { name: 'a header and rows of empty fields', text: 'a,b\n,\n', code: 'header_only' },
  ])('rejects a file with $name', ({ text, code }) => {
    expect(failure(parseDelimited(text)).code).toBe(code);
  });

  it(`rejects more than ${MAX_IMPORT_ROWS.toLocaleString('en-US')} rows as too large`, () => {
    const parser = createDelimitedParser();
    parser.push('context.span_id\n');
    const block = 'abc\n'.repeat(100_000);
    for (let i = 0; i <= MAX_IMPORT_ROWS / 100_000; i++) parser.push(block);
    expect(parser.error?.code).toBe('too_large');
    const error = failure(parser.finish());
    expect(error.code).toBe('too_large');
    expect(error.message).toContain('1,000,000');
    expect(error.message).toContain('Split it into smaller files');
  });
});

describe('detection', () => {
  it.each([
    { sample: 'a,b\nc,d', newline: '\n' },
    { sample: 'a,b\r\nc,d', newline: '\r\n' },
    { sample: 'a,b\rc,d', newline: '\r' },
    { sample: '"a\nb",c\r\n1,2', newline: '\r\n' },
    { sample: 'a,b', newline: '\n' },
  ])('line ending of $sample', ({ sample, newline }) => {
    expect(detectNewline(sample)).toBe(newline);
  });

  it('ignores a last line cut off by the sample', () => {
    expect(detectDelimiter('a;b\n1;2\n3,4,5,6', '\n', true)).toBe(';');
  });
});

const tricky =
  '\uFEFFcontext.span_id;attributes.metadata.note;patch_document\r\n' +
  'a1;"line one\r\nline two";"{""k"": ""v;w""}"\r\n' +
  '\r\n' +
  'b2;"ends with quote """;\r\n' +
  'c3;plain;"{}"\r\n' +
  'd4;"three\nmixed\rbreaks";\r\n';

describe('streaming gives the same table as the whole string', () => {
  it.each([
    'comma.csv',
    'semicolon-bom-crlf.csv',
    'tabs.tsv',
    'quoted-newlines.csv',
    'ragged.csv',
    'trailing-delimiter.csv',
  ])('%s cut at every position', (file) => {
    const text = fixtureText(file);
    const whole = parseDelimited(text);
    for (let cut = 0; cut <= text.length; cut++) expect(parseInPieces(text, [cut])).toEqual(whole);
  });

  it('a tricky text cut at every pair of positions', () => {
    const whole = parseDelimited(tricky);
    expect(table(whole).rows).toHaveLength(4);
    for (let first = 0; first <= tricky.length; first++) {
      for (let second = first; second <= tricky.length; second += 3) {
        expect(parseInPieces(tricky, [first, second])).toEqual(whole);
      }
    }
  });

  it('one character at a time', () => {
    const parser = createDelimitedParser();
    for (const char of tricky) parser.push(char);
    expect(parser.finish()).toEqual(parseDelimited(tricky));
  });

  /** A text longer than the detection sample, so streaming parses before the end: quoted CRLFs throughout. */
  function longText(rows: number): string {
    const lines = ['context.span_id,attributes.metadata.note,attributes.metadata.n,patch_document'];
    for (let i = 0; i < rows; i++) {
      lines.push(
        `${i.toString(16).padStart(16, '0')},"note ${i}\r\nsecond, line",${i * 0.5},"{""i"": ${i}}"`,
      );
    }
    return `${lines.join('\r\n')}\r\n`;
  }

  it('random chunk sizes over a long text with quoted CRLFs', () => {
    const text = longText(3000);
    expect(text.length).toBeGreaterThan(DETECTION_SAMPLE_CHARS * 2);
    const whole = parseDelimited(text);
    expect(table(whole).rows).toHaveLength(3000);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const cuts: number[] = [];
        let at = 0;
        for (const size of sizes) {
          at += size;
          if (at >= text.length) break;
          cuts.push(at);
        }
        expect(parseInPieces(text, cuts)).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it('cuts inside every CRLF and quote around the detection sample boundary', () => {
    const text = longText(2000);
    const whole = parseDelimited(text);
    const from = DETECTION_SAMPLE_CHARS - 200;
    for (let cut = from; cut < DETECTION_SAMPLE_CHARS + 200; cut++) {
      const char = text[cut];
      if (char === '\n' || char === '"' || cut % 17 === 0) {
        expect(parseInPieces(text, [cut, cut + 1, cut + 2])).toEqual(whole);
      }
    }
  });

  it('parses while the text streams in, not only at the end', () => {
    const text = longText(3000);
    const parser = createDelimitedParser();
    const half = Math.floor(text.length / 2);
    parser.push(text.slice(0, half));
    expect(parser.rowCount).toBeGreaterThan(1000);
    expect(parser.charsRead).toBe(half);
    parser.push(text.slice(half));
    expect(table(parser.finish()).rows).toHaveLength(3000);
  });

  it('round-trips random tables written by Papa.unparse, whole and in pieces', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'é', ' ', ',', ';', '"', '\n', '\r', '\t', '|', '1'),
    });
    const rowsArbitrary = fc.array(
      fc.tuple(fc.stringMatching(/^[a-f0-9]{1,16}$/), cell, cell).map((row) => [...row]),
      { minLength: 1, maxLength: 30 },
    );
    fc.assert(
      fc.property(
        rowsArbitrary,
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(), { maxLength: 6 }),
        (rows, newline, cutSeeds) => {
          const text = Papa.unparse({ fields: ['context.span_id', 'x', 'y'], data: rows }, { newline });
          const whole = parseDelimited(text);
          expect(table(whole).rows).toEqual(rows);
          expect(
            parseInPieces(
              text,
              cutSeeds.map((seed) => seed % (text.length + 1)),
            ),
          ).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parsePastedCells', () => {
  it.each([
    {
      name: 'Excel on Windows (CRLF after the last row)',
      text: 'a\tb\r\n1\t2\r\n',
      cells: [
        ['a', 'b'],
        ['1', '2'],
      ],
    },
    { name: 'a single cell', text: 'abc', cells: [['abc']] },
    { name: 'a single cell with its line break', text: 'abc\n', cells: [['abc']] },
    { name: 'an empty cell', text: '\r\n', cells: [['']] },
    { name: 'nothing', text: '', cells: [] },
    {
      name: 'a cell with a line break and quotes',
      text: 'x\t"two\nlines, ""quoted"""\ny\t\n',
      cells: [
        ['x', 'two\nlines, "quoted"'],
        ['y', ''],
      ],
    },
    { name: 'commas and semicolons stay in cells', text: '1,5\ta;b\n', cells: [['1,5', 'a;b']] },
  ])('$name', ({ text, cells }) => {
    expect(parsePastedCells(text)).toEqual(cells);
  });
});

describe('parsing in slices', () => {
  it('gives the same rows when a value is longer than a slice', () => {
    const huge = 'x'.repeat(3 * 1024 * 1024);
    const text = `a,b\n1,"${huge}\n"\n2,y\n`;
    const whole = parseDelimited(text);
    const result = table(whole);
    expect(result.rows.map((row) => row.map((cell) => String(cell).length))).toEqual([
      [1, huge.length + 1],
      [1, 1],
    ]);
    expect(parseInPieces(text, [DETECTION_SAMPLE_CHARS + 1, text.length - 5])).toEqual(whole);
  });

  it('stops a huge text at the row limit without reading it all into rows', () => {
    const text = `context.span_id\n${'a\n'.repeat(MAX_IMPORT_ROWS + 1)}`;
    expect(failure(parseDelimited(text)).code).toBe('too_large');
  });
});
