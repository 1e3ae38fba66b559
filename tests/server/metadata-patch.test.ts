import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchResponseSchema } from '@/core/api';
import { lookupResponseSchema, submissionsResponseSchema } from '@/core/api/api-schema';
import {
  getJson,
  ingestSpans,
  postJson,
  spanId,
  startTestServer,
  submissionRecord,
  type TestServer,
} from './test-server';

let server: TestServer;
const auth = { Authorization: 'Bearer alice-key-0123456789' };

beforeAll(async () => {
  server = await startTestServer({ apiKeys: [{ name: 'alice', key: 'alice-key-0123456789' }] });
  await ingestSpans(
    server,
    'shop',
    [
      { spanId: spanId(1), metadata: { turn: 3, user_id: 'u-1' } },
      { spanId: spanId(2), metadata: { score: 0.5 } },
      { spanId: spanId(3) },
      { spanId: spanId(4) },
      { spanId: spanId(5), metadata: { big: 'x'.repeat(600_000) } },
      { spanId: spanId(6) },
      { spanId: spanId(7), metadata: { a: 'x', note: null } },
      { spanId: spanId(8) },
      { spanId: spanId(9) },
    ],
    auth,
  );
});

afterAll(async () => {
  await server.stop();
});

async function patch(project: string, spans: unknown[], headers: Record<string, string> = {}) {
  const response = await postJson(
    `${server.url}/api/v1/projects/${project}/spans/metadata`,
    { spans },
    {
      ...auth,
      ...headers,
    },
  );
  expect(response.status).toBe(200);
  return { ...response, body: patchResponseSchema.parse(response.body) };
}

async function lookup(project: string, ids: string[]) {
  const response = await postJson(
    `${server.url}/api/v1/projects/${project}/spans/lookup`,
    { span_ids: ids },
    auth,
  );
  expect(response.status).toBe(200);
  return lookupResponseSchema.parse(response.body);
}

async function submission(id: string) {
  return submissionRecord(server, id, auth);
}

