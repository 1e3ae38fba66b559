import { describe, expect, it } from 'vitest';
import {
  type ColumnSettings,
  emptyKindCounts,
  inferType,
  type KindCounts,
  readCell,
  typedCellFromText,
} from '@/core/columns';
import { classifyText } from '@/core/columns/cell-reading';

const column = (overrides: Partial<ColumnSettings> = {}): ColumnSettings => ({
  id: 'c1',
  name: 'attributes.metadata.x',
  target: { kind: 'metadata', key: 'x' },
  type: 'auto',
  blankPolicy: 'skip',
  origin: 'text',
  ...overrides,
});

describe('classifying text cells for inference (SPEC §2)', () => {
  it.each([
    ['', 'blank'],
    ['   ', 'blank'],
    ['null', 'null'],
    ['NULL', 'null'],
    [' Null ', 'null'],
    ['42', 'number'],
    ['-3.5', 'number'],
    ['1e3', 'number'],
    [' 7 ', 'number'],
    ['true', 'boolean'],
    ['FALSE', 'boolean'],
    ['{"a":1}', 'json'],
    ['[1,2]', 'json'],
    ['{not json', 'text'],
    ['N/A', 'text'],
    ['1,5', 'text'],
    ['.5', 'text'],
    ['1.', 'text'],
    ['007', 'numeric_text'],
    ['+15551234567', 'numeric_text'],
    ['1234567890123456', 'numeric_text'],
    ['0.5', 'number'],
  ])('%j is %s', (text, kind) => {
    expect(classifyText(text, false).kind).toBe(kind);
  });

  it('keeps a trailing .0 as text only on an ID-like column', () => {
    expect(classifyText('123.0', true)).toEqual({ kind: 'numeric_text', reason: 'trailing_zero_on_id' });
    expect(classifyText('123.0', false)).toEqual({ kind: 'number', value: 123 });
  });

  it.each([
    ['007', 'leading_zero'],
    ['-007', 'leading_zero'],
    ['+1', 'leading_plus'],
    ['12345678901234567890', 'too_many_digits'],
    ['0.1234567890123456', 'too_many_digits'],
  ])('names why %j is kept as text (%s)', (text, reason) => {
    expect(classifyText(text, false)).toEqual({ kind: 'numeric_text', reason });
  });

  it('counts 15 significant digits as safe and ignores leading zeros after the point', () => {
    expect(classifyText('123456789012345', false).kind).toBe('number');
    expect(classifyText('0.000123456789012345', false).kind).toBe('number');
  });
});

describe('inferring a column type from its cells (SPEC §2)', () => {
  const counts = (partial: Partial<KindCounts>): KindCounts => ({ ...emptyKindCounts(), ...partial });

  it.each([
    [{ number: 3 }, 'number'],
    [{ number: 3, blank: 5, null: 2 }, 'number'],
    [{ boolean: 2 }, 'boolean'],
    [{ json: 2 }, 'json'],
    [{ text: 1 }, 'string'],
    [{}, 'string'],
    [{ number: 2, numeric_text: 1 }, 'string'],
  ] as const)('%j reads as %s', (partial, type) => {
    expect(inferType(counts(partial)).type).toBe(type);
  });

  it('reads a mix of kinds as text and gives the counts of each kind', () => {
    expect(inferType(counts({ number: 3, text: 1 }))).toEqual({
      type: 'string',
      mixed: { number: 3, text: 1 },
      keptNumericText: false,
      onlyNulls: false,
    });
    expect(inferType(counts({ boolean: 1, json: 2 })).mixed).toEqual({ boolean: 1, json: 2 });
  });

  it('says when numeric-looking text made the column text', () => {
    expect(inferType(counts({ number: 1, numeric_text: 1 }))).toEqual({
      type: 'string',
      mixed: null,
      keptNumericText: true,
      onlyNulls: false,
    });
  });

  it('says when a column holds nothing but nulls (and blanks)', () => {
    expect(inferType(counts({ null: 2, blank: 3 })).onlyNulls).toBe(true);
    expect(inferType(counts({ null: 2, text: 1 })).onlyNulls).toBe(false);
    expect(inferType(counts({ blank: 3 })).onlyNulls).toBe(false);
  });
});

