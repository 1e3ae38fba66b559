import { describe, expect, it } from 'vitest';
import type { IncomingSpan } from '@/server/patch/plan-ingest';
import { planLoad } from '@/server/patch/plan-load';
import type { StoredPatch } from '@/core/patch';

function span(spanId: string, metadata: unknown): IncomingSpan {
  return {
    spanId,
    traceId: 'a'.repeat(32),
    parentSpanId: null,
    name: 'chat',
    kind: 'LLM',
    startTime: '2026-03-01T00:00:00.000Z',
    endTime: null,
    metadata,
  };
}

describe('planLoad (a load from Arize AX upserts into the copy)', () => {
  it("inserts new spans and gives held spans Arize's values key by key; a key Arize lacks stays", () => {
    const plan = planLoad(
      [span('s1', '{"topic":"refunds","reviewer":"ana"}'), span('s2', { topic: 'login' }), span('s3', '{}')],
      new Map<string, StoredPatch>([
        ['s1', { topic: 'billing', local_only: 1 }],
        ['s2', { topic: 'login' }],
      ]),
      new Map([
        ['topic', 'Utf8'],
        ['local_only', 'Int64'],
      ]),
    );
    expect(plan.inserts.map((insert) => insert.span.spanId)).toEqual(['s3']);
    expect(plan.writes).toEqual([
      {
        spanId: 's1',
        metadata: { topic: 'refunds', local_only: 1, reviewer: 'ana' },
        changes: [
          { key: 'topic', existedBefore: true, before: 'billing', after: 'refunds' },
          { key: 'reviewer', existedBefore: false, before: null, after: 'ana' },
        ],
      },
    ]);
    expect(plan.unchanged).toBe(1);
    expect(plan.fields).toEqual([{ key: 'reviewer', type: 'Utf8', addedSpans: 1 }]);
    expect(plan.warnings).toEqual([]);
  });

  it('leaves out a value of another type than the project stores, with a warning, and writes nothing else', () => {
    const plan = planLoad(
      [span('s1', { priority: 'high' }), span('s1', { priority: 'high' })],
      new Map([['s1', { priority: 1 }]]),
      new Map([['priority', 'Int64']]),
    );
    expect(plan.writes).toEqual([]);
    expect(plan.unchanged).toBe(2);
    expect(plan.warnings[0]).toMatch(/metadata 'priority' is Utf8 but the project stores Int64; left out/);
  });
});
