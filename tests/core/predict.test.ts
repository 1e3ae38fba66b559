import { describe, expect, it } from 'vitest';
import { predictSubmission } from '@/core/predict';
import type { PatchEntry } from '@/core/row-patch';
import type { StoredValue } from '@/core/stored-form';

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
