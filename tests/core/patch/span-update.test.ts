import { describe, expect, it } from 'vitest';
import { planSpanUpdate, type StoredType, type StoredValue } from '@/core/patch';

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
