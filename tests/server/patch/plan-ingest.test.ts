import { describe, expect, it } from 'vitest';
import type { StoredType } from '@/core/patch';
import { type IncomingSpan, MAX_INGEST_METADATA_DEPTH, planIngest } from '@/server/patch/plan-ingest';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';

/** A traced span as the OTLP decoder hands it over, with the given `metadata` attribute. */
function traced(spanId: string, metadata: unknown): IncomingSpan {
  return {
    spanId,
    traceId: 'trace-1',
    parentSpanId: null,
    name: `span ${spanId}`,
    kind: 'INTERNAL',
    startTime: '2024-05-01T12:00:00.000Z',
    endTime: null,
    metadata,
  };
}

function typesOf(entries: Record<string, StoredType | null>): Map<string, StoredType | null> {
  return new Map(Object.entries(entries));
}

/** Each inserted span's ID with the metadata it is stored with. */
function inserted(plan: ReturnType<typeof planIngest>): [string, Record<string, unknown>][] {
  return plan.inserts.map(({ span, metadata }) => [span.spanId, metadata]);
}

describe('planning the ingest of traced spans (SPEC §6)', () => {
  it('stores the metadata attribute in stored form, from JSON text or an object, and registers its keys', () => {
    const plan = planIngest(
      [
        traced(A, '{"score": 1, "ok": true, "tags": ["a"]}'),
        traced(B, { score: 2, note: null }),
        traced(C, undefined),
      ],
      new Set(),
      typesOf({}),
    );
    expect(inserted(plan)).toEqual([
      [A, { score: 1, ok: 'true', tags: '["a"]' }],
      [B, { score: 2, note: null }],
      [C, {}],
    ]);
    expect(plan.inserts[0]?.span).toEqual(traced(A, '{"score": 1, "ok": true, "tags": ["a"]}'));
    expect(plan.fields).toEqual([
      { key: 'score', type: 'Int64', addedSpans: 2 },
      { key: 'ok', type: 'Utf8', addedSpans: 1 },
      { key: 'tags', type: 'Utf8', addedSpans: 1 },
      { key: 'note', type: null, addedSpans: 1 },
    ]);
    expect(plan.duplicates).toBe(0);
    expect(plan.warnings).toEqual([]);
  });

  it('keeps a span already stored, or repeated in the request, untouched and counts it as a duplicate', () => {
    const plan = planIngest(
      [traced(A, { label: 'new' }), traced(B, { label: 'first' }), traced(B, { label: 'again' })],
      new Set([A]),
      typesOf({ label: 'Utf8' }),
    );
    expect(inserted(plan)).toEqual([[B, { label: 'first' }]]);
    expect(plan.duplicates).toBe(2);
    expect(plan.fields).toEqual([{ key: 'label', type: 'Utf8', addedSpans: 1 }]);
  });

  it('stores a span without a metadata attribute it cannot read, saying why', () => {
    const deep = JSON.parse(
      `${'{"a":'.repeat(MAX_INGEST_METADATA_DEPTH)}1${'}'.repeat(MAX_INGEST_METADATA_DEPTH)}`,
    );
    const plan = planIngest(
      [traced(A, '{"a":'), traced(B, '[1, 2]'), traced(C, deep)],
      new Set(),
      typesOf({}),
    );
    expect(inserted(plan)).toEqual([
      [A, {}],
      [B, {}],
      [C, {}],
    ]);
    expect(plan.fields).toEqual([]);
    expect(plan.warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^Span ${A}: the metadata attribute is not JSON \\(.+\\); stored without it$`),
      ),
      `Span ${B}: the metadata attribute is not a JSON object; stored without it`,
      `Span ${C}: the metadata attribute nests more than ${MAX_INGEST_METADATA_DEPTH} levels deep; stored without it`,
    ]);
  });

  it('leaves out an invalid key, a value that cannot be stored and a value of the wrong type, keeping the rest', () => {
    const metadata = JSON.parse(`{"__proto__": 1, "": 2, "big": ${2 ** 60}, "score": "high", "fine": "yes"}`);
    const plan = planIngest([traced(A, metadata)], new Set(), typesOf({ score: 'Int64' }));
    expect(inserted(plan)).toEqual([[A, { fine: 'yes' }]]);
    expect(plan.fields).toEqual([{ key: 'fine', type: 'Utf8', addedSpans: 1 }]);
    expect(plan.warnings).toEqual([
      `Span ${A}: metadata key '__proto__' is not a valid key; left out`,
      `Span ${A}: metadata key '' is not a valid key; left out`,
      `Span ${A}: metadata 'big' cannot be stored (unsafe_integer); left out`,
      `Span ${A}: metadata 'score' is Utf8 but the project stores Int64; left out`,
    ]);
  });

  it('types a key by the first span of the request that sets it: a later span with another type leaves it out', () => {
    const plan = planIngest(
      [traced(A, { rating: null }), traced(B, { rating: 5 }), traced(C, { rating: 'five' })],
      new Set(),
      typesOf({}),
    );
    expect(inserted(plan)).toEqual([
      [A, { rating: null }],
      [B, { rating: 5 }],
      [C, {}],
    ]);
    expect(plan.fields).toEqual([{ key: 'rating', type: 'Int64', addedSpans: 2 }]);
    expect(plan.warnings).toEqual([
      `Span ${C}: metadata 'rating' is Utf8 but the project stores Int64; left out`,
    ]);
  });

  it('stores a span without its metadata when it would take the project past 1,000 keys', () => {
    const fields = typesOf(
      Object.fromEntries(Array.from({ length: 999 }, (_, index) => [`k${index}`, 'Utf8'])),
    );
    const plan = planIngest(
      [traced(A, { new1: 'a', new2: 'b' }), traced(B, { new1: 'a' })],
      new Set(),
      fields,
    );
    expect(inserted(plan)).toEqual([
      [A, {}],
      [B, { new1: 'a' }],
    ]);
    expect(plan.fields).toEqual([{ key: 'new1', type: 'Utf8', addedSpans: 1 }]);
    expect(plan.warnings).toEqual([
      `Span ${A}: metadata not stored: [druid_rejection] The project would have 1001 distinct metadata keys; the limit is 1000`,
    ]);
  });

  it('keeps the first five warnings and counts the rest', () => {
    const spans = Array.from({ length: 8 }, (_, index) => traced(`span${index}`, 'not json'));
    const plan = planIngest(spans, new Set(), typesOf({}));
    expect(plan.inserts).toHaveLength(8);
    expect(plan.warnings).toHaveLength(6);
    expect(plan.warnings[0]).toMatch(/^Span span0: the metadata attribute is not JSON/);
    expect(plan.warnings[4]).toMatch(/^Span span4: /);
    expect(plan.warnings[5]).toBe('… and 3 more');
  });

  it('leaves the set of stored spans and the type registry it is given as they were', () => {
    const existing = new Set([A]);
    const types = typesOf({ score: 'Int64' });
    planIngest([traced(B, { score: 1, label: 'x' })], existing, types);
    expect(existing).toEqual(new Set([A]));
    expect(types).toEqual(typesOf({ score: 'Int64' }));
  });
});
