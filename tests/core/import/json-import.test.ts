import { describe, expect, it } from 'vitest';
import { importJson, importJsonl } from '@/core/import';
import { reviveLongInteger } from '@/core/import/json-import';
import { fixtureText, failure, table } from './fixture-files';

describe('importJson', () => {
  it('reads an array of objects: keys in first-seen order, typed values, missing keys undefined (rows.json)', () => {
    const result = table(importJson(fixtureText('rows.json')));
    expect(result).toMatchObject({ format: 'json', origin: 'typed', notes: [] });
    expect(result.headers).toEqual([
      'context.span_id',
      'attributes.metadata.score',
      'attributes.metadata.reviewed',
      'attributes.metadata.reviewer',
      'patch_document',
    ]);
    expect(result.rows).toStrictEqual([
      ['61dbffb32f20ddb6', 0.9, true, undefined, undefined],
      ['8f2a1c0d9e7b6a54', undefined, false, null, undefined],
      ['0a1b2c3d4e5f6071', undefined, undefined, undefined, { tags: ['a', 'b'], turn: 2 }],
    ]);
  });

  it('reports invalid JSON by line and column (invalid.json)', () => {
    const text = fixtureText('invalid.json');
    const line = text.split('\n')[2] ?? '';
    const error = failure(importJson(text));
    expect(error).toMatchObject({ code: 'invalid_json', line: 3, column: line.indexOf('NaN') + 1 });
    expect(error.message).toMatch(/^This is not valid JSON: .* at line 3, column \d+/);
    expect(error.message).toContain('NaN is not JSON');
  });

  it('says a single object is not an array of objects (not-array.json)', () => {
    const error = failure(importJson(fixtureText('not-array.json')));
    expect(error.code).toBe('not_an_array_of_objects');
    expect(error.message).toContain('The file holds a single JSON object, not an array of objects');
  });

  it.each([
    { text: '[{"a": 1}, {"a": 2}, "x"]', says: 'element at index 2 (item 3) is a string, not an object' },
    { text: '[[1, 2]]', says: 'element at index 0 (item 1) is an array, not an object' },
    { text: '[{"a": 1}, null]', says: 'element at index 1 (item 2) is null, not an object' },
    { text: '42', says: 'The file holds a number, not an array of objects' },
    { text: '{"a": {"0": 1}, "b": {"0": 2}}', says: 'df.to_json(path, orient="records")' },
  ])('names the first element that is not an object: $text', ({ text, says }) => {
    const error = failure(importJson(text));
    expect(error.code).toBe('not_an_array_of_objects');
    expect(error.message).toContain(says);
  });

  it.each([
    { name: 'an empty file', text: '' },
    { name: 'whitespace', text: ' \r\n' },
    { name: 'an empty array', text: '[]' },
    { name: 'only empty objects', text: '[{}, {}]' },
  ])('rejects $name as empty', ({ text }) => {
    expect(failure(importJson(text)).code).toBe('empty_file');
  });

  it('strips a byte order mark', () => {
    expect(table(importJson('\uFEFF[{"a": 1}]')).rows).toEqual([[1]]);
  });

  it('reads one object per line in a .json file as JSON Lines, with a note', () => {
    const result = table(importJson('{"a": 1}\n{"a": 2}\n'));
    expect(result.format).toBe('jsonl');
    expect(result.rows).toEqual([[1], [2]]);
    expect(result.notes[0]).toContain('read as JSON Lines');
  });
});

describe('reviveLongInteger', () => {
  /** What JSON.parse makes of these digits: a number that lost the last ones. */
  const rounded = (digits: string): number => Number(digits);

  it('keeps the exact digits of integers beyond ±(2^53−1) as bigints', () => {
    const source = '12345678901234567890';
    expect(reviveLongInteger('', rounded(source), { source })).toBe(12345678901234567890n);
    expect(reviveLongInteger('', rounded('-9007199254740993'), { source: '-9007199254740993' })).toBe(
      -9007199254740993n,
    );
  });

  it('leaves safe integers, decimals, exponents and values without a source alone', () => {
    expect(reviveLongInteger('', 42, { source: '42' })).toBe(42);
    expect(reviveLongInteger('', 1e20, { source: '1e20' })).toBe(1e20);
    expect(reviveLongInteger('', rounded('12345678901234567890'), undefined)).toBe(
      rounded('12345678901234567890'),
    );
    expect(reviveLongInteger('', 'x', { source: '"x"' })).toBe('x');
  });
});

describe('importJsonl', () => {
  it('reads one object per line, skipping blank lines, with BOM and CRLF (rows.jsonl)', () => {
    const result = table(importJsonl(`\uFEFF${fixtureText('rows.jsonl')}`));
    expect(result).toMatchObject({ format: 'jsonl', origin: 'typed' });
    expect(result.headers).toEqual([
      'context.span_id',
      'attributes.metadata.turn',
      'attributes.metadata.tags',
    ]);
    expect(result.rows).toStrictEqual([
      ['61dbffb32f20ddb6', 1, undefined],
      ['8f2a1c0d9e7b6a54', 2, ['x']],
    ]);
    expect(result.notes).toEqual(['Skipped 1 empty line.']);
  });

  it('names a bad line by its number and column (bad-line.jsonl)', () => {
    const text = fixtureText('bad-line.jsonl');
    const line = text.split('\n')[2] ?? '';
    const error = failure(importJsonl(text));
    expect(error).toMatchObject({ code: 'invalid_json', line: 3, column: line.indexOf(',}') + 2 });
    expect(error.message).toMatch(/^Line 3 is not valid JSON at column \d+: /);
    expect(error.message).not.toMatch(/at line 1/);
  });

  it('names a line that holds something other than an object', () => {
    const error = failure(importJsonl('{"a": 1}\n[1, 2]\n'));
    expect(error).toMatchObject({ code: 'not_an_array_of_objects', line: 2 });
    expect(error.message).toContain('Line 2 holds an array, not an object');
  });

  it('reads a JSON array in a .jsonl file as JSON, with a note', () => {
    const result = table(importJsonl('[{"a": 1}, {"b": 2}]'));
    expect(result.format).toBe('json');
    expect(result.notes[0]).toContain('read as JSON');
  });

  it.each(['', '\n\n', '\r\n  \r\n'])('rejects %j as empty', (text) => {
    expect(failure(importJsonl(text)).code).toBe('empty_file');
  });
});
