import { describe, expect, it } from 'vitest';
import type { StoredPatch } from '@/core/patch';
import {
  type ChangeToRevert,
  changesToRevert,
  planRevert,
  restoredKeys,
  revertDryRunResponse,
} from '@/server/patch/plan-revert';

const A = '00000000000000a1';
const B = '00000000000000b2';
const C = '00000000000000c3';

function change(
  spanId: string,
  key: string,
  before: unknown,
  after: unknown,
  extra: object = {},
): ChangeToRevert {
  return {
    spanId,
    key,
    existedBefore: before !== undefined,
    before: (before ?? null) as ChangeToRevert['before'],
    after: after as ChangeToRevert['after'],
    ...extra,
  };
}

describe('planRevert', () => {
  it('puts every changed key back to its value before, and removes keys that did not exist', () => {
    const plan = planRevert(
      'p',
      [change(A, 'label', 'old', 'new'), change(A, 'reviewed', undefined, 'true'), change(B, 'score', 1, 2)],
      new Map<string, StoredPatch>([
        [A, { label: 'new', reviewed: 'true', other: 'kept' }],
        [B, { score: 2 }],
      ]),
    );
    expect(plan.errors).toEqual([]);
    expect(plan).toMatchObject({ spansProcessed: 2, spansUpdated: 2, spansFailed: 0 });
    expect(plan.writes).toEqual([
      {
        spanId: A,
        metadata: { label: 'old', other: 'kept' },
        changes: [
          { key: 'label', existedBefore: true, before: 'new', after: 'old' },
          { key: 'reviewed', existedBefore: true, before: 'true', after: null, removed: true },
        ],
      },
      {
        spanId: B,
        metadata: { score: 1 },
        changes: [{ key: 'score', existedBefore: true, before: 2, after: 1 }],
      },
    ]);
    expect(plan.removedKeys).toEqual(new Map([['reviewed', 1]]));
  });

  it('leaves a span edited since alone and names the key and its value now', () => {
    const plan = planRevert(
      'p',
      [change(A, 'label', 'old', 'new'), change(A, 'note', undefined, 'x'), change(B, 'label', 'a', 'b')],
      new Map<string, StoredPatch>([
        [A, { label: 'edited later', note: 'x' }],
        [B, { label: 'b' }],
      ]),
    );
    expect(plan.errors).toEqual([
      {
        span_id: A,
        error_message: "[revert_conflict] 'label' changed after this submission (now edited later)",
      },
    ]);
    expect(plan.writes.map((write) => write.spanId)).toEqual([B]);
    expect(plan).toMatchObject({ spansProcessed: 2, spansUpdated: 1, spansFailed: 1 });
  });

  it('reports a key removed since as a conflict, and a span gone as segment_not_found', () => {
    const plan = planRevert(
      'p',
      [change(A, 'label', 'old', 'new'), change(C, 'label', 'old', 'new')],
      new Map<string, StoredPatch>([[A, {}]]),
    );
    expect(plan.errors).toEqual([
      { span_id: A, error_message: "[revert_conflict] 'label' changed after this submission (now absent)" },
      { span_id: C, error_message: `[segment_not_found] No span with ID '${C}' in project 'p'` },
    ]);
    expect(plan.writes).toEqual([]);
  });

  it('treats a number and its text as different values (7 is not "7")', () => {
    const plan = planRevert('p', [change(A, 'n', 1, 7)], new Map<string, StoredPatch>([[A, { n: '7' }]]));
    expect(plan.spansFailed).toBe(1);
    expect(plan.errors[0]?.error_message).toBe(`[revert_conflict] 'n' changed after this submission (now 7)`);
  });

  it('reverts a span changed twice by one submission to its first value before', () => {
    const plan = planRevert(
      'p',
      [change(A, 'label', 'first', 'second'), change(A, 'label', 'second', 'third')],
      new Map<string, StoredPatch>([[A, { label: 'third' }]]),
    );
    expect(plan.writes).toEqual([
      {
        spanId: A,
        metadata: { label: 'first' },
        changes: [{ key: 'label', existedBefore: true, before: 'third', after: 'first' }],
      },
    ]);
  });

  it('reverts a revert: a removed key comes back, and one that exists again is a conflict', () => {
    const removal = { existedBefore: true, removed: true };
    const plan = planRevert(
      'p',
      [change(A, 'reviewed', 'true', null, removal), change(B, 'reviewed', 'true', null, removal)],
      new Map<string, StoredPatch>([
        [A, {}],
        [B, { reviewed: 'false' }],
      ]),
    );
    expect(plan.writes).toEqual([
      {
        spanId: A,
        metadata: { reviewed: 'true' },
        changes: [{ key: 'reviewed', existedBefore: false, before: null, after: 'true' }],
      },
    ]);
    expect(plan.errors).toEqual([
      { span_id: B, error_message: "[revert_conflict] 'reviewed' changed after this submission (now false)" },
    ]);
  });

  it('keeps __proto__-like keys as plain data', () => {
    const plan = planRevert(
      'p',
      [change(A, 'toString', 'a', 'b')],
      new Map<string, StoredPatch>([[A, { toString: 'b' }]]),
    );
    expect(plan.writes[0]?.metadata).toEqual({ toString: 'a' });
  });
});

describe('the bookkeeping around planRevert', () => {
  it('takes recorded changes as the API shows them', () => {
    expect(
      changesToRevert([
        { span_id: A, key: 'label', existed_before: true, before: 'old', after: 'new', removed: false },
        { span_id: B, key: 'gone', existed_before: true, before: 1, after: null, removed: true },
      ]),
    ).toEqual([
      { spanId: A, key: 'label', existedBefore: true, before: 'old', after: 'new', removed: false },
      { spanId: B, key: 'gone', existedBefore: true, before: 1, after: null, removed: true },
    ]);
  });

  it('counts the keys a revert puts back, per key, apart from those it removes', () => {
    const removal = { existedBefore: true, removed: true };
    const plan = planRevert(
      'p',
      [
        change(A, 'reviewed', 'true', null, removal),
        change(B, 'reviewed', 'false', null, removal),
        change(C, 'added', undefined, 'x'),
        change(C, 'score', 1, 2),
      ],
      new Map<string, StoredPatch>([
        [A, {}],
        [B, {}],
        [C, { added: 'x', score: 2 }],
      ]),
    );
    expect(restoredKeys(plan)).toEqual(new Map([['reviewed', 2]]));
    expect(plan.removedKeys).toEqual(new Map([['added', 1]]));
  });

  it('answers a dry run with the plan counts and no submission', () => {
    const plan = planRevert(
      'p',
      [change(A, 'label', 'old', 'new'), change(B, 'label', 'old', 'new')],
      new Map([[A, { label: 'new' }]]),
    );
    expect(revertDryRunResponse(plan)).toEqual({
      spans_processed: 2,
      spans_updated: 1,
      spans_unchanged: 0,
      spans_failed: 1,
      errors: plan.errors,
      submission_id: '',
    });
    expect(plan.errors).toHaveLength(1);
  });
});
