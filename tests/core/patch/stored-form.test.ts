import { describe, expect, it } from 'vitest';
import { checkStoredType, toStoredForm } from '@/core/patch';
import { storedTypeOf } from '@/core/patch/stored-form';

describe('stored form (SPEC §3)', () => {
  it.each([
    ['a string', 'text', { ok: true, stored: 'text', warning: null }],
    ['an integer', 42, { ok: true, stored: 42, warning: null }],
    ['the largest safe integer', 9007199254740991, { ok: true, stored: 9007199254740991, warning: null }],
    ['the smallest safe integer', -9007199254740991, { ok: true, stored: -9007199254740991, warning: null }],
    ['a float', 0.25, { ok: true, stored: 0.25, warning: null }],
    ['true', true, { ok: true, stored: 'true', warning: 'bool_to_string' }],
    ['false', false, { ok: true, stored: 'false', warning: 'bool_to_string' }],
    [
      'an object',
      { b: [1, { c: 'd' }] },
      { ok: true, stored: '{"b":[1,{"c":"d"}]}', warning: 'json_to_string' },
    ],
    ['an array', [1, 'x'], { ok: true, stored: '[1,"x"]', warning: 'json_to_string' }],
    ['null', null, { ok: true, stored: null, warning: 'null_not_removed' }],
    ['a safe bigint', 12n, { ok: true, stored: 12, warning: null }],
    ['an integer beyond 2^53−1', 9007199254740992, { ok: false, error: 'unsafe_integer' }],
    ['a negative integer beyond', -9007199254740992, { ok: false, error: 'unsafe_integer' }],
    ['a bigint beyond', 12345678901234567890n, { ok: false, error: 'unsafe_integer' }],
    ['NaN', NaN, { ok: false, error: 'non_finite_number' }],
    ['Infinity', Infinity, { ok: false, error: 'non_finite_number' }],
    ['-Infinity', -Infinity, { ok: false, error: 'non_finite_number' }],
  ])('%s', (_name, input, expected) => {
    expect(toStoredForm(input)).toEqual(expected);
  });

  it('writes bigints inside objects as their exact digits', () => {
    expect(toStoredForm({ id: 12345678901234567890n })).toEqual({
      ok: true,
      stored: '{"id":12345678901234567890}',
      warning: 'json_to_string',
    });
  });

  it('refuses a non-finite number nested in an object instead of writing null', () => {
    expect(toStoredForm({ a: [NaN] })).toEqual({ ok: false, error: 'non_finite_number' });
  });

  it('types stored values as the store does', () => {
    expect(storedTypeOf('x')).toBe('Utf8');
    expect(storedTypeOf(3)).toBe('Int64');
    expect(storedTypeOf(3.5)).toBe('Float64');
    expect(storedTypeOf(null)).toBeNull();
  });

  it.each([
    [undefined, 'x', { ok: true, type: 'Utf8', widened: false }],
    [null, 3, { ok: true, type: 'Int64', widened: false }],
    ['Utf8', null, { ok: true, type: 'Utf8', widened: false }],
    ['Int64', 4, { ok: true, type: 'Int64', widened: false }],
    ['Float64', 4, { ok: true, type: 'Float64', widened: true }],
    ['Int64', 4.5, { ok: false, patchType: 'Float64' }],
    ['Int64', '4', { ok: false, patchType: 'Utf8' }],
    ['Utf8', 4, { ok: false, patchType: 'Int64' }],
  ] as const)('a %s key takes %j: %j', (existing, value, expected) => {
    expect(checkStoredType(existing, value)).toEqual(expected);
  });
});
