import { describe, expect, it } from 'vitest';
import { prepareSubmittedSpan, type StoredPatch, type StoredType } from '@/core/patch';
import { planSubmission } from '@/server/patch/plan-submission';

const PROJECT = 'demo';
const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';

/** Spans as the route hands them to the store: each patch_document already prepared. */
function submitted(...spans: [string, unknown][]) {
  return spans.map(([spanId, patchDocument]) => ({
    spanId,
    patch: prepareSubmittedSpan(spanId, patchDocument),
  }));
}

function metadataOf(entries: Record<string, StoredPatch>): Map<string, StoredPatch> {
  return new Map(Object.entries(entries));
}

function typesOf(entries: Record<string, StoredType | null>): Map<string, StoredType | null> {
  return new Map(Object.entries(entries));
}

describe('planning a metadata submission (SPEC §6)', () => {
  it('writes each span with its keys before and after, and records new keys in the type registry', () => {
    const plan = planSubmission(
      PROJECT,
      submitted([A, { score: 2, label: 'good' }], [B, { label: 'bad' }]),
      metadataOf({ [A]: { score: 1 }, [B]: {} }),
      typesOf({ score: 'Int64' }),
    );
    expect(plan).toEqual({
      writes: [
        {
          spanId: A,
          metadata: { score: 2, label: 'good' },
          changes: [
            { key: 'score', existedBefore: true, before: 1, after: 2 },
            { key: 'label', existedBefore: false, before: null, after: 'good' },
          ],
        },
        {
          spanId: B,
          metadata: { label: 'bad' },
          changes: [{ key: 'label', existedBefore: false, before: null, after: 'bad' }],
        },
      ],
      fields: [{ key: 'label', type: 'Utf8', addedSpans: 2 }],
      errors: [],
      spansProcessed: 2,
      spansUpdated: 2,
      spansUnchanged: 0,
      spansFailed: 0,
    });
  });

  it('fails a span whose value conflicts with its key type, changing none of its keys, and applies the others', () => {
    const plan = planSubmission(
      PROJECT,
      submitted([A, { fresh: 'x', score: 'high' }], [B, { score: 3 }]),
      metadataOf({ [A]: { score: 1 }, [B]: { score: 2 } }),
      typesOf({ score: 'Int64' }),
    );
    expect(plan.errors).toEqual([
      { span_id: A, error_message: "[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8" },
    ]);
    expect(plan.writes.map((write) => [write.spanId, write.metadata])).toEqual([[B, { score: 3 }]]);
    // The failed span's new key is not registered: all keys or none.
    expect(plan.fields).toEqual([]);
    expect([plan.spansProcessed, plan.spansUpdated, plan.spansFailed]).toEqual([2, 1, 1]);
  });

  it('refuses a float into an integer key, and widens an integer into a float key without changing its type', () => {
    const plan = planSubmission(
      PROJECT,
      submitted([A, { count: 2.5 }], [B, { ratio: 3 }]),
      metadataOf({ [A]: {}, [B]: {} }),
      typesOf({ count: 'Int64', ratio: 'Float64' }),
    );
    expect(plan.errors).toEqual([
      {
        span_id: A,
        error_message: "[type_conflict] Type conflict on 'count': stored Int64, patch has Float64",
      },
    ]);
    expect(plan.writes).toEqual([
      {
        spanId: B,
        metadata: { ratio: 3 },
        changes: [{ key: 'ratio', existedBefore: false, before: null, after: 3 }],
      },
    ]);
    expect(plan.fields).toEqual([{ key: 'ratio', type: 'Float64', addedSpans: 1 }]);
  });

  it('keeps a key set to null, fits null into any type, and lets a later span type a null-only key', () => {
    const plan = planSubmission(
      PROJECT,
      submitted([A, { score: null, note: null }], [B, { note: 'hello' }]),
      metadataOf({ [A]: { score: 1 }, [B]: {} }),
      typesOf({ score: 'Int64' }),
    );
    expect(plan.errors).toEqual([]);
    expect(plan.writes.map((write) => write.metadata)).toEqual([
      { score: null, note: null },
      { note: 'hello' },
    ]);
    expect(plan.fields).toEqual([{ key: 'note', type: 'Utf8', addedSpans: 2 }]);
  });

  it('types a key in the order of the request: a later span of the same submission conflicts with an earlier one', () => {
    const plan = planSubmission(
      PROJECT,
      submitted([A, { rating: 5 }], [B, { rating: 'five' }]),
      metadataOf({ [A]: {}, [B]: {} }),
      typesOf({}),
    );
    expect(plan.writes.map((write) => write.spanId)).toEqual([A]);
    expect(plan.errors).toEqual([
      {
        span_id: B,
        error_message: "[type_conflict] Type conflict on 'rating': stored Int64, patch has Utf8",
      },
    ]);
    expect(plan.fields).toEqual([{ key: 'rating', type: 'Int64', addedSpans: 1 }]);
  });

  it('applies a span repeated in one submission in order, each occurrence on top of the one before', () => {
    const plan = planSubmission(
      PROJECT,
      submitted([A, { label: 'first', score: 1 }], [A, { label: 'second' }]),
      metadataOf({ [A]: { kept: 'k' } }),
      typesOf({ kept: 'Utf8' }),
    );
    expect(plan.writes).toEqual([
      {
        spanId: A,
        metadata: { kept: 'k', label: 'first', score: 1 },
        changes: [
          { key: 'label', existedBefore: false, before: null, after: 'first' },
          { key: 'score', existedBefore: false, before: null, after: 1 },
        ],
      },
      {
        spanId: A,
        metadata: { kept: 'k', label: 'second', score: 1 },
        changes: [{ key: 'label', existedBefore: true, before: 'first', after: 'second' }],
      },
    ]);
    // The key is new to the span once, not once per occurrence.
    expect(plan.fields).toEqual([
      { key: 'label', type: 'Utf8', addedSpans: 1 },
      { key: 'score', type: 'Int64', addedSpans: 1 },
    ]);
    expect([plan.spansProcessed, plan.spansUpdated, plan.spansFailed]).toEqual([2, 2, 0]);
  });

  it('counts a span whose values are already stored as updated, without writing it', () => {
    const plan = planSubmission(
      PROJECT,
      submitted([A, { label: 'same' }]),
      metadataOf({ [A]: { label: 'same' } }),
      typesOf({ label: 'Utf8' }),
    );
    expect(plan.writes).toEqual([]);
    expect([plan.spansUpdated, plan.spansFailed]).toEqual([1, 0]);
  });

  it('fails a span that is not in the project as segment_not_found', () => {
    const plan = planSubmission(PROJECT, submitted([C, { a: 1 }]), metadataOf({ [A]: {} }), typesOf({}));
    expect(plan.errors).toEqual([
      { span_id: C, error_message: `[segment_not_found] No span with ID '${C}' in project '${PROJECT}'` },
    ]);
    expect(plan.writes).toEqual([]);
    expect(plan.fields).toEqual([]);
  });

  it('passes a patch_document refused when it was read on as that span’s error', () => {
    const plan = planSubmission(
      PROJECT,
      submitted([A, '{"a":'], [B, { ok: 'yes' }]),
      metadataOf({ [A]: {}, [B]: {} }),
      typesOf({}),
    );
    expect(plan.errors).toEqual([
      { span_id: A, error_message: expect.stringMatching(/^\[parse_failure\] /) },
    ]);
    expect(plan.writes.map((write) => write.spanId)).toEqual([B]);
  });

  it('rejects a span that would take the project past 1,000 keys, counting keys added earlier in the submission', () => {
    const fields = typesOf(
      Object.fromEntries(Array.from({ length: 998 }, (_, index) => [`k${index}`, 'Utf8'])),
    );
    const plan = planSubmission(
      PROJECT,
      submitted([A, { new1: 'a' }], [B, { new2: 'b', new3: 'c' }], [C, { new2: 'b' }]),
      metadataOf({ [A]: {}, [B]: {}, [C]: {} }),
      fields,
    );
    expect(plan.errors).toEqual([
      {
        span_id: B,
        error_message:
          '[druid_rejection] The project would have 1001 distinct metadata keys; the limit is 1000',
      },
    ]);
    expect(plan.writes.map((write) => write.spanId)).toEqual([A, C]);
    expect(plan.fields.map((field) => field.key)).toEqual(['new1', 'new2']);
  });

  it("rejects a span whose metadata would pass 1,000,000 characters, keeping the span's metadata as it was", () => {
    const plan = planSubmission(
      PROJECT,
      submitted([A, { more: 'y'.repeat(400_000) }], [A, { small: 's' }]),
      metadataOf({ [A]: { old: 'x'.repeat(600_000) } }),
      typesOf({ old: 'Utf8' }),
    );
    expect(plan.errors).toEqual([
      {
        span_id: A,
        error_message:
          "[druid_rejection] The span's metadata would be 1000020 characters; the limit is 1000000",
      },
    ]);
    expect(plan.writes).toEqual([
      {
        spanId: A,
        metadata: { old: 'x'.repeat(600_000), small: 's' },
        changes: [{ key: 'small', existedBefore: false, before: null, after: 's' }],
      },
    ]);
  });

  it('leaves the current metadata and type registry it is given as they were', () => {
    const current = metadataOf({ [A]: { score: 1 } });
    const types = typesOf({ score: 'Int64' });
    planSubmission(PROJECT, submitted([A, { score: 2, label: 'x' }]), current, types);
    expect(current).toEqual(metadataOf({ [A]: { score: 1 } }));
    expect(types).toEqual(typesOf({ score: 'Int64' }));
  });
});
