import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchResponseSchema } from '@/core/api';
import { fieldsResponseSchema, lookupResponseSchema, submissionsResponseSchema } from '@/core/api/api-schema';
import { createTestDatabase } from '../support/postgres-cluster';
import { type ServerProcess, startServerProcess, stopServerProcess } from '../support/server-process';
import { getJson, ingestSpans, postJson, spanId, submissionRecord } from './test-server';

// Two real server processes, stateless, sharing one PostgreSQL database (SPEC §11).

let a: ServerProcess | undefined;
let b: ServerProcess | undefined;
const servers = () => {
  if (!a || !b) throw new Error('the servers did not start');
  return [a, b] as const;
};
const project = 'race';
const ids = Array.from({ length: 10 }, (_, i) => spanId(i + 1));
const patchUrl = (server: ServerProcess, name = project) =>
  `${server.url}/api/v1/projects/${name}/spans/metadata`;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  // NOTE: one after the other, so only the first seeds the demo project; both then serve the same database.
  a = await startServerProcess({ SPANPATCH_DATABASE_URL: databaseUrl });
  b = await startServerProcess({ SPANPATCH_DATABASE_URL: databaseUrl });
  await ingestSpans(
    a,
    project,
    ids.map((id) => ({ spanId: id })),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([stopServerProcess(a), stopServerProcess(b)]);
});

describe('two servers on one PostgreSQL', () => {
  it('loses no update: every acknowledged change is in the final state and the history, which replays to it', async () => {
    const [first, second] = servers();
    const requests = Array.from({ length: 40 }, (_, i) =>
      postJson(patchUrl(i % 2 === 0 ? first : second), {
        spans: ids.map((id) => ({
          span_id: id,
          patch_document: { [`shared_${i % 4}`]: `v${i}`, [`own_${i}`]: i },
        })),
      }),
    );
    const answers = await Promise.all(requests);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(patchResponseSchema.parse(answer.body)).toMatchObject({ spans_updated: 10, spans_failed: 0 });
    }
    const final = lookupResponseSchema.parse(
      (await postJson(`${second.url}/api/v1/projects/${project}/spans/lookup`, { span_ids: ids })).body,
    );
    for (const span of final.spans) {
      for (let i = 0; i < 40; i++) expect(span.metadata[`own_${i}`]).toBe(i);
    }
    // Replaying every recorded change, oldest submission first, gives the final state.
    const list = submissionsResponseSchema.parse(
      (await getJson(`${first.url}/api/v1/submissions?project=${project}&limit=1000`)).body,
    );
    const replayed = new Map<string, Record<string, unknown>>(ids.map((id) => [id, {}]));
    for (const submission of [...list.submissions].reverse()) {
      const record = await submissionRecord(first, submission.id);
      for (const change of record.changes) {
        const metadata = replayed.get(change.span_id) ?? {};
        expect(change.existed_before ? metadata[change.key] : undefined).toEqual(
          change.existed_before ? change.before : undefined,
        );
        metadata[change.key] = change.after;
        replayed.set(change.span_id, metadata);
      }
    }
    for (const span of final.spans) expect(span.metadata).toEqual(replayed.get(span.span_id));
  }, 60_000);

  it('types a new key once, whichever server sees it first', async () => {
    const [first, second] = servers();
    const [asNumber, asText] = await Promise.all([
      postJson(patchUrl(first), { spans: [{ span_id: ids[0], patch_document: { contested: 1 } }] }),
      postJson(patchUrl(second), { spans: [{ span_id: ids[1], patch_document: { contested: 'one' } }] }),
    ]);
    const results = [asNumber, asText].map((answer) => patchResponseSchema.parse(answer.body));
    expect(results.map((result) => result.spans_failed).sort()).toEqual([0, 1]);
    const failure = results.find((result) => result.spans_failed === 1)?.errors[0]?.error_message ?? '';
    expect(failure).toMatch(/^\[type_conflict\] /);
    const fields = fieldsResponseSchema.parse(
      (await getJson(`${second.url}/api/v1/projects/${project}/metadata/fields`)).body,
    );
    expect(fields.fields.filter((field) => field.key === 'contested')).toHaveLength(1);
  });

  it('never lets the project pass 1,000 keys, with new keys arriving through both servers', async () => {
    const [first, second] = servers();
    const name = 'capped';
    await ingestSpans(first, name, [{ spanId: spanId(1) }, { spanId: spanId(2) }]);
    const many = Object.fromEntries(Array.from({ length: 990 }, (_, i) => [`base_${i}`, 'x']));
    const seeded = await postJson(patchUrl(first, name), {
      spans: [{ span_id: spanId(1), patch_document: many }],
    });
    expect(patchResponseSchema.parse(seeded.body).spans_failed).toBe(0);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        postJson(patchUrl(i % 2 === 0 ? first : second, name), {
          spans: [
            {
              span_id: spanId(2),
              patch_document: Object.fromEntries([0, 1, 2].map((k) => [`extra_${i}_${k}`, 'y'])),
            },
          ],
        }),
      ),
    );
    const results = answers.map((answer) => patchResponseSchema.parse(answer.body));
    // 990 + 3 keys per accepted request: 3 requests fit (999), the other 5 are refused whole.
    expect(results.filter((result) => result.spans_failed === 0)).toHaveLength(3);
    for (const result of results.filter((item) => item.spans_failed === 1)) {
      expect(result.errors[0]?.error_message).toMatch(/^\[druid_rejection\] .*1,?000/);
    }
    const fields = fieldsResponseSchema.parse(
      (await getJson(`${second.url}/api/v1/projects/${name}/metadata/fields`)).body,
    );
    expect(fields.fields).toHaveLength(999);
  });

  it('applies a retry sent to the other server once, replaying the first answer', async () => {
    const [first, second] = servers();
    const body = { spans: [{ span_id: ids[2], patch_document: { retried: 'across' } }] };
    const headers = { 'Idempotency-Key': 'across-servers-1' };
    const original = await postJson(patchUrl(first), body, headers);
    const retry = await postJson(patchUrl(second), body, headers);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(retry.body).toEqual(original.body);
    const record = await submissionRecord(second, patchResponseSchema.parse(original.body).submission_id);
    expect(record.changes.filter((change) => change.key === 'retried')).toHaveLength(1);
  });

  it('shows a revert made through one server in the other', async () => {
    const [first, second] = servers();
    const submitted = patchResponseSchema.parse(
      (await postJson(patchUrl(first), { spans: [{ span_id: ids[3], patch_document: { undo_me: 'yes' } }] }))
        .body,
    );
    const reverted = await postJson(`${second.url}/api/v1/submissions/${submitted.submission_id}/revert`, {});
    expect(patchResponseSchema.parse(reverted.body)).toMatchObject({ spans_updated: 1, spans_failed: 0 });
    const seen = await submissionRecord(first, submitted.submission_id);
    expect(seen.reverted_by).toBe(patchResponseSchema.parse(reverted.body).submission_id);
    const lookup = lookupResponseSchema.parse(
      (await postJson(`${first.url}/api/v1/projects/${project}/spans/lookup`, { span_ids: [ids[3]] })).body,
    );
    expect(lookup.spans[0]?.metadata).not.toHaveProperty('undo_me');
  });
});
