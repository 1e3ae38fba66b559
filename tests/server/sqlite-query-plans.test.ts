import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanFilter } from '@/core/api';
import type { SqliteSpanStore } from '@/server/store/sqlite/sqlite-store';
import { ingestSpans, spanId, startTestServer, type TestServer } from './test-server';

// SQLite's own query plans (EXPLAIN QUERY PLAN); the PostgreSQL store's are checked in postgres-store.test.ts.
let server: TestServer;
const project = 'plans';
const trace = (n: number) => n.toString(16).padStart(32, '0');

beforeAll(async () => {
  server = await startTestServer();
  await ingestSpans(
    server,
    project,
    Array.from({ length: 12 }, (_, i) => ({
      spanId: spanId(0xa00 + i),
      traceId: trace(1 + (i % 3)),
      metadata: { turn: i },
    })),
  );
});

afterAll(() => server.stop());

describe('SQLite query plans of span searches (SPEC §10)', () => {
  it('answers ID and trace lookups through their indexes, and names through the full-text index', () => {
    const store = server.store as SqliteSpanStore;
    const plan = (filter: SpanFilter) =>
      store.searchPlan(project, { filter, limit: 10, after: null, count: false, idsOnly: false }).join('\n');
    const lookup = plan({ text: 'a0c' });
    expect(lookup).toMatch(/SEARCH s USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(lookup).toMatch(
      /USING COVERING INDEX sqlite_autoindex_spans_1 \(project_id=\? AND span_id>\? AND span_id<\?\)/,
    );
    expect(lookup).toMatch(
      /USING COVERING INDEX spans_by_trace_time \(project_id=\? AND trace_id>\? AND trace_id<\?\)/,
    );
    expect(lookup).toMatch(/span_names VIRTUAL TABLE INDEX \d+:M/);
    expect(lookup).not.toMatch(/SCAN s\b|spans_by_start_time/);
    const traces = plan({ trace_ids: [trace(1)] });
    expect(traces).toMatch(/spans_by_trace_time \(project_id=\? AND trace_id=\?\)/);
    expect(traces).not.toMatch(/SCAN s\b|spans_by_start_time/);
    expect(plan({ span_ids: [spanId(1)] })).toMatch(
      /sqlite_autoindex_spans_1 \(project_id=\? AND span_id=\?\)/,
    );
    expect(plan({ metadata: [{ key: 'turn', op: 'eq', value: 1 }] })).toMatch(/span_values_by_key/);
  });

  it("reads a span's trace for its detail through the trace index, in its order, without walking start times", () => {
    const store = server.store as SqliteSpanStore;
    const plan = store.tracePlan(project, trace(1)).join('\n');
    expect(plan).toMatch(/SEARCH spans USING INDEX spans_by_trace_time \(project_id=\? AND trace_id=\?\)/);
    expect(plan).not.toMatch(/spans_by_start_time|TEMP B-TREE/);
  });
});
