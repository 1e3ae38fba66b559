import { describe, expect, it } from 'vitest';
import { prepareSubmittedSpan } from '@/core/patch';
import { prepareSubmittedPatch } from '@/core/patch/submitted-patch';

describe('a submitted patch_document, as the server reads it', () => {
  it('converts each top-level value to its stored form', () => {
    const prepared = prepareSubmittedPatch({ a: true, b: { c: 1 }, d: null, e: 2.5 });
    expect(prepared).toEqual({ ok: true, stored: { a: 'true', b: '{"c":1}', d: null, e: 2.5 } });
    // In the order sent.
    expect(prepared.ok && Object.entries(prepared.stored)).toEqual([
      ['a', 'true'],
      ['b', '{"c":1}'],
      ['d', null],
      ['e', 2.5],
    ]);
  });

  it('parses JSON text', () => {
    expect(prepareSubmittedPatch('{"a":"x"}')).toEqual({ ok: true, stored: { a: 'x' } });
  });

  it.each([
    ['{"a":', /^\[parse_failure\] patch_document is not valid JSON: Unexpected end of JSON/],
    ['{"a": NaN}', /^\[parse_failure\] .*NaN is not JSON/],
    ['[1]', /^\[patch_failure\] patch_document must be a JSON object, but it is an array/],
    [[1], /^\[patch_failure\] .*an array/],
    [{ '': 1 }, /^\[patch_failure\] Invalid key '': the key is empty/],
    [JSON.parse('{"__proto__": 1}'), /^\[patch_failure\] Invalid key '__proto__': the key is reserved/],
    [{ '  ': 1 }, /^\[patch_failure\] Invalid key ' {2}': the key is only whitespace$/],
    [
      { 'a\u0000b': 1 },
      /^\[patch_failure\] Invalid key 'a\\u0000b': the key holds a control character \(U\+0000\)$/,
    ],
    ['{"new\\nline": 1}', /^\[patch_failure\] Invalid key 'new\\u000aline': .*\(U\+000A\)$/],
    [{ ['k'.repeat(257)]: 1 }, /^\[patch_failure\] .*longer than 256 characters/],
    [{ n: 2 ** 60 }, /^\[patch_failure\] Value of 'n' .*beyond ±\(2\^53−1\)/],
    [
      { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: 1 } } } } } } } } } },
      /^\[patch_failure\] patch_document nests 11 levels deep/,
    ],
    [{ big: 'x'.repeat(1_000_000) }, /^\[patch_failure\] patch_document is 1000010 characters/],
  ])('refuses %j', (document, message) => {
    const result = prepareSubmittedPatch(document);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errorMessage).toMatch(message);
  });
});

describe("hostile patch documents and span IDs, each refused as that span's error", () => {
  const deepText = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;

  it.each([
    ['an object', JSON.parse(deepText)],
    ['a JSON text', deepText],
  ])(
    'refuses a patch_document nested 100,000 levels deep as %s, without overflowing the stack',
    (_, document) => {
      expect(prepareSubmittedPatch(document)).toEqual({
        ok: false,
        errorMessage: '[patch_failure] patch_document nests more than 1,000 levels deep; the limit is 10',
      });
    },
  );

  it.each([
    [5, 'a number'],
    [[1, 2], 'an array'],
    [null, 'null'],
    [true, 'a boolean'],
  ])('refuses the non-object %j as %s', (document, kind) => {
    expect(prepareSubmittedPatch(document)).toEqual({
      ok: false,
      errorMessage: `[patch_failure] patch_document must be a JSON object, but it is ${kind}`,
    });
  });

  it('refuses a missing patch_document', () => {
    expect(prepareSubmittedPatch(undefined)).toEqual({
      ok: false,
      errorMessage: '[patch_failure] patch_document is missing; send a JSON object of metadata keys',
    });
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses an own %s key instead of dropping it',
    (key) => {
      const document: unknown = JSON.parse(`{"${key}": {}, "fine": "f"}`);
      expect(prepareSubmittedPatch(document)).toEqual({
        ok: false,
        errorMessage: `[patch_failure] Invalid key '${key}': the key is reserved`,
      });
    },
  );

  it('refuses a span_id over 256 characters without repeating it, and takes one of 256', () => {
    const result = prepareSubmittedSpan('s'.repeat(2_000_000), { a: 1 });
    expect(result).toEqual({
      ok: false,
      errorMessage: '[patch_failure] span_id is longer than 256 characters (it has 2,000,000)',
    });
    expect(prepareSubmittedSpan('s'.repeat(256), { a: 1 })).toEqual({ ok: true, stored: { a: 1 } });
  });
});
