import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema, patchResponseSchema } from '@/core/api';
import { lookupResponseSchema } from '@/core/api/api-schema';
import { getJson, ingestSpans, postJson, spanId, startTestServer, type TestServer } from './test-server';

/**
 * What a key may do, as the server tells it (`GET /api/v1/me`), and what a read-only key may do on a revert: its
 * dry run writes nothing, so a read-only key may ask for one; the revert itself stays a write.
 */

const writer = { Authorization: 'Bearer writer-key-me' };
const reader = { Authorization: 'Bearer reader-key-me' };

async function labelOf(server: TestServer, id: string): Promise<unknown> {
  const lookup = await postJson(
    `${server.url}/api/v1/projects/shop/spans/lookup`,
    { span_ids: [id] },
    writer,
  );
  return lookupResponseSchema.parse(lookup.body).spans[0]?.metadata.label;
}

describe('a server with a read-and-write key and a read-only key', () => {
  let server: TestServer;
  let submissionId: string;

  beforeAll(async () => {
    server = await startTestServer({
      apiKeys: [
        { name: 'writer', key: 'writer-key-me' },
        { name: 'ci', key: 'reader-key-me', access: 'read' },
      ],
    });
    await ingestSpans(server, 'shop', [{ spanId: spanId(1), metadata: { label: 'before' } }], writer);
    const patch = await postJson(
      `${server.url}/api/v1/projects/shop/spans/metadata`,
      { spans: [{ span_id: spanId(1), patch_document: { label: 'after' } }] },
      writer,
    );
    expect(patch.status).toBe(200);
    submissionId = patchResponseSchema.parse(patch.body).submission_id;
  });
  afterAll(() => server.stop());

  it('tells a read-only key it is a viewer, and a read-and-write key an editor (GET /api/v1/me)', async () => {
    const asReader = await getJson(`${server.url}/api/v1/me`, reader);
    expect(asReader).toEqual({
      status: 200,
      body: { name: 'ci', email: null, role: 'viewer', via: 'key' },
    });
    const asWriter = await getJson(`${server.url}/api/v1/me`, writer);
    expect(asWriter).toEqual({
      status: 200,
      body: { name: 'writer', email: null, role: 'editor', via: 'key' },
    });
  });

  it('answers /me only with a key: 401 without one, 403 with a wrong one', async () => {
    const none = await getJson(`${server.url}/api/v1/me`);
    expect(none.status).toBe(401);
    expect(apiErrorSchema.parse(none.body).error.code).toBe('unauthorized');
    const wrong = await getJson(`${server.url}/api/v1/me`, { Authorization: 'Bearer not-a-key' });
    expect(wrong.status).toBe(403);
  });

  it("lets a read-only key ask for a revert's dry run, which writes nothing", async () => {
    const dryRun = await postJson(
      `${server.url}/api/v1/submissions/${submissionId}/revert`,
      { dry_run: true },
      reader,
    );
    expect(dryRun.status).toBe(200);
    expect(patchResponseSchema.parse(dryRun.body)).toMatchObject({
      spans_processed: 1,
      spans_updated: 1,
      spans_failed: 0,
      submission_id: '',
    });
    expect(await labelOf(server, spanId(1))).toBe('after');
    const record = await getJson(`${server.url}/api/v1/submissions/${submissionId}`, reader);
    expect(record.body).toMatchObject({ reverted_by: null });
  });

  it('refuses a read-only key the revert itself (403 read_only_key), with or without dry_run: false', async () => {
    for (const body of [{}, { dry_run: false }, { dry_run: null }]) {
      const revert = await postJson(`${server.url}/api/v1/submissions/${submissionId}/revert`, body, reader);
      expect(revert.status, JSON.stringify(body)).toBe(403);
      const { error } = apiErrorSchema.parse(revert.body);
      expect(error.code).toBe('read_only_key');
      expect(error.message).toMatch(/'ci' is read-only/);
    }
    expect(await labelOf(server, spanId(1))).toBe('after');
    const record = await getJson(`${server.url}/api/v1/submissions/${submissionId}`, reader);
    expect(record.body).toMatchObject({ reverted_by: null });
  });

  it('checks the body of a dry run before anything else: an unknown field is a 400 naming it', async () => {
    const typo = await postJson(
      `${server.url}/api/v1/submissions/${submissionId}/revert`,
      { dryrun: true },
      reader,
    );
    expect(typo.status).toBe(400);
    expect(apiErrorSchema.parse(typo.body).error.message).toContain('"dryrun"');
  });
});

describe('a server without API keys', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('tells anyone they may write: an editor, via no key (GET /api/v1/me)', async () => {
    expect(await getJson(`${server.url}/api/v1/me`)).toEqual({
      status: 200,
      body: { name: null, email: null, role: 'editor', via: 'none' },
    });
  });
});
