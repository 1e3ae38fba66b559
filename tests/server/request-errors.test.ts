import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema, patchResponseSchema } from '@/core/api';
import { submissionDetailSchema } from '@/core/api/api-schema';
import { createKeyMatcher, parseApiKeys } from '@/server/http/auth';
import { ingestSpans, postJson, spanId, startTestServer, type TestServer, testStore } from './test-server';

let server: TestServer;
const key = 'k3y-for-tests-8d1e0c';
const auth = { Authorization: `Bearer ${key}` };
const patchUrl = () => `${server.url}/api/v1/projects/shop/spans/metadata`;

beforeAll(async () => {
  server = await startTestServer({ apiKeys: [{ name: 'ci', key }], maxBodyBytes: 4096 });
  await ingestSpans(server, 'shop', [{ spanId: spanId(1) }], auth);
});

afterAll(async () => {
  await server.stop();
});

function expectApiError(body: unknown, code: string, message: RegExp | string) {
  const parsed = apiErrorSchema.parse(body);
  expect(parsed.error.code).toBe(code);
  if (typeof message === 'string') expect(parsed.error.message).toBe(message);
  else expect(parsed.error.message).toMatch(message);
}

describe('authentication', () => {
  it('answers 401 without a key and 403 with a wrong key, on /api and /v1 routes', async () => {
    for (const path of ['/api/v1/projects', '/api/openapi.json']) {
      const missing = await fetch(`${server.url}${path}`);
      expect(missing.status).toBe(401);
      expectApiError(await missing.json(), 'unauthorized', /Authorization: Bearer/);
      const wrong = await fetch(`${server.url}${path}`, { headers: { Authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(403);
      expectApiError(await wrong.json(), 'forbidden', 'The API key is not valid for this server');
    }
    const traces = await postJson(`${server.url}/v1/traces`, { resourceSpans: [] });
    expect(traces.status).toBe(401);
    const patch = await postJson(patchUrl(), { spans: [] }, { Authorization: 'Basic abc' });
    expect(patch.status).toBe(401);
  });

  it('accepts the right key and leaves /healthz open', async () => {
    expect((await fetch(`${server.url}/api/v1/projects`, { headers: auth })).status).toBe(200);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      status: 'ok',
      store: { kind: testStore(), schema_version: expect.any(Number) as number },
    });
  });

  it('matches keys by hash, checking every key, and parses name:key lists', () => {
    const keys = parseApiKeys(' alice : a-key , bob:b:key:with:colons ,');
    expect(keys).toEqual([
      { name: 'alice', key: 'a-key', access: 'write' },
      { name: 'bob', key: 'b:key:with:colons', access: 'write' },
    ]);
    expect(parseApiKeys('viewer:v-key:read')).toEqual([{ name: 'viewer', key: 'v-key', access: 'read' }]);
    const match = createKeyMatcher(keys);
    expect(match('a-key')?.name).toBe('alice');
    expect(match('b:key:with:colons')?.name).toBe('bob');
    expect(match('a-ke')).toBeNull();
    expect(match('')).toBeNull();
    expect(() => parseApiKeys('just-a-key')).toThrow(/name:key/);
    expect(() => parseApiKeys('a:1,a:2')).toThrow(/used twice/);
  });
});

describe('request-level errors', () => {
  it('answers 400 for malformed JSON, saying what and where', async () => {
    const response = await postJson(patchUrl(), '{\n  "spans": [\n    {"span_id": "a", }\n  ]\n}', auth);
    expect(response.status).toBe(400);
    expectApiError(
      response.body,
      'malformed_json',
      /^The request body is not valid JSON: .*line 3, column \d+/,
    );
  });

  it('answers 400 for an empty body', async () => {
    const response = await postJson(patchUrl(), '', auth);
    expect(response.status).toBe(400);
    expectApiError(response.body, 'malformed_json', /empty/);
  });

  it('answers 400 for a body that does not match the schema, naming the field', async () => {
    // NOTE: a bad patch_document is that span's error (SPEC §6), so a span_id of the wrong type stands in here.
    const response = await postJson(patchUrl(), { spans: [{ span_id: 3, patch_document: {} }] }, auth);
    expect(response.status).toBe(400);
    expectApiError(
      response.body,
      'invalid_body',
      /^The request body does not match the API: spans\.0\.span_id: .*expected string/,
    );
    const notAnObject = await postJson(patchUrl(), [1, 2], auth);
    expect(notAnObject.status).toBe(400);
    expectApiError(notAnObject.body, 'invalid_body', /^The request body does not match the API: body: /);
  });

  it('takes an optional field sent as null as absent, on every route with a body', async () => {
    const spans = [{ span_id: spanId(1), patch_document: { checked: 'yes' } }];
    const withoutSubmission = await postJson(patchUrl(), { spans, submission: null }, auth);
    expect(withoutSubmission.status, JSON.stringify(withoutSubmission.body)).toBe(200);
    const unlabelled = await postJson(
      patchUrl(),
      {
        spans: [{ span_id: spanId(1), patch_document: { checked: 'twice' } }],
        submission: { id: 'null-label-1', label: null },
      },
      auth,
    );
    expect(unlabelled.status, JSON.stringify(unlabelled.body)).toBe(200);
    expect(patchResponseSchema.parse(unlabelled.body).submission_id).toBe('null-label-1');
    const submission = await fetch(`${server.url}/api/v1/submissions/null-label-1`, { headers: auth });
    expect(submissionDetailSchema.parse(await submission.json()).label).toBeNull();
    // dry_run sent as null is dry_run left out: the revert is made.
    const revert = await postJson(
      `${server.url}/api/v1/submissions/null-label-1/revert`,
      { dry_run: null },
      auth,
    );
    expect(revert.status, JSON.stringify(revert.body)).toBe(200);
    expect(patchResponseSchema.parse(revert.body)).toMatchObject({ spans_updated: 1 });
  });

  it('answers 400 naming an unknown field of a revert or a lookup, so a typo never reverts for real', async () => {
    const revert = await postJson(`${server.url}/api/v1/submissions/anything/revert`, { dry_rn: true }, auth);
    expect(revert.status).toBe(400);
    expectApiError(
      revert.body,
      'invalid_body',
      'The request body does not match the API: body: unknown field "dry_rn"',
    );
    const lookup = await postJson(
      `${server.url}/api/v1/projects/shop/spans/lookup`,
      { span_ids: [], spanIds: [spanId(1)] },
      auth,
    );
    expect(lookup.status).toBe(400);
    expectApiError(lookup.body, 'invalid_body', /body: unknown field "spanIds"$/);
  });

  it('answers 400 for a malformed Idempotency-Key', async () => {
    const response = await postJson(
      patchUrl(),
      { spans: [] },
      { ...auth, 'Idempotency-Key': 'x'.repeat(300) },
    );
    expect(response.status).toBe(400);
    expectApiError(response.body, 'invalid_idempotency_key', /1 to 255/);
  });

  it('answers 413 for a body over the limit, by Content-Length and while streaming', async () => {
    const big = JSON.stringify({ spans: [{ span_id: 'a', patch_document: { text: 'x'.repeat(8000) } }] });
    const declared = await postJson(patchUrl(), big, auth);
    expect(declared.status).toBe(413);
    expectApiError(declared.body, 'body_too_large', /larger than the limit of 4,096 bytes/);

    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 1000)
          controller.enqueue(bytes.slice(offset, offset + 1000));
        controller.close();
      },
    });
    const streamed = await fetch(patchUrl(), {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.headers.get('content-length')).not.toBe(String(bytes.length));
    expect(streamed.status).toBe(413);
    expectApiError(await streamed.json(), 'body_too_large', /4,096 bytes/);
  });

  it('answers 413 for a gzip body that inflates past the limit', async () => {
    const response = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: gzipSync(Buffer.alloc(100_000, 32)),
    });
    expect(response.status).toBe(413);
  });

  it('answers 404 as JSON for an unknown route, project or submission', async () => {
    const route = await fetch(`${server.url}/api/v1/nowhere`, { headers: auth });
    expect(route.status).toBe(404);
    expectApiError(await route.json(), 'not_found', 'No route GET /api/v1/nowhere');
    // Outside /api and /v1 a 404 is plain text (never the app's page): see probes.test.ts.
    const outside = await fetch(`${server.url}/some/page`);
    expect(outside.status).toBe(404);
    expect(outside.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await outside.text()).toBe('No route GET /some/page');

    const project = await postJson(`${server.url}/api/v1/projects/nope/spans/metadata`, { spans: [] }, auth);
    expect(project.status).toBe(404);
    expectApiError(project.body, 'project_not_found', "No project named 'nope'");
    const fields = await fetch(`${server.url}/api/v1/projects/nope/metadata/fields`, { headers: auth });
    expect(fields.status).toBe(404);
    const submission = await fetch(`${server.url}/api/v1/submissions/does-not-exist`, { headers: auth });
    expect(submission.status).toBe(404);
    expectApiError(await submission.json(), 'submission_not_found', "No submission with ID 'does-not-exist'");
  });

  it('answers 400 for more spans than a request may carry', async () => {
    const roomy = await startTestServer();
    try {
      const spans = Array.from({ length: 10_001 }, (_, i) => ({ span_id: `s${i}`, patch_document: {} }));
      const response = await postJson(`${roomy.url}/api/v1/projects/p/spans/metadata`, { spans });
      expect(response.status).toBe(400);
      expectApiError(response.body, 'invalid_body', /spans: at most 10,000 spans per request/);
    } finally {
      await roomy.stop();
    }
  });

  it('answers 400 for invalid query parameters and cursors', async () => {
    const limit = await fetch(`${server.url}/api/v1/projects/shop/spans?limit=0`, { headers: auth });
    expect(limit.status).toBe(400);
    expectApiError(await limit.json(), 'invalid_query', /^Invalid query parameter: limit: /);
    const cursor = await fetch(`${server.url}/api/v1/projects/shop/spans?cursor=garbage`, { headers: auth });
    expect(cursor.status).toBe(400);
    expectApiError(await cursor.json(), 'invalid_cursor', /not one this server returned/);
  });
});
