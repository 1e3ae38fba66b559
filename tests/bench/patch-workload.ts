import type { IncomingSpan } from '../../src/server/patch/plan-ingest';

// The workload of the server benchmarks (SQLite and PostgreSQL): the same spans, and the same 5-key patches.

/** The span ID of the index-th span: 16 hex characters. */
export function spanIdOf(index: number): string {
  return (index + 1).toString(16).padStart(16, '0');
}

/** Spans `start` to `end` (exclusive): traces of 5, a CHAIN root and 4 LLM calls, half with initial metadata. */
export function benchSpans(start: number, end: number): IncomingSpan[] {
  return Array.from({ length: end - start }, (_, offset) => {
    const index = start + offset;
    return {
      spanId: spanIdOf(index),
      traceId: Math.floor(index / 5 + 1)
        .toString(16)
        .padStart(32, '0'),
      parentSpanId: null,
      name: index % 5 === 0 ? 'rag_pipeline' : 'chat gpt-4o-mini',
      kind: index % 5 === 0 ? 'CHAIN' : 'LLM',
      startTime: new Date(Date.UTC(2025, 4, 5) + index * 1000).toISOString(),
      endTime: null,
      metadata: index % 2 === 0 ? '{"user_id":"user_0042","turn":3}' : undefined,
    };
  });
}

/** A plain stored LLM span without metadata, each in its own trace, for the sheet and submit benchmarks. */
export function llmSpan(index: number, spanId: string): IncomingSpan {
  return {
    spanId,
    traceId: (index + 1).toString(16).padStart(32, '0'),
    parentSpanId: null,
    name: 'chat gpt-4o-mini',
    kind: 'LLM',
    startTime: new Date(Date.UTC(2025, 4, 5) + index * 1000).toISOString(),
    endTime: null,
    metadata: undefined,
  };
}

/** The 5 keys each span gets: text, text, integer, float, text. */
export function patchOf(index: number): Record<string, string | number> {
  return {
    reviewed: 'true',
    reviewer: index % 3 === 0 ? 'ana' : 'sam',
    quality: index % 5,
    confidence: 0.5 + (index % 100) / 1000 + 0.0001,
    note: `reviewed in batch ${Math.floor(index / 5000)}`,
  };
}
