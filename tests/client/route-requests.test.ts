import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiRequestError,
  getFields,
  getSubmission,
  listProjects,
  listSpans,
  listSubmissionChanges,
  listSubmissionErrors,
  listSubmissions,
  logMetadata,
  lookupSpans,
  querySpanIds,
  querySpans,
  revertSubmission,
  testConnection,
  whoAmI,
} from '@/client';
import type { StoredPatch } from '@/core/patch';
import { ingestSpans, spanId, startTestServer, type TestServer } from '../server/test-server';

let server: TestServer;
const apiKey = 'helpers-key-51c0';
let options: { baseUrl: string; apiKey: string };

beforeAll(async () => {
  server = await startTestServer({ apiKeys: [{ name: 'ui', key: apiKey }] });
  options = { baseUrl: `${server.url}/`, apiKey };
  await ingestSpans(
    server,
    'helpers',
    Array.from({ length: 12 }, (_, i) => ({
      spanId: spanId(i + 1),
      metadata: i === 0 ? { turn: 1 } : undefined,
    })),
    { Authorization: `Bearer ${apiKey}` },
  );
});

afterAll(async () => {
  await server.stop();
});

describe('client helpers against a real server', () => {
  it('lists projects, fields and spans, validated with the shared schemas', async () => {
    expect(await listProjects(options)).toEqual({ projects: [{ name: 'helpers', spans: 12 }] });
    expect(await getFields('helpers', options)).toEqual({
      fields: [{ key: 'turn', type: 'Int64', spans: 1 }],
    });
    const page = await listSpans('helpers', { limit: 5 }, options);
    expect(page.spans).toHaveLength(5);
    const next = await listSpans('helpers', { limit: 10, cursor: page.next_cursor }, options);
    expect(next.spans).toHaveLength(7);
    expect(next.next_cursor).toBeNull();
    expect(
      (await listSpans('helpers', { q: spanId(12) }, options)).spans.map((span) => span.span_id),
    ).toEqual([spanId(12)]);
  });

  it('finds spans, or their IDs alone, each answer in its one shape, paging with the cursor it was given', async () => {
    const first = await querySpans(
      'helpers',
      { filter: { text: null }, limit: 5, count: true, cursor: null },
      options,
    );
    expect(first.spans).toHaveLength(5);
    expect(first).not.toHaveProperty('span_ids');
    expect(first.total).toBe(12);
    const ids = await querySpanIds('helpers', { filter: {}, limit: 100_000, cursor: null }, options);
    expect(ids).toEqual({
      span_ids: Array.from({ length: 12 }, (_, i) => spanId(12 - i)),
      next_cursor: null,
    });
    const rest = await querySpanIds('helpers', { limit: 10, cursor: first.next_cursor }, options);
    expect(rest.span_ids).toEqual(ids.span_ids.slice(5));
  });

  it('refuses a query answer of the other shape as an answer that breaks the contract', async () => {
    const answering =
      (body: unknown): typeof fetch =>
      async () =>
        new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
    const spansInstead = querySpanIds('p', {}, { fetch: answering({ spans: [], next_cursor: null }) });
    await expect(spansInstead).rejects.toMatchObject({ code: 'invalid_response', kind: 'invalid_answer' });
    await expect(spansInstead).rejects.toThrow(/lists spans where span IDs were asked for/);
    const idsInstead = querySpans('p', {}, { fetch: answering({ span_ids: [], next_cursor: null }) });
    await expect(idsInstead).rejects.toThrow(/lists span IDs where spans were asked for/);
  });

  it('looks up more span IDs than one request carries', async () => {
    const ids = [spanId(1), ...Array.from({ length: 10_500 }, (_, i) => `missing-${i}`), spanId(2)];
    const result = await lookupSpans('helpers', ids, options);
    expect(result.spans.map((span) => span.span_id)).toEqual([spanId(1), spanId(2)]);
    expect(result.missing).toHaveLength(10_500);
    expect(await lookupSpans('helpers', [], options)).toEqual({ spans: [], missing: [] });
  });

  it('submits with logMetadata and reads the submission back', async () => {
    const result = await logMetadata(
      'helpers',
      [
        { span_id: spanId(3), patch_document: { label: 'good' } },
        // The wire also takes JSON text, which the client never makes: handed over as it is, to reach the server.
        { span_id: spanId(4), patch_document: '{"turn": "x"}' as unknown as StoredPatch },
      ],
      options,
    );
    expect(result).toMatchObject({ spans_processed: 2, spans_updated: 1, spans_failed: 1, not_sent: [] });
    const { submissions, next_cursor } = await listSubmissions({ project: 'helpers' }, options);
    expect(next_cursor).toBeNull();
    expect(submissions[0]).toMatchObject({ id: result.submission_id, key_name: 'ui', spans_updated: 1 });
    const detail = await getSubmission(result.submission_id, options);
    expect(detail).toMatchObject({ id: result.submission_id, kind: 'patch', batches: 1, spans_failed: 1 });
    const changes = await listSubmissionChanges(result.submission_id, {}, options);
    expect(changes).toEqual({
      changes: [
        {
          span_id: spanId(3),
          key: 'label',
          existed_before: false,
          before: null,
          after: 'good',
          removed: false,
        },
      ],
      total: 1,
      next_cursor: null,
    });
    const errors = await listSubmissionErrors(result.submission_id, {}, options);
    expect(errors.errors).toEqual(result.errors);

    const dryRun = await revertSubmission(result.submission_id, { dryRun: true }, options);
    expect(dryRun).toMatchObject({
      spans_processed: 1,
      spans_updated: 1,
      spans_failed: 0,
      submission_id: '',
    });
    const revert = await revertSubmission(result.submission_id, {}, options);
    expect(revert.submission_id).not.toBe('');
    expect(await getSubmission(result.submission_id, options)).toMatchObject({
      reverted_by: revert.submission_id,
    });
    const { spans } = await lookupSpans('helpers', [spanId(3)], options);
    expect(spans[0]?.metadata).toEqual({});
  });

  it('throws ApiRequestError with the server code and message', async () => {
    const error = await getSubmission('nope', options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({
      status: 404,
      code: 'submission_not_found',
      message: "No submission with ID 'nope'",
    });
  });

  it('tests the connection: ok, unauthorized, forbidden, unreachable', async () => {
    expect(await testConnection(options)).toEqual({
      ok: true,
      projects: [{ name: 'helpers', spans: 12 }],
      identity: { name: 'ui', email: null, role: 'editor', via: 'key' },
    });
    expect(await testConnection({ baseUrl: server.url })).toMatchObject({
      ok: false,
      reason: 'unauthorized',
    });
    expect(await testConnection({ baseUrl: server.url, apiKey: 'wrong' })).toMatchObject({
      ok: false,
      reason: 'forbidden',
      message: 'The API key is not valid for this server',
    });
    const closed = await startTestServer();
    await closed.stop();
    expect(await testConnection({ baseUrl: closed.url })).toMatchObject({
      ok: false,
      reason: 'unreachable',
      message: expect.stringMatching(/^Could not reach the server: fetch failed: .*ECONNREFUSED/),
    });
  });

  it('asks who the key is (GET /api/v1/me), and takes a server without the route as not saying', async () => {
    expect(await whoAmI(options)).toEqual({ name: 'ui', email: null, role: 'editor', via: 'key' });
    const older = (async () =>
      Response.json(
        { error: { code: 'not_found', message: 'No route GET /api/v1/me' } },
        { status: 404 },
      )) as typeof fetch;
    expect(await whoAmI({ ...options, fetch: older })).toBeNull();
    await expect(whoAmI({ baseUrl: server.url })).rejects.toMatchObject({ status: 401 });
  });
});
