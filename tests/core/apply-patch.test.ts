import { describe, expect, it } from 'vitest';
import { planSpanUpdate, prepareSubmittedPatch, prepareSubmittedSpan } from '@/core/apply-patch';
import type { StoredType, StoredValue } from '@/core/stored-form';

describe('a submitted patch_document, as the server reads it', () => {
  it('converts each top-level value to its stored form', () => {
    expect(prepareSubmittedPatch({ a: true, b: { c: 1 }, d: null, e: 2.5 })).toEqual({
      ok: true,
      entries: [
        ['a', 'true'],
        ['b', '{"c":1}'],
        ['d', null],
        ['e', 2.5],
      ],
    });
  });

  it('parses JSON text', () => {
    expect(prepareSubmittedPatch('{"a":"x"}')).toEqual({ ok: true, entries: [['a', 'x']] });
  });

  it.each([
    ['{"a":', /^\[parse_failure\] patch_document is not valid JSON: Unexpected end of JSON/],
    ['{"a": NaN}', /^\[parse_failure\] .*NaN is not JSON/],
    ['[1]', /^\[patch_failure\] patch_document must be a JSON object, but it is an array/],
    [[1], /^\[patch_failure\] .*an array/],
    [{ '': 1 }, /^\[patch_failure\] Invalid key '': the key is empty/],
    [JSON.parse('{"__proto__": 1}'), /^\[patch_failure\] Invalid key '__proto__': the key is reserved/],
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
    expect(prepareSubmittedSpan('s'.repeat(256), { a: 1 })).toEqual({ ok: true, entries: [['a', 1]] });
  });
});

describe('planning one span update against the project types', () => {
  const fields = new Map<string, StoredType | null>([
    ['score', 'Int64'],
    ['ratio', 'Float64'],
    ['note', null],
    ['keep', 'Utf8'],
  ]);

  it('records each key before and after, including keys that did not exist', () => {
    const plan = planSpanUpdate(
      { score: 1, keep: 'x' },
      [
        ['score', 2],
        ['fresh', 'y'],
        ['keep', 'x'],
      ],
      fields,
    );
    expect(plan).toEqual({
      ok: true,
      metadata: { score: 2, keep: 'x', fresh: 'y' },
      changes: [
        { key: 'score', existedBefore: true, before: 1, after: 2 },
        { key: 'fresh', existedBefore: false, before: null, after: 'y' },
      ],
      fieldTypes: new Map([['fresh', 'Utf8']]),
    });
  });

  it('keeps a key set to null, with value null', () => {
    const plan = planSpanUpdate({ score: 1 }, [['score', null]], fields);
    expect(plan.ok && plan.metadata).toEqual({ score: null });
    expect(plan.ok && plan.changes).toEqual([{ key: 'score', existedBefore: true, before: 1, after: null }]);
  });

  it('widens an integer into a float key, and lets the first non-null value type a null-only key', () => {
    const plan = planSpanUpdate(
      {},
      [
        ['ratio', 3],
        ['note', 'hello'],
      ],
      fields,
    );
    expect(plan.ok && plan.fieldTypes).toEqual(new Map([['note', 'Utf8']]));
  });

  it.each<[[string, StoredValue], string]>([
    [['score', 'high'], "[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8"],
    [['score', 2.5], "[type_conflict] Type conflict on 'score': stored Int64, patch has Float64"],
  ])('refuses %j with a type conflict and changes nothing', (entry, message) => {
    expect(planSpanUpdate({ score: 1 }, [['other', 'x'], entry], fields)).toEqual({
      ok: false,
      errorMessage: message,
    });
  });

  it('rejects metadata over 1,000,000 characters', () => {
    const plan = planSpanUpdate({ old: 'x'.repeat(600_000) }, [['new', 'y'.repeat(400_000)]], fields);
    expect(!plan.ok && plan.errorMessage).toMatch(
      /^\[druid_rejection\] The span's metadata would be \d+ characters/,
    );
  });

  it('rejects a project over 1,000 distinct keys', () => {
    const many = new Map<string, StoredType | null>(
      Array.from({ length: 999 }, (_, index) => [`k${index}`, 'Utf8']),
    );
    expect(planSpanUpdate({}, [['new1', 'a']], many).ok).toBe(true);
    const plan = planSpanUpdate(
      {},
      [
        ['new1', 'a'],
        ['new2', 'b'],
      ],
      many,
    );
    expect(!plan.ok && plan.errorMessage).toBe(
      '[druid_rejection] The project would have 1001 distinct metadata keys; the limit is 1000',
    );
  });
});