describe('POST /api/v1/projects/{project}/spans/metadata', () => {
  it('produces each server-side error type from its real cause, in the exact response format', async () => {
    const { body } = await patch('shop', [
      { span_id: spanId(3), patch_document: '{"reviewed": true,' },
      { span_id: spanId(3), patch_document: '["not", "an", "object"]' },
      { span_id: spanId(1), patch_document: { turn: 'three' } },
      { span_id: 'ffffffffffffffff', patch_document: { reviewed: 'yes' } },
      { span_id: spanId(5), patch_document: { more: 'y'.repeat(500_000) } },
      { span_id: spanId(4), patch_document: { reviewed: 'yes', turn: 4 } },
    ]);
    expect(body).toEqual({
      spans_processed: 6,
      spans_updated: 1,
      spans_unchanged: 0,
      spans_failed: 5,
      errors: [
        {
          span_id: spanId(3),
          error_message: expect.stringMatching(
            /^\[parse_failure\] patch_document is not valid JSON: .+ line 1, column \d+/,
          ),
        },
        {
          span_id: spanId(3),
          error_message: '[patch_failure] patch_document must be a JSON object, but it is an array',
        },
        {
          span_id: spanId(1),
          error_message: "[type_conflict] Type conflict on 'turn': stored Int64, patch has Utf8",
        },
        {
          span_id: 'ffffffffffffffff',
          error_message: "[segment_not_found] No span with ID 'ffffffffffffffff' in project 'shop'",
        },
        {
          span_id: spanId(5),
          error_message: expect.stringMatching(
            /^\[druid_rejection\] The span's metadata would be 1\d{6} characters; the limit is 1000000$/,
          ),
        },
      ],
      submission_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const { spans } = await lookup('shop', [spanId(4)]);
    expect(spans[0]?.metadata).toEqual({ reviewed: 'yes', turn: 4 });
  });

  it('reports patch_failure for an invalid key and an unsafe integer', async () => {
    const { body } = await patch('shop', [
      { span_id: spanId(6), patch_document: { '': 1 } },
      { span_id: spanId(6), patch_document: '{"id": 9007199254740993}' },
    ]);
    expect(body.errors.map((error) => error.error_message)).toEqual([
      "[patch_failure] Invalid key '': the key is empty",
      expect.stringMatching(
        /^\[patch_failure\] Value of 'id' .* is an integer beyond ±\(2\^53−1\); send it as a string$/,
      ),
    ]);
  });

  it('rejects a new key past 1,000 keys in a project as druid_rejection', async () => {
    await ingestSpans(server, 'wide', [{ spanId: spanId(1) }, { spanId: spanId(2) }], auth);
    const thousandKeys = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]));
    const first = await patch('wide', [{ span_id: spanId(1), patch_document: thousandKeys }]);
    expect(first.body.spans_updated).toBe(1);
    const second = await patch('wide', [
      { span_id: spanId(2), patch_document: { k1: 5 } },
      { span_id: spanId(2), patch_document: { one_more: 'x' } },
    ]);
    expect(second.body.spans_updated).toBe(1);
    expect(second.body.errors).toEqual([
      {
        span_id: spanId(2),
        error_message:
          '[druid_rejection] The project would have 1001 distinct metadata keys; the limit is 1000',
      },
    ]);
  });

  it('applies each span atomically: one bad key changes nothing on that span, and other spans still apply', async () => {
    const { body } = await patch('shop', [
      { span_id: spanId(8), patch_document: { fresh_key: 'kept?', turn: 'not a number' } },
      { span_id: spanId(9), patch_document: { fresh_key: 'applied' } },
    ]);
    expect(body.spans_updated).toBe(1);
    expect(body.errors).toEqual([
      {
        span_id: spanId(8),
        error_message: "[type_conflict] Type conflict on 'turn': stored Int64, patch has Utf8",
      },
    ]);
    const { spans } = await lookup('shop', [spanId(8), spanId(9)]);
    expect(spans.find((span) => span.span_id === spanId(8))?.metadata).toEqual({});
    expect(spans.find((span) => span.span_id === spanId(8))?.updated_at).toBeNull();
    expect(spans.find((span) => span.span_id === spanId(9))?.metadata).toEqual({ fresh_key: 'applied' });
    const detail = await submission(body.submission_id);
    expect(detail.changes.map((change) => change.span_id)).toEqual([spanId(9)]);
  });

  it('widens Int64 into a Float64 key and sets a key type by its first non-null value', async () => {
    const { body } = await patch('shop', [
      { span_id: spanId(2), patch_document: { score: 2, first_null: null } },
      { span_id: spanId(3), patch_document: { first_null: 'text' } },
      { span_id: spanId(4), patch_document: { first_null: 7 } },
    ]);
    expect(body.errors).toEqual([
      {
        span_id: spanId(4),
        error_message: "[type_conflict] Type conflict on 'first_null': stored Utf8, patch has Int64",
      },
    ]);
    const fields = await getJson(`${server.url}/api/v1/projects/shop/metadata/fields`, auth);
    expect(fields.body).toMatchObject({
      fields: expect.arrayContaining([
        { key: 'score', type: 'Float64', spans: 1 },
        { key: 'first_null', type: 'Utf8', spans: 2 },
      ]),
    });
  });

  it('answers a repeat with the same Idempotency-Key with the first response, applying and recording once', async () => {
    const headers = { 'Idempotency-Key': 'retry-me-7f3a' };
    const first = await patch(
      'shop',
      [{ span_id: spanId(6), patch_document: { attempt: 'first' } }],
      headers,
    );
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    // NOTE: the same body; the same key with another body is a 422 (tests/server/security.test.ts).
    const again = await patch(
      'shop',
      [{ span_id: spanId(6), patch_document: { attempt: 'first' } }],
      headers,
    );
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    const { spans } = await lookup('shop', [spanId(6)]);
    expect(spans[0]?.metadata).toEqual({ attempt: 'first' });
    const list = submissionsResponseSchema.parse(
      (await getJson(`${server.url}/api/v1/submissions?project=shop&limit=1000`, auth)).body,
    );
    expect(list.submissions.filter((item) => item.id === first.body.submission_id)).toHaveLength(1);
    const withAttempt = await Promise.all(list.submissions.map((item) => submission(item.id)));
    const attemptChanges = withAttempt.flatMap((detail) =>
      detail.changes.filter((change) => change.key === 'attempt'),
    );
    expect(attemptChanges).toEqual([
      {
        span_id: spanId(6),
        key: 'attempt',
        existed_before: false,
        before: null,
        after: 'first',
        removed: false,
      },
    ]);
  });

  it('scopes an Idempotency-Key to its project', async () => {
    await ingestSpans(server, 'other', [{ spanId: spanId(6) }], auth);
    const headers = { 'Idempotency-Key': 'shared-key' };
    const shop = await patch('shop', [{ span_id: spanId(6), patch_document: { scope: 'shop' } }], headers);
    const other = await patch('other', [{ span_id: spanId(6), patch_document: { scope: 'other' } }], headers);
    expect(other.body.submission_id).not.toBe(shop.body.submission_id);
    expect((await lookup('other', [spanId(6)])).spans[0]?.metadata).toEqual({ scope: 'other' });
  });

  it("records every change with each key's value before and after, including keys that did not exist", async () => {
    const first = await patch('shop', [
      { span_id: spanId(7), patch_document: { a: 'y', b: 2, c: null, note: 'now set', same: 1 } },
    ]);
    const second = await patch('shop', [{ span_id: spanId(7), patch_document: { c: 'z', a: 'y', same: 1 } }]);
    const firstDetail = await submission(first.body.submission_id);
    expect(firstDetail).toMatchObject({
      id: first.body.submission_id,
      project: 'shop',
      key_name: 'alice',
      spans_processed: 1,
      spans_updated: 1,
      spans_failed: 0,
      errors: [],
    });
    expect(Date.parse(firstDetail.created_at)).not.toBeNaN();
    expect(firstDetail.changes).toEqual([
      { span_id: spanId(7), key: 'a', existed_before: true, before: 'x', after: 'y', removed: false },
      { span_id: spanId(7), key: 'b', existed_before: false, before: null, after: 2, removed: false },
      { span_id: spanId(7), key: 'c', existed_before: false, before: null, after: null, removed: false },
      {
        span_id: spanId(7),
        key: 'note',
        existed_before: true,
        before: null,
        after: 'now set',
        removed: false,
      },
      { span_id: spanId(7), key: 'same', existed_before: false, before: null, after: 1, removed: false },
    ]);
    // Only what changed is recorded: 'a' and 'same' keep their values.
    expect((await submission(second.body.submission_id)).changes).toEqual([
      { span_id: spanId(7), key: 'c', existed_before: true, before: null, after: 'z', removed: false },
    ]);
    const { spans } = await lookup('shop', [spanId(7)]);
    expect(spans[0]?.metadata).toEqual({ a: 'y', note: 'now set', b: 2, c: 'z', same: 1 });
    expect(spans[0]?.updated_at).toEqual(expect.any(String));
  });

  it('keeps text that looks numeric as text in the history', async () => {
    const { body } = await patch('shop', [
      { span_id: spanId(9), patch_document: { zip: '007', ratio: 0.25 } },
    ]);
    expect((await submission(body.submission_id)).changes).toEqual([
      { span_id: spanId(9), key: 'zip', existed_before: false, before: null, after: '007', removed: false },
      { span_id: spanId(9), key: 'ratio', existed_before: false, before: null, after: 0.25, removed: false },
    ]);
  });

  it('lists failures of a submission in its detail', async () => {
    const { body } = await patch('shop', [{ span_id: 'missing-span', patch_document: { a: 1 } }]);
    const detail = await submission(body.submission_id);
    expect(detail.errors).toEqual(body.errors);
    expect(detail.changes).toEqual([]);
  });
});

