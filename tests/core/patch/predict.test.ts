import { describe, expect, it } from 'vitest';
import {
  isUpToDate,
  type PatchEntry,
  predictSubmission,
  type StoredValue,
  upToDateSpanIds,
} from '@/core/patch';

const entry = (key: string, stored: StoredValue): PatchEntry => ({
  key,
  input: stored,
  stored,
  row: 1,
  columnId: 'c1',
  column: `attributes.metadata.${key}`,
  fromPatchDocument: false,
});

const server = {
  project: 'demo',
  fields: new Map([
    ['score', 'Float64' as const],
    ['turn', 'Int64' as const],
  ]),
  spans: new Map<string, Record<string, StoredValue>>([
    ['a', { score: 0.5, turn: 2 }],
    ['b', {}],
    ['c', { note: null, zero: 0, label: 'ok' }],
  ]),
};

describe('predicting a submission against the server', () => {
  it('shows each key added, changed or unchanged, and the metadata after', () => {
    const prediction = predictSubmission(
      [{ spanId: 'a', patch: [entry('score', 0.9), entry('turn', 2), entry('note', 'x')] }],
      server,
    ).get('a');
    expect(prediction?.failure).toBeNull();
    expect([...(prediction?.changes ?? [])]).toEqual([
      ['score', 'changed'],
      ['turn', 'unchanged'],
      ['note', 'added'],
    ]);
    expect(prediction?.after).toEqual({ score: 0.9, turn: 2, note: 'x' });
  });

  it('predicts segment_not_found for a span the server does not have', () => {
    expect(predictSubmission([{ spanId: 'zz', patch: [entry('x', 1)] }], server).get('zz')?.failure).toEqual({
      type: 'segment_not_found',
      message: "No span with ID 'zz' in project 'demo'",
    });
  });

  it('predicts a type conflict with the same words as the server', () => {
    expect(
      predictSubmission([{ spanId: 'a', patch: [entry('turn', 'three')] }], server).get('a')?.failure,
    ).toEqual({
      type: 'type_conflict',
      message: "Type conflict on 'turn': stored Int64, patch has Utf8",
    });
  });

  it('types a new key by the first span that sets it, as the server does in order', () => {
    const predictions = predictSubmission(
      [
        { spanId: 'a', patch: [entry('quality', 3)] },
        { spanId: 'b', patch: [entry('quality', 'high')] },
      ],
      server,
    );
    expect(predictions.get('a')?.failure).toBeNull();
    expect(predictions.get('b')?.failure?.message).toBe(
      "Type conflict on 'quality': stored Int64, patch has Utf8",
    );
  });
});

describe('spans already up to date on the server', () => {
  const upToDate = (spans: { spanId: string; patch: PatchEntry[] }[]) =>
    upToDateSpanIds(predictSubmission(spans, server));

  it('is a span whose every key is stored with the value asked, and only such a span', () => {
    expect(
      upToDate([
        { spanId: 'a', patch: [entry('score', 0.5), entry('turn', 2)] },
        { spanId: 'b', patch: [entry('score', 0.5)] },
        { spanId: 'c', patch: [entry('label', 'ok'), entry('note', null)] },
      ]),
    ).toEqual(new Set(['a', 'c']));
  });

  it('is not a span with one key changed or added beside unchanged ones', () => {
    expect(upToDate([{ spanId: 'a', patch: [entry('score', 0.5), entry('turn', 3)] }])).toEqual(new Set());
    expect(upToDate([{ spanId: 'a', patch: [entry('score', 0.5), entry('extra', 'x')] }])).toEqual(new Set());
  });

  it('compares with Object.is: null is not a missing key, "2" is not 2, and -0 is not 0', () => {
    expect(upToDate([{ spanId: 'b', patch: [entry('note', null)] }])).toEqual(new Set());
    expect(upToDate([{ spanId: 'a', patch: [entry('turn', '2')] }])).toEqual(new Set());
    expect(upToDate([{ spanId: 'c', patch: [entry('zero', -0)] }])).toEqual(new Set());
  });

  it('is never a span predicted to fail, nor one the server does not have', () => {
    expect(upToDate([{ spanId: 'zz', patch: [entry('score', 0.5)] }])).toEqual(new Set());
    const failing = {
      before: { turn: 2 },
      after: null,
      changes: new Map([['turn', 'unchanged' as const]]),
      failure: { type: 'druid_rejection' as const, message: 'too large' },
    };
    expect(isUpToDate(failing)).toBe(false);
    expect(isUpToDate({ ...failing, after: { turn: 2 }, failure: null })).toBe(true);
  });

  it('is not a span with nothing in its patch', () => {
    expect(upToDate([{ spanId: 'b', patch: [] }])).toEqual(new Set());
  });
});
