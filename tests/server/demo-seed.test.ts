import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoSpans, DEMO_PROJECT, demoSpanIds } from '@/server/demo/demo-spans';
import { seedDemoProject } from '@/server/demo/seed-demo';
import { openSqliteStore } from '@/server/store';
import type { SqliteSpanStore } from '@/server/store/sqlite/sqlite-store';
import { startTestServer } from './test-server';

let dir: string;
let store: SqliteSpanStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spanpatch-demo-'));
  store = openSqliteStore(join(dir, 'demo.db'));
});

afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the demo project', () => {
  it('is deterministic, so sample sheets can name its span IDs', () => {
    expect(buildDemoSpans()).toEqual(buildDemoSpans());
    // Sample sheets reference these: changing the generator breaks them.
    expect(demoSpanIds().slice(0, 4)).toEqual([
      '30330ca5ff31e5e3',
      '9cf0cbb1524821a6',
      'c3d7f29df2cbdd74',
      '2ae372b3fbbfc858',
    ]);
  });

  it('has about 5,000 unique OpenTelemetry span IDs in traces of chains, LLM calls, retrievers and tools', () => {
    const spans = buildDemoSpans();
    expect(spans).toHaveLength(5_000);
    expect(new Set(spans.map((span) => span.spanId)).size).toBe(spans.length);
    expect(
      spans.every((span) => /^[0-9a-f]{16}$/.test(span.spanId) && /^[0-9a-f]{32}$/.test(span.traceId)),
    ).toBe(true);
    expect(new Set(spans.map((span) => span.kind))).toEqual(
      new Set(['CHAIN', 'LLM', 'RETRIEVER', 'RERANKER', 'TOOL']),
    );
    const roots = spans.filter((span) => span.parentSpanId === null);
    expect(roots.every((span) => span.kind === 'CHAIN')).toBe(true);
    const rootIds = new Set(roots.map((span) => span.spanId));
    expect(spans.every((span) => span.parentSpanId === null || rootIds.has(span.parentSpanId))).toBe(true);
  });

  it('seeds metadata of each stored type, and re-seeding resets the project', async () => {
    expect(await seedDemoProject(store)).toEqual({ project: DEMO_PROJECT, spans: 5_000 });
    const fields = await store.getFields(DEMO_PROJECT);
    const types = Object.fromEntries(fields.map((field) => [field.key, field.type]));
    expect(types).toEqual({
      prompt_version: 'Utf8',
      reviewed: 'Utf8',
      reviewer_note: null,
      score: 'Float64',
      session_id: 'Utf8',
      top_k: 'Int64',
      turn: 'Int64',
      user_id: 'Utf8',
    });
    const [first] = demoSpanIds();
    await store.applyPatches({
      project: DEMO_PROJECT,
      spans: [{ spanId: first ?? '', patch: { ok: true, stored: { reviewed: 'true' } } }],
      keyName: null,
      idempotencyKey: null,
      submission: null,
    });
    await seedDemoProject(store);
    expect(await store.listProjects()).toEqual([{ name: DEMO_PROJECT, spans: 5_000 }]);
    expect(await store.listSubmissions({ project: DEMO_PROJECT, limit: 10, before: null })).toEqual({
      submissions: [],
      next: null,
    });
    const { spans } = await store.lookupSpans(DEMO_PROJECT, [first ?? '']);
    expect(spans[0]?.metadata).toEqual({ user_id: 'user_0276', session_id: 'sess_00000', turn: 2 });
  });

  it('is seeded by the server on an empty database only', async () => {
    const server = await startTestServer({ seedDemo: true });
    try {
      const response = await fetch(`${server.url}/api/v1/projects`);
      expect(await response.json()).toEqual({ projects: [{ name: 'demo', spans: 5_000 }] });
    } finally {
      await server.stop();
    }
  });
});