describe("hostile patch input: each problem is the span's own [patch_failure], never a 500", () => {
  const metadataUrl = (project: string) => `${server.url}/api/v1/projects/${project}/spans/metadata`;

  /** Posts a request body written by hand (to send what JSON.stringify cannot, such as an own __proto__). */
  async function patchRaw(project: string, body: string) {
    const response = await postJson(metadataUrl(project), body, auth);
    expect(response.status).toBe(200);
    return patchResponseSchema.parse(response.body);
  }

  const span = (id: string, document: string) =>
    `{"span_id":${JSON.stringify(id)},"patch_document":${document}}`;

  it('refuses a patch_document nested 100,000 levels deep, as an object and as a JSON text', async () => {
    await ingestSpans(server, 'deep', [{ spanId: spanId(1) }, { spanId: spanId(2) }], auth);
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const body = await patchRaw(
      'deep',
      `{"spans":[${span(spanId(1), deep)},${span(spanId(1), JSON.stringify(deep))},${span(spanId(2), '{"ok":"yes"}')}]}`,
    );
    const message = '[patch_failure] patch_document nests more than 1,000 levels deep; the limit is 10';
    expect(body).toMatchObject({
      spans_processed: 3,
      spans_updated: 1,
      spans_failed: 2,
      errors: [
        { span_id: spanId(1), error_message: message },
        { span_id: spanId(1), error_message: message },
      ],
    });
    const { spans } = await lookup('deep', [spanId(1), spanId(2)]);
    expect(spans.map((item) => item.metadata)).toEqual([{}, { ok: 'yes' }]);
  });

  it('refuses a patch_document that is not an object, or missing, per span; the other span applies', async () => {
    await ingestSpans(server, 'kinds', [{ spanId: spanId(1) }, { spanId: spanId(2) }], auth);
    const body = await patchRaw(
      'kinds',
      `{"spans":[${['5', '[1,2]', 'null', 'true'].map((document) => span(spanId(1), document)).join(',')},` +
        `{"span_id":"${spanId(1)}"},${span(spanId(2), '{"ok":"yes"}')}]}`,
    );
    const notAnObject = (kind: string) =>
      `[patch_failure] patch_document must be a JSON object, but it is ${kind}`;
    expect(body).toMatchObject({ spans_processed: 6, spans_updated: 1, spans_failed: 5 });
    expect(body.errors).toEqual(
      [
        notAnObject('a number'),
        notAnObject('an array'),
        notAnObject('null'),
        notAnObject('a boolean'),
        '[patch_failure] patch_document is missing; send a JSON object of metadata keys',
      ].map((error_message) => ({ span_id: spanId(1), error_message })),
    );
    const { spans } = await lookup('kinds', [spanId(1), spanId(2)]);
    expect(spans.map((item) => item.metadata)).toEqual([{}, { ok: 'yes' }]);
  });

  it('refuses a key of only spaces or holding a control character, which could never be found again', async () => {
    await ingestSpans(server, 'unsearchable', [{ spanId: spanId(1) }, { spanId: spanId(2) }], auth);
    const body = await patchRaw(
      'unsearchable',
      `{"spans":[${['{" ":"v"}', '{"a\\u0000b":"v","fine":"f"}', '{"tab\\tkey":1}', '{"del\u007f":1}']
        .map((document) => span(spanId(1), document))
        .join(',')},${span(spanId(2), '{"fine":"applied"}')}]}`,
    );
    expect(body).toMatchObject({ spans_processed: 5, spans_updated: 1, spans_failed: 4 });
    expect(body.errors.map((error) => error.error_message)).toEqual([
      "[patch_failure] Invalid key ' ': the key is only whitespace",
      "[patch_failure] Invalid key 'a\\u0000b': the key holds a control character (U+0000)",
      "[patch_failure] Invalid key 'tab\\u0009key': the key holds a control character (U+0009)",
      "[patch_failure] Invalid key 'del\\u007f': the key holds a control character (U+007F)",
    ]);
    const { spans } = await lookup('unsearchable', [spanId(1), spanId(2)]);
    expect(spans.map((item) => item.metadata)).toEqual([{}, { fine: 'applied' }]);
  });

  it('refuses a reserved key such as __proto__ instead of dropping it, and applies none of that span', async () => {
    await ingestSpans(server, 'proto', [{ spanId: spanId(1) }, { spanId: spanId(2) }], auth);
    const body = await patchRaw(
      'proto',
      `{"spans":[${[
        '{"__proto__":"v","fine":"f"}',
        '{"__proto__":{}}',
        '"{\\"__proto__\\":1}"',
        '{"constructor":"c","fine":"f"}',
        '{"prototype":"p"}',
      ]
        .map((document) => span(spanId(1), document))
        .join(',')},${span(spanId(2), '{"fine":"applied"}')}]}`,
    );
    expect(body).toMatchObject({ spans_processed: 6, spans_updated: 1, spans_failed: 5 });
    expect(body.errors.map((error) => error.error_message)).toEqual([
      "[patch_failure] Invalid key '__proto__': the key is reserved",
      "[patch_failure] Invalid key '__proto__': the key is reserved",
      "[patch_failure] Invalid key '__proto__': the key is reserved",
      "[patch_failure] Invalid key 'constructor': the key is reserved",
      "[patch_failure] Invalid key 'prototype': the key is reserved",
    ]);
    const { spans } = await lookup('proto', [spanId(1), spanId(2)]);
    expect(spans.map((item) => item.metadata)).toEqual([{}, { fine: 'applied' }]);
    const fields = await getJson(`${server.url}/api/v1/projects/proto/metadata/fields`, auth);
    expect(fields.body).toEqual({ fields: [{ key: 'fine', type: 'Utf8', spans: 1 }] });
  });

  it('refuses a span_id over 256 characters without repeating it in the message', async () => {
    await ingestSpans(server, 'long-ids', [{ spanId: spanId(1) }], auth);
    const longId = 'e'.repeat(2_000_000);
    const response = await fetch(metadataUrl('long-ids'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...auth },
      body: JSON.stringify({
        spans: [
          { span_id: longId, patch_document: { a: 1 } },
          { span_id: 'f'.repeat(256), patch_document: { a: 1 } },
          { span_id: spanId(1), patch_document: { a: 2 } },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.length).toBeLessThan(2_100_000);
    const body = patchResponseSchema.parse(JSON.parse(text));
    expect(body).toMatchObject({ spans_processed: 3, spans_updated: 1, spans_failed: 2 });
    expect(body.errors[0]).toEqual({
      span_id: longId,
      error_message: '[patch_failure] span_id is longer than 256 characters (it has 2,000,000)',
    });
    expect(body.errors[1]?.error_message).toMatch(/^\[segment_not_found\] /);
    expect((await lookup('long-ids', [spanId(1)])).spans[0]?.metadata).toEqual({ a: 2 });
  });
});
