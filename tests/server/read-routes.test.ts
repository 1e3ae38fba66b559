import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lookupResponseSchema,
  projectsResponseSchema,
  spansPageSchema,
  submissionsResponseSchema,
} from '@/core/api/api-schema';
import { getJson, ingestSpans, postJson, spanId, startTestServer, type TestServer } from './test-server';

let server: TestServer;
const spanCount = 25;

beforeAll(async () => {
  server = await startTestServer({ corsOrigins: ['http://localhost:5173'] });
  const spans = Array.from({ length: spanCount }, (_, i) => ({
    spanId: spanId(i + 1),
    name: i % 5 === 0 ? `retrieve_documents ${i}` : `chat gpt-4o ${i}`,
    kind: i % 5 === 0 ? 'RETRIEVER' : 'LLM',
    // Pairs of spans share a start time, so paging must order by span ID too.
    startTimeUnixNano: String(1_746_432_000_000_000_000n + BigInt(Math.floor(i / 2)) * 1_000_000_000n),
    metadata: i < 3 ? { turn: i } : undefined,
  }));
  await ingestSpans(server, 'browse', spans);
  await ingestSpans(server, 'another', [{ spanId: spanId(1) }]);
});

afterAll(async () => {
  await server.stop();
});

describe('read routes', () => {
  it('lists projects with span counts', async () => {
    const { status, body } = await getJson(`${server.url}/api/v1/projects`);
    expect(status).toBe(200);
    expect(projectsResponseSchema.parse(body).projects).toEqual([
      { name: 'another', spans: 1, target: { kind: 'local' } },
      { name: 'browse', spans: spanCount, target: { kind: 'local' } },
    ]);
  });

  it('looks up spans by ID, listing the missing ones once', async () => {
    const response = await postJson(`${server.url}/api/v1/projects/browse/spans/lookup`, {
      span_ids: [spanId(2), 'nope', spanId(1), 'nope'],
    });
    expect(response.status).toBe(200);
    expect(lookupResponseSchema.parse(response.body)).toEqual({
      spans: [
        { span_id: spanId(2), metadata: { turn: 1 }, updated_at: null },
        { span_id: spanId(1), metadata: { turn: 0 }, updated_at: null },
      ],
      missing: ['nope'],
    });
  });

  it('pages through all spans, newest first, with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page = spansPageSchema.parse(
        (await getJson(`${server.url}/api/v1/projects/browse/spans?limit=7${query}`)).body,
      );
      seen.push(...page.spans.map((span) => span.span_id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(spanCount);
    expect(seen[0]).toBe(spanId(25));
    const first = spansPageSchema.parse(
      (await getJson(`${server.url}/api/v1/projects/browse/spans?limit=1`)).body,
    );
    expect(first.spans[0]).toEqual({
      span_id: spanId(25),
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      parent_span_id: null,
      name: 'chat gpt-4o 24',
      kind: 'LLM',
      start_time: '2025-05-05T08:00:12.000Z',
      metadata: {},
      input_preview: null,
    });
  });

  it('searches by span ID prefix and by name', async () => {
    const byId = spansPageSchema.parse(
      (await getJson(`${server.url}/api/v1/projects/browse/spans?q=${spanId(17).slice(0, 15)}`)).body,
    );
    // 0x10 to 0x19 share the first 15 hex characters.
    const expected = Array.from({ length: 10 }, (_, i) => spanId(16 + i));
    expect(byId.spans.map((span) => span.span_id).sort()).toEqual(expected);
    const byName = spansPageSchema.parse(
      (await getJson(`${server.url}/api/v1/projects/browse/spans?q=RETRIEVE`)).body,
    );
    expect(byName.spans).toHaveLength(5);
    expect(byName.spans.every((span) => span.kind === 'RETRIEVER')).toBe(true);
    const literal = spansPageSchema.parse(
      (await getJson(`${server.url}/api/v1/projects/browse/spans?q=%25`)).body,
    );
    expect(literal.spans).toEqual([]);
  });

  it('lists submissions newest first, filtered by project', async () => {
    const patchUrl = (project: string) => `${server.url}/api/v1/projects/${project}/spans/metadata`;
    const a = await postJson(patchUrl('browse'), {
      spans: [{ span_id: spanId(1), patch_document: { x: 'a' } }],
    });
    const b = await postJson(patchUrl('another'), {
      spans: [{ span_id: spanId(1), patch_document: { x: 'b' } }],
    });
    const c = await postJson(patchUrl('browse'), {
      spans: [{ span_id: spanId(2), patch_document: { x: 'c' } }],
    });
    const idOf = (response: { body: unknown }) => (response.body as { submission_id: string }).submission_id;
    const all = submissionsResponseSchema.parse((await getJson(`${server.url}/api/v1/submissions`)).body);
    expect(all.submissions.map((item) => item.id)).toEqual([idOf(c), idOf(b), idOf(a)]);
    const browse = submissionsResponseSchema.parse(
      (await getJson(`${server.url}/api/v1/submissions?project=browse&limit=1`)).body,
    );
    expect(browse.submissions).toEqual([
      {
        id: idOf(c),
        project: 'browse',
        kind: 'patch',
        label: null,
        reverts: null,
        reverted_by: null,
        created_at: expect.any(String),
        finished_at: expect.any(String),
        key_name: null,
        batches: 1,
        spans_processed: 1,
        spans_updated: 1,
        spans_unchanged: 0,
        spans_failed: 0,
      },
    ]);
    expect(browse.next_cursor).toEqual(expect.any(String));
    const next = submissionsResponseSchema.parse(
      (await getJson(`${server.url}/api/v1/submissions?project=browse&limit=1&cursor=${browse.next_cursor}`))
        .body,
    );
    expect(next.submissions.map((item) => item.id)).toEqual([idOf(a)]);
    expect((await getJson(`${server.url}/api/v1/submissions?project=missing`)).status).toBe(404);
  });

  it('serves an OpenAPI document generated from the shared schemas', async () => {
    const { status, body } = await getJson(`${server.url}/api/openapi.json`);
    expect(status).toBe(200);
    const document = body as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/projects/{project}/spans/metadata',
        '/api/v1/projects/{project}/spans/lookup',
        '/api/v1/submissions/{id}',
        '/v1/traces',
      ]),
    );
    expect(document.components.schemas.PatchResponse).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['spans_processed', 'errors', 'submission_id']),
    });
    expect(document.components.schemas.PatchRequest).toMatchObject({
      properties: { spans: { type: 'array', maxItems: 10_000 } },
    });
  });

  it('answers a CORS preflight from an allowed origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/api/v1/projects/browse/spans/metadata`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key',
        },
      });
    const allowed = await preflight('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('serving the UI', () => {
  it('serves files from the static directory, index.html for app routes, and never a file outside it', async () => {
    const probe = await startTestServer();
    const uiDir = join(probe.dir, 'ui');
    await probe.stop();
    await mkdir(join(uiDir, 'assets'), { recursive: true });
    await writeFile(join(uiDir, 'index.html'), '<!doctype html><title>Spanpatch</title>');
    await writeFile(join(uiDir, 'assets', 'app.js'), 'console.log(1)');
    const ui = await startTestServer({ staticDir: uiDir });
    try {
      const index = await fetch(`${ui.url}/`);
      expect(index.headers.get('content-type')).toMatch(/text\/html/);
      expect(await index.text()).toContain('<title>Spanpatch</title>');
      const asset = await fetch(`${ui.url}/assets/app.js`);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect(asset.headers.get('cache-control')).toMatch(/immutable/);
      const route = await fetch(`${ui.url}/results/some-submission`);
      expect(await route.text()).toContain('<title>Spanpatch</title>');
      const escape = await fetch(`${ui.url}/..%2F..%2Fetc%2Fpasswd`);
      expect(await escape.text()).not.toContain('root:');
      const staleAsset = await fetch(`${ui.url}/assets/old-build.js`);
      expect(staleAsset.status).toBe(404);
      const api = await fetch(`${ui.url}/api/v1/unknown`);
      expect(api.status).toBe(404);
      expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
    } finally {
      await ui.stop();
    }
  });
});