describe('reading one cell (SPEC §2)', () => {
  const as = (type: 'string' | 'number' | 'boolean' | 'json') => ({
    type,
    keptNumericText: false,
    idLike: false,
  });

  it('skips a blank cell by default and sets null with the null policy', () => {
    expect(readCell('  ', column(), as('string'))).toEqual({ status: 'skip' });
    expect(readCell(undefined, column(), as('number'))).toEqual({ status: 'skip' });
    expect(readCell('', column({ blankPolicy: 'null' }), as('number'))).toEqual({
      status: 'value',
      value: null,
      issues: [],
    });
  });

  it.each(['string', 'number', 'boolean', 'json'] as const)(
    'reads the literal null as null in type %s',
    (type) => {
      expect(readCell('NULL', column({ type }), as(type))).toEqual({
        status: 'value',
        value: null,
        issues: [],
      });
    },
  );

  it.each([
    ['number', ' 42 ', 42],
    ['number', '007', 7],
    ['number', '+3', 3],
    ['number', '1e3', 1000],
    ['number', 'NaN', NaN],
    ['number', '-Infinity', -Infinity],
    ['boolean', 'TRUE', true],
    ['boolean', ' false', false],
    ['json', '{"a":[1]}', { a: [1] }],
    ['json', '3', 3],
    ['string', ' padded ', ' padded '],
    ['string', '42', '42'],
  ] as const)('type %s reads %j as %j', (type, text, expected) => {
    const read = readCell(text, column({ type }), as(type));
    expect(read).toEqual({ status: 'value', value: expected, issues: [] });
  });

  it.each([
    ['number', 'N/A', 'not_a_number'],
    ['number', '1,5', 'not_a_number'],
    ['boolean', 'yes', 'not_a_boolean'],
    ['json', '{a:1}', 'not_json'],
  ] as const)('type %s rejects %j with %s', (type, text, code) => {
    const read = readCell(text, column({ type }), as(type));
    expect(read.status).toBe('error');
    expect(read.status === 'error' && read.issues[0]?.code).toBe(code);
  });

  it('explains where JSON text fails', () => {
    const read = readCell('{"a": }', column({ type: 'json' }), as('json'));
    expect(read.status === 'error' && read.issues[0]).toMatchObject({
      code: 'not_json',
      reason: expect.stringContaining('column 7'),
    });
  });

  it('keeps typed values from JSON and Parquet as they are under auto', () => {
    const typed = { type: 'typed' as const, keptNumericText: false, idLike: false };
    expect(readCell('42', column({ origin: 'typed' }), typed)).toEqual({
      status: 'value',
      value: '42',
      issues: [],
    });
    expect(readCell(42, column({ origin: 'typed' }), typed)).toEqual({
      status: 'value',
      value: 42,
      issues: [],
    });
    expect(readCell(true, column({ origin: 'typed' }), typed)).toEqual({
      status: 'value',
      value: true,
      issues: [],
    });
    expect(readCell(null, column({ origin: 'typed' }), typed)).toEqual({
      status: 'value',
      value: null,
      issues: [],
    });
  });

  it('converts typed values to an explicit type, or says why not', () => {
    expect(readCell(42, column({ type: 'string' }), as('string'))).toEqual({
      status: 'value',
      value: '42',
      issues: [],
    });
    expect(readCell({ a: 1 }, column({ type: 'string' }), as('string'))).toEqual({
      status: 'value',
      value: '{"a":1}',
      issues: [],
    });
    expect(readCell(true, column({ type: 'number' }), as('number')).status).toBe('error');
    expect(readCell(1, column({ type: 'boolean' }), as('boolean')).status).toBe('error');
  });

  it('warns on numeric-looking text when it made an auto column text', () => {
    const reading = { type: 'string' as const, keptNumericText: true, idLike: false };
    expect(readCell('007', column(), reading)).toEqual({
      status: 'value',
      value: '007',
      issues: [{ code: 'looks_numeric_kept_text', text: '007', reason: 'leading_zero' }],
    });
    expect(readCell('12', column(), reading)).toEqual({ status: 'value', value: '12', issues: [] });
  });
});

describe('typing into a typed column', () => {
  it.each([
    ['42', 42],
    ['true', true],
    ['null', null],
    ['', undefined],
    ['{"a":1}', { a: 1 }],
    ['007', '007'],
    ['hello', 'hello'],
  ])('%j becomes %j', (text, expected) => {
    expect(typedCellFromText(text)).toEqual(expected);
  });
});
