import { type ColumnSource, parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { importParquet } from '@/core/import';
import { SheetModel } from '@/core/sheet';
import { pandasLikeParquet } from '../../fixtures/import/make-parquet-fixtures';
import { fixtureBytes, failure, table } from './fixture-files';

const pandasHeaders = [
  'context.span_id',
  'attributes.metadata.score',
  'attributes.metadata.turn',
  'attributes.metadata.reviewed',
  'patch_document',
];

describe('importParquet', () => {
  it('reads a pandas-like file with typed values (pandas-like.parquet)', async () => {
    const result = table(await importParquet(fixtureBytes('pandas-like.parquet')));
    expect(result).toMatchObject({ format: 'parquet', origin: 'typed', headers: pandasHeaders, notes: [] });
    expect(result.rows).toStrictEqual([
      ['61dbffb32f20ddb6', 0.9, 1n, true, '{"tags": ["a", "b"]}'],
      ['8f2a1c0d9e7b6a54', undefined, 2n, false, undefined],
      ['0a1b2c3d4e5f6071', 0.25, 9007199254740993n, undefined, '{"quality": 3}'],
    ]);
  });

  it('reads the committed fixture as its script writes it', async () => {
    const committed = table(await importParquet(fixtureBytes('pandas-like.parquet')));
    const written = table(await importParquet(pandasLikeParquet()));
    expect(written).toStrictEqual(committed);
  });

  it('loads into the sheet model: columns recognised, the unsafe INT64 flagged', async () => {
    const result = table(await importParquet(fixtureBytes('pandas-like.parquet')));
    const { columns, allRecognized } = autoMapColumns(result.headers, result.origin);
    expect(allRecognized).toBe(true);
    const sheet = SheetModel.fromRows(columns, result.rows);
    const summary = sheet.summary();
    expect(summary.rows).toBe(3);
    expect(summary.byCode.unsafe_integer).toBe(1);
    expect(sheet.rowStatus(2)).toBe('error');
  });

  it('turns dates and timestamps into ISO strings', async () => {
    const file = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ['a', 'b'] },
        { name: 'day', data: [19723, null] },
        { name: 'at_ms', data: [1704164645123n, null] },
        { name: 'at_us', data: [1704164645123456n, -1n] },
      ],
      schema: [
        { name: 'root', num_children: 4 },
        { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
        { name: 'at_ms', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' },
        { name: 'at_us', type: 'INT64', converted_type: 'TIMESTAMP_MICROS', repetition_type: 'REQUIRED' },
      ],
    });
    const result = table(await importParquet(file));
    expect(result.rows).toStrictEqual([
      ['a', '2024-01-01', '2024-01-02T03:04:05.123Z', '2024-01-02T03:04:05.123456Z'],
      ['b', undefined, undefined, '1969-12-31T23:59:59.999999Z'],
    ]);
  });

  it('drops the index column pandas writes for an unnamed index, with a note', async () => {
    const file = parquetWriteBuffer({
      columnData: [
        { name: 'context.span_id', data: ['a', 'b'], type: 'STRING' },
        { name: '__index_level_0__', data: [10n, 11n], type: 'INT64' },
      ],
    });
    const result = table(await importParquet(file));
    expect(result.headers).toEqual(['context.span_id']);
    expect(result.rows).toEqual([['a'], ['b']]);
    expect(result.notes[0]).toContain('__index_level_0__');
  });

  it('says which compression it cannot read and how to write the file instead', async () => {
    const columnData: ColumnSource[] = [{ name: 'context.span_id', data: ['a'], type: 'STRING' }];
    const file = parquetWriteBuffer({ columnData, codec: 'ZSTD', compressors: { ZSTD: (input) => input } });
    const error = failure(await importParquet(file));
    expect(error.code).toBe('invalid_parquet');
    expect(error.message).toContain('compressed with ZSTD');
    expect(error.message).toContain('compression="snappy"');
  });

  it('says a cut-short file is damaged', async () => {
    const whole = fixtureBytes('pandas-like.parquet');
    const error = failure(await importParquet(whole.subarray(0, whole.length - 100)));
    expect(error.code).toBe('invalid_parquet');
    expect(error.message).toContain('cut short');
  });

  it('says a file with the magic but garbage inside is not readable', async () => {
    const bytes = new TextEncoder().encode('PAR1 this is not parquet at all, just text PAR1');
    expect(failure(await importParquet(bytes)).code).toBe('invalid_parquet');
  });

  it('rejects a file with columns but no rows as header only', async () => {
    const file = parquetWriteBuffer({ columnData: [{ name: 'context.span_id', data: [], type: 'STRING' }] });
    const error = failure(await importParquet(file));
    expect(error.code).toBe('header_only');
    expect(error.message).toContain('no data rows');
  });
});
