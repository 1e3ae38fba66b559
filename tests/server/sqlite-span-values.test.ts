import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchResponseSchema } from '@/core/api';
import { spansFoundSchema } from '@/core/api/api-schema';
import { ingestSpans, postJson, spanId, startTestServer, type TestServer } from './test-server';

// The table behind metadata queries on SQLite (`span_values`, one row per span and key): after every kind of
// write it holds exactly the keys and values of each span's metadata, as SQLite's JSON reader reads them.
let server: TestServer;
const project = 'values';
const patchUrl = () => `${server.url}/api/v1/projects/${project}/spans/metadata`;

interface ValueRow {
  span_id: string;
  key: string;
  value: unknown;
  type: string;
}

/** Reads the database file as it is now, on a connection of its own. */
function readRows(sql: string): ValueRow[] {
  const db = new Database(server.dbPath, { readonly: true });
  try {
    return db.prepare<[], ValueRow>(sql).all();
  } finally {
    db.close();
  }
}

/** The rows of span_values, and the rows the spans' metadata says it should hold. */
function valueRows(): { stored: ValueRow[]; expected: ValueRow[] } {
  const order = 'ORDER BY span_id, key';
  return {
    stored: readRows(
      `SELECT s.span_id, v.key, v.value, typeof(v.value) AS type
       FROM span_values v JOIN spans s ON s.id = v.span_rowid ${order}`,
    ),
    expected: readRows(
      `SELECT s.span_id, j.key, j.value, typeof(j.value) AS type FROM spans s, json_each(s.metadata) j ${order}`,
    ),
  };
}

async function patch(spans: { span_id: string; patch_document: unknown }[], submission?: string) {
  const answer = await postJson(patchUrl(), {
    spans,
    ...(submission === undefined ? {} : { submission: { id: submission } }),
  });
  expect(answer.status).toBe(200);
  return patchResponseSchema.parse(answer.body);
}

async function matching(filter: unknown): Promise<string[]> {
  const answer = await postJson(`${server.url}/api/v1/projects/${project}/spans/query`, {
    filter: { metadata: [filter] },
    limit: 100,
  });
  expect(answer.status).toBe(200);
  return spansFoundSchema
    .parse(answer.body)
    .spans.map((span) => span.span_id)
    .sort();
}

beforeAll(async () => {
  server = await startTestServer();
  const many = Object.fromEntries(
    Array.from({ length: 22 }, (_, key) => [
      `k${String(key).padStart(2, '0')}`,
      key % 2 === 0 ? `v${key}` : key,
    ]),
  );
  await ingestSpans(server, project, [
    { spanId: spanId(1), metadata: { tier: 'free', score: 3, ratio: 0.5, code: '007' } },
    { spanId: spanId(2), metadata: many },
    { spanId: spanId(3), metadata: { tier: 'pro', gone: null } },
    { spanId: spanId(4) },
  ]);
});

afterAll(() => server.stop());

describe('span_values after updates (SQLite)', () => {
  it('holds exactly the keys and values of the metadata after changes, new keys, nulls and a revert', async () => {
    expect(valueRows().stored).toEqual(valueRows().expected);

    const submitted = await patch(
      [
        // Changed, added, nulled, set to what it was already, and a number that replaces text.
        {
          span_id: spanId(1),
          patch_document: { tier: 'pro', added: 1.25, score: null, code: '007', ratio: 7 },
        },
        { span_id: spanId(2), patch_document: { k00: 'changed', k01: 202, extra: 'new' } },
        { span_id: spanId(3), patch_document: { gone: 'back', tier: 'pro' } },
        { span_id: spanId(4), patch_document: { first: '{"a":1}', flag: 'true' } },
        // The same span twice in one batch: the second write builds on the first.
        { span_id: spanId(4), patch_document: { first: 'second', n: 0 } },
      ],
      'values-1',
    );
    expect(submitted).toMatchObject({ spans_updated: 5, spans_failed: 0 });
    const after = valueRows();
    expect(after.stored).toEqual(after.expected);
    const row = (span: number, key: string) =>
      after.stored.find((entry) => entry.span_id === spanId(span) && entry.key === key);
    expect(row(1, 'score')).toEqual({ span_id: spanId(1), key: 'score', value: null, type: 'null' });
    expect(row(1, 'ratio')).toMatchObject({ value: 7, type: 'integer' });
    expect(row(1, 'added')).toMatchObject({ value: 1.25, type: 'real' });
    expect(row(1, 'code')).toMatchObject({ value: '007', type: 'text' });
    expect(row(2, 'k00')).toMatchObject({ value: 'changed', type: 'text' });
    expect(row(2, 'k21')).toMatchObject({ value: 21, type: 'integer' });
    expect(row(4, 'first')).toMatchObject({ value: 'second', type: 'text' });
    expect(after.stored.filter((entry) => entry.span_id === spanId(2))).toHaveLength(23);

    // The queries read the same rows: a nulled key still exists, and numbers compare as numbers.
    expect(await matching({ key: 'score', op: 'exists' })).toEqual([spanId(1)]);
    expect(await matching({ key: 'added', op: 'gt', value: 1 })).toEqual([spanId(1)]);
    expect(await matching({ key: 'gone', op: 'eq', value: 'back' })).toEqual([spanId(3)]);

    // The revert removes the keys the submission added and puts back the values before it.
    const reverted = await postJson(`${server.url}/api/v1/submissions/values-1/revert`, {});
    expect(reverted.status).toBe(200);
    expect(patchResponseSchema.parse(reverted.body)).toMatchObject({ spans_failed: 0 });
    const restored = valueRows();
    expect(restored.stored).toEqual(restored.expected);
    expect(restored.stored.some((entry) => ['added', 'extra', 'first', 'n'].includes(entry.key))).toBe(false);
    expect(
      restored.stored.find((entry) => entry.span_id === spanId(3) && entry.key === 'gone'),
    ).toMatchObject({
      value: null,
      type: 'null',
    });
    expect(await matching({ key: 'added', op: 'exists' })).toEqual([]);
    expect(await matching({ key: 'score', op: 'eq', value: 3 })).toEqual([spanId(1)]);

    // Reverting the revert adds the removed keys back.
    const lastRevert = patchResponseSchema.parse(reverted.body).submission_id;
    expect((await postJson(`${server.url}/api/v1/submissions/${lastRevert}/revert`, {})).status).toBe(200);
    const redone = valueRows();
    expect(redone.stored).toEqual(redone.expected);
    expect(await matching({ key: 'added', op: 'exists' })).toEqual([spanId(1)]);
  });
});
