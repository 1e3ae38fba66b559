import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDelimitedParser, type ImportResult } from '@/core/import';
import { createPapaDelimitedParser } from '@/core/import/delimited';

/** What a read says, as plain data: the table (its rows made from its columns) or the error. */
function plain(result: ImportResult) {
  if (!result.ok) return { error: result.error };
  const { format, headers, rows, origin, delimiter, notes } = result.table;
  return { format, headers, rows, origin, delimiter, notes };
}

function readInPieces(
  make: typeof createDelimitedParser,
  text: string,
  cuts: readonly number[],
): { result: ReturnType<typeof plain>; rowCounts: number } {
  const parser = make();
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.push(text.slice(start, Math.min(cut, text.length)));
    start = Math.min(cut, text.length);
  }
  parser.push(text.slice(start));
  const rowCounts = parser.rowCount;
  return { result: plain(parser.finish()), rowCounts };
}

const field = fc.oneof(
  fc.stringMatching(/^[a-z0-9 .é]{0,6}$/),
  fc.constantFrom('', ' ', 'true', '{"a":1}', 'x,y', 'say "hi"', 'two\nlines', 'crlf\r\nin', '😀', '\uD800'),
);
/** A field as a spreadsheet writes it: quoted (quotes doubled) when it holds a delimiter, quote or line break. */
const written = (value: string, delimiter: string, forceQuote: boolean) =>
  forceQuote || value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

const wellFormed = fc
  .record({
    width: fc.integer({ min: 1, max: 5 }),
    delimiter: fc.constantFrom(',', ';', '\t', '|'),
    newline: fc.constantFrom('\n', '\r\n', '\r'),
    rows: fc.array(fc.array(fc.tuple(field, fc.boolean()), { minLength: 5, maxLength: 5 }), {
      maxLength: 12,
    }),
    ending: fc.boolean(),
    bom: fc.boolean(),
  })
  .map(({ width, delimiter, newline, rows, ending, bom }) => {
    const header = Array.from({ length: width }, (_, index) => `h${index}`).join(delimiter);
    const lines = rows.map((cells) =>
      cells
        .slice(0, width)
        .map(([value, quote]) => written(value, delimiter, quote))
        .join(delimiter),
    );
    return `${bom ? '\uFEFF' : ''}${[header, ...lines].join(newline)}${ending ? newline : ''}`;
  });

/** Any text of the characters that matter to a delimited reader. */
const anyText = fc
  .array(fc.constantFrom('a', 'b', ',', ';', '\t', '"', '\n', '\r', ' ', 'é', '|', '\uFEFF'), {
    maxLength: 60,
  })
  .map((chars) => chars.join(''));

describe('reading delimited text straight into columns', () => {
  it('reads every text as the papaparse reader does, however it is cut', () => {
    fc.assert(
      fc.property(
        fc.oneof(wellFormed, anyText),
        fc.array(fc.nat({ max: 400 }), { maxLength: 4 }),
        (text, cuts) => {
          const ours = readInPieces(createDelimitedParser, text, cuts);
          const papa = readInPieces(createPapaDelimitedParser, text, []);
          expect(ours.result).toEqual(papa.result);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads a well-formed file into columns, without making its rows', () => {
    const result = createDelimitedParser();
    result.push('\uFEFFid,note,n\r\n1,"say ""hi""",2\r\n3,"two\r\nlines",\r\n');
    const read = result.finish();
    if (!read.ok) throw new Error(read.error.message);
    expect(read.table.columns?.map((column) => [column.text, [...column.offsets]])).toEqual([
      ['13', [0, 1, 2]],
      ['say "hi"two\r\nlines', [0, 8, 18]],
      ['2', [0, 1, 1]],
    ]);
    expect(read.table.rows).toEqual([
      ['1', 'say "hi"', '2'],
      ['3', 'two\r\nlines', ''],
    ]);
  });
});
