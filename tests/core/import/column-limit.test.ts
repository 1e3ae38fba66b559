import { type ColumnSource, parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import {
  checkColumnCount,
  createDelimitedParser,
  importFile,
  importJson,
  importJsonl,
  importParquet,
  MAX_IMPORT_COLUMNS,
  parseDelimited,
} from '@/core/import';
import { failure, table } from './fixture-files';

const A = '61dbffb32f20ddb6';

/** The span ID column and `count - 1` metadata columns. */
function header(count: number): string[] {
  return ['context.span_id', ...Array.from({ length: count - 1 }, (_, i) => `attributes.metadata.k${i}`)];
}

function delimited(names: readonly string[], delimiter = ','): string {
  const row = names.map((_, i) => (i === 0 ? A : String(i)));
  return `${names.join(delimiter)}\n${row.join(delimiter)}\n`;
}

const tooMany = (count: string) =>
  `The file has ${count} columns; Spanpatch reads at most 1,000. A project holds at most 1,000 metadata keys, ` +
  'so the rest could never be sent: keep the span ID column and the columns you mean to send.';

describe(`at most ${MAX_IMPORT_COLUMNS.toLocaleString('en-US')} columns, in every format`, () => {
  it('is 1,000, and a wider table is refused with a message saying so', () => {
    expect(MAX_IMPORT_COLUMNS).toBe(1_000);
    expect(checkColumnCount(1_000)).toBeNull();
    expect(checkColumnCount(1_001)).toEqual({ code: 'too_large', message: tooMany('1,001') });
    expect(checkColumnCount(5_000, 'The pasted block')?.message).toMatch(
      /^The pasted block has 5,000 columns;/,
    );
  });

  it('reads a CSV or TSV file of 1,000 columns and refuses one of 1,001', () => {
    expect(table(parseDelimited(delimited(header(1_000)))).headers).toHaveLength(1_000);
    expect(failure(parseDelimited(delimited(header(1_001))))).toEqual({
      code: 'too_large',
      message: tooMany('1,001'),
    });
    expect(failure(parseDelimited(delimited(header(1_001), '\t'))).message).toBe(tooMany('1,001'));
  });

  it('counts no unnamed, empty column a delimiter at the end of each line adds', () => {
    const names = header(1_000);
    const text = `${names.join(',')},\n${names.map((_, i) => (i === 0 ? A : 'x')).join(',')},\n`;
    expect(table(parseDelimited(text)).headers).toHaveLength(1_000);
    const filled = `${names.join(',')},\n${names.map((_, i) => (i === 0 ? A : 'x')).join(',')},y\n`;
    expect(failure(parseDelimited(filled)).message).toBe(tooMany('1,001'));
  });

  it('refuses a header of 1,000,000 columns as it is read, before any row', () => {
    const parser = createDelimitedParser();
    const names = Array.from({ length: 1_000_000 }, (_, i) => `c${i}`);
    parser.push(`${names.join(',')}\n`);
    expect(parser.error).toEqual({ code: 'too_large', message: tooMany('1,000,000') });
    expect(parser.rowCount).toBe(0);
    parser.push(`${names.join(',')}\n`);
    expect(parser.rowCount).toBe(0);
    expect(failure(parser.finish()).message).toBe(tooMany('1,000,000'));
  });

  it('counts the keys of every object of a JSON or JSON Lines file', () => {
    // Two objects whose keys together make 1,001 columns, though each has fewer.
    const first = Object.fromEntries(header(600).map((name) => [name, 1]));
    const second = Object.fromEntries(
      Array.from({ length: 401 }, (_, i) => [`attributes.metadata.other${i}`, 2]),
    );
    expect(failure(importJson(JSON.stringify([first, second])))).toEqual({
      code: 'too_large',
      message: tooMany('1,001'),
    });
    expect(failure(importJsonl(`${JSON.stringify(first)}\n${JSON.stringify(second)}\n`)).message).toBe(
      tooMany('1,001'),
    );
    const wide = Object.fromEntries(header(1_000).map((name) => [name, 1]));
    expect(table(importJsonl(JSON.stringify(wide))).headers).toHaveLength(1_000);
  });

  it('reads the Parquet schema, not counting the pandas index column', async () => {
    const columns = (count: number): ColumnSource[] =>
      header(count).map((name) => ({ name, data: [name === 'context.span_id' ? A : '1'], type: 'STRING' }));
    expect(failure(await importParquet(parquetWriteBuffer({ columnData: columns(1_001) })))).toEqual({
      code: 'too_large',
      message: tooMany('1,001'),
    });
    const withIndex = parquetWriteBuffer({
      columnData: [...columns(1_000), { name: '__index_level_0__', data: [0n], type: 'INT64' }],
    });
    expect(table(await importParquet(withIndex)).headers).toHaveLength(1_000);
  });

  it('refuses the file through importFile, as the app and the command line read it', async () => {
    const bytes = new TextEncoder().encode(delimited(header(1_500)));
    expect(failure(await importFile('wide.csv', bytes)).message).toBe(tooMany('1,500'));
  });
});
