import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMetadata } from '@/client/log-metadata';
import { apiErrorSchema, patchResponseSchema } from '@/core/api';
import {
  lookupResponseSchema,
  submissionChangesPageSchema,
  submissionErrorsPageSchema,
  submissionsResponseSchema,
} from '@/core/api/api-schema';
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
const project = 'review';
const patchUrl = (name = project) => `${server.url}/api/v1/projects/${name}/spans/metadata`;

beforeAll(async () => {
  server = await startTestServer();
  await ingestSpans(
    server,
    project,
    Array.from({ length: 40 }, (_, i) => ({ spanId: spanId(i + 1), metadata: { tier: 'free', turn: i } })),
  );
  await ingestSpans(server, 'elsewhere', [{ spanId: spanId(1) }]);
});

afterAll(() => server.stop());

async function metadataOf(ids: string[]) {
  const response = await postJson(`${server.url}/api/v1/projects/${project}/spans/lookup`, { span_ids: ids });
  const { spans } = lookupResponseSchema.parse(response.body);
  return Object.fromEntries(spans.map((span) => [span.span_id, span.metadata]));
}

async function submissionsOf(name: string) {
  const response = await getJson(`${server.url}/api/v1/submissions?project=${name}&limit=1000`);
  return submissionsResponseSchema.parse(response.body).submissions;
}

describe('one submission per Submit (SPEC §9)', () => {
  it('keeps every batch of one call as one submission whose totals add up', async () => {
    const before = (await submissionsOf(project)).length;
    const spans = Array.from({ length: 25 }, (_, i) => ({
      span_id: spanId(i + 1),
      patch_document: { batch_test: `v${i}` },
    }));
    spans.push({ span_id: 'not-a-span', patch_document: { batch_test: 'x' } });
    const result = await logMetadata(project, spans, {
      baseUrl: server.url,
      batchSize: 10,
      submission: { label: 'review.csv' },
    });
    expect(result).toMatchObject({ spans_processed: 26, spans_updated: 25, spans_failed: 1 });
    const submissions = await submissionsOf(project);
    expect(submissions).toHaveLength(before + 1);
    expect(submissions[0]).toMatchObject({
      id: result.submission_id,
      kind: 'patch',
      label: 'review.csv',
      batches: 3,
      spans_processed: 26,
      spans_updated: 25,
      spans_unchanged: 0,
      spans_failed: 1,
    });
    const record = await submissionRecord(server, result.submission_id);
    expect(record.changes).toHaveLength(25);
    expect(record.errors).toEqual(result.errors);
    expect(Date.parse(record.finished_at)).toBeGreaterThanOrEqual(Date.parse(record.created_at));
  });

  it('replays a batch retried with its Idempotency-Key within the submission, counting it once', async () => {
    const body = {
      spans: [{ span_id: spanId(30), patch_document: { retried: 'once' } }],
      submission: { id: 'retry-within-1', label: 'retried' },
    };
    const first = await postJson(patchUrl(), body, { 'Idempotency-Key': 'batch-a' });
    const second = await postJson(
      patchUrl(),
      { ...body, spans: [{ span_id: spanId(31), patch_document: { retried: 'other' } }] },
      { 'Idempotency-Key': 'batch-b' },
    );
    const again = await postJson(patchUrl(), body, { 'Idempotency-Key': 'batch-a' });
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(patchResponseSchema.parse(second.body).submission_id).toBe('retry-within-1');
    const record = await submissionRecord(server, 'retry-within-1');
    expect(record).toMatchObject({ batches: 2, spans_processed: 2, spans_updated: 2, label: 'retried' });
    expect(record.changes.map((change) => change.span_id)).toEqual([spanId(30), spanId(31)]);
  });

  it('refuses a submission ID that belongs to another project', async () => {
    const response = await postJson(patchUrl('elsewhere'), {
      spans: [{ span_id: spanId(1), patch_document: { a: 'b' } }],
      submission: { id: 'retry-within-1' },
    });
    expect(response.status).toBe(422);
    expect(apiErrorSchema.parse(response.body).error.code).toBe('submission_id_taken');
  });

  it('counts spans already as asked as unchanged, and records no change for them', async () => {
    const spans = [
      { span_id: spanId(35), patch_document: { same: 'value' } },
      { span_id: spanId(36), patch_document: { same: 'value' } },
    ];
    await logMetadata(project, spans, { baseUrl: server.url });
    const again = await logMetadata(project, spans, { baseUrl: server.url });
    expect(again).toMatchObject({
      spans_processed: 2,
      spans_updated: 2,
      spans_unchanged: 2,
      spans_failed: 0,
    });
    const record = await submissionRecord(server, again.submission_id);
    expect(record).toMatchObject({ spans_updated: 2, spans_unchanged: 2 });
    expect(record.changes).toEqual([]);
  });
});

describe('history pages', () => {
  it('pages past 1,000 submissions with a cursor, newest first, never a silent cap', async () => {
    const name = 'many';
    await ingestSpans(server, name, [{ spanId: spanId(1) }]);
    for (let i = 0; i < 1_005; i++) {
      await server.store.applyPatches({
        project: name,
        spans: [{ spanId: spanId(1), patch: { ok: true, stored: { n: i } } }],
        keyName: null,
        idempotencyKey: null,
        submission: null,
      });
    }
    const first = submissionsResponseSchema.parse(
      (await getJson(`${server.url}/api/v1/submissions?project=${name}&limit=1000`)).body,
    );
    expect(first.submissions).toHaveLength(1_000);
    expect(first.next_cursor).not.toBeNull();
    const second = submissionsResponseSchema.parse(
      (
        await getJson(
          `${server.url}/api/v1/submissions?project=${name}&limit=1000&cursor=${first.next_cursor}`,
        )
      ).body,
    );
    expect(second.submissions).toHaveLength(5);
    expect(second.next_cursor).toBeNull();
    const ids = [...first.submissions, ...second.submissions].map((item) => item.id);
    expect(new Set(ids).size).toBe(1_005);
    const lastRecord = await submissionRecord(server, second.submissions.at(-1)?.id ?? '');
    expect(lastRecord.changes[0]?.after).toBe(0);
  });

  it("pages a submission's changes and errors, and searches them by span ID and key or message", async () => {
    const spans = Array.from({ length: 12 }, (_, i) => ({
      span_id: spanId(i + 1),
      patch_document: { paged_a: i, paged_b: `b${i}` },
    }));
    spans.push({ span_id: 'ghost-1', patch_document: { paged_a: 1, paged_b: 'x' } });
    spans.push({ span_id: 'ghost-2', patch_document: { paged_a: 1, paged_b: 'x' } });
    const result = await logMetadata(project, spans, { baseUrl: server.url });
    const base = `${server.url}/api/v1/submissions/${result.submission_id}`;
    const page1 = submissionChangesPageSchema.parse((await getJson(`${base}/changes?limit=10`)).body);
    expect(page1.total).toBe(24);
    expect(page1.changes).toHaveLength(10);
    const page2 = submissionChangesPageSchema.parse(
      (await getJson(`${base}/changes?limit=10&cursor=${page1.next_cursor}`)).body,
    );
    expect(page2.changes[0]).toMatchObject({ span_id: spanId(6), key: 'paged_a' });
    const byKey = submissionChangesPageSchema.parse((await getJson(`${base}/changes?q=paged_b`)).body);
    expect(byKey.total).toBe(12);
    expect(byKey.changes.every((change) => change.key === 'paged_b')).toBe(true);
    const bySpan = submissionChangesPageSchema.parse((await getJson(`${base}/changes?q=${spanId(3)}`)).body);
    expect(bySpan.changes.map((change) => change.key)).toEqual(['paged_a', 'paged_b']);
    const errors = submissionErrorsPageSchema.parse((await getJson(`${base}/errors?limit=1`)).body);
    expect(errors).toMatchObject({ total: 2, errors: [{ span_id: 'ghost-1' }] });
    const next = submissionErrorsPageSchema.parse(
      (await getJson(`${base}/errors?limit=1&cursor=${errors.next_cursor}`)).body,
    );
    expect(next).toMatchObject({ errors: [{ span_id: 'ghost-2' }], next_cursor: null });
    expect((await getJson(`${base}/errors?q=ghost-2`)).body).toMatchObject({ total: 1 });
    expect((await getJson(`${base}/changes?cursor=garbage`)).status).toBe(400);
    expect((await getJson(`${server.url}/api/v1/submissions/nope/changes`)).status).toBe(404);
  });
});

describe('revert (SPEC §9)', () => {
  it('puts back exactly the metadata before, removes keys that did not exist, and leaves spans edited since', async () => {
    const ids = [spanId(20), spanId(21), spanId(22)];
    const before = await metadataOf(ids);
    const submitted = await logMetadata(
      project,
      ids.map((id) => ({ span_id: id, patch_document: { tier: 'pro', reviewed: 'true' } })),
      { baseUrl: server.url, submission: { label: 'tiers.csv' } },
    );
    // Someone edits span 22 afterwards.
    await logMetadata(project, [{ span_id: spanId(22), patch_document: { tier: 'enterprise' } }], {
      baseUrl: server.url,
    });
    const revertUrl = `${server.url}/api/v1/submissions/${submitted.submission_id}/revert`;
    const countBefore = (await submissionsOf(project)).length;

    const dryRun = await postJson(revertUrl, { dry_run: true });
    expect(dryRun.status).toBe(200);
    const conflict = `[revert_conflict] 'tier' changed after this submission (now enterprise)`;
    expect(dryRun.body).toEqual({
      spans_processed: 3,
      spans_updated: 2,
      spans_unchanged: 0,
      spans_failed: 1,
      errors: [{ span_id: spanId(22), error_message: conflict }],
      submission_id: '',
    });
    expect((await submissionsOf(project)).length).toBe(countBefore);
    expect((await metadataOf(ids))[spanId(20)]).toEqual({
      ...before[spanId(20)],
      tier: 'pro',
      reviewed: 'true',
    });

    const reverted = await postJson(revertUrl, {});
    expect(reverted.status).toBe(200);
    const response = patchResponseSchema.parse(reverted.body);
    expect(response).toMatchObject({ spans_processed: 3, spans_updated: 2, spans_failed: 1 });
    expect(response.errors).toEqual([{ span_id: spanId(22), error_message: conflict }]);
    const after = await metadataOf(ids);
    expect(after[spanId(20)]).toEqual(before[spanId(20)]);
    expect(after[spanId(21)]).toEqual(before[spanId(21)]);
    expect(after[spanId(20)]).not.toHaveProperty('reviewed');
    expect(after[spanId(22)]).toMatchObject({ tier: 'enterprise', reviewed: 'true' });

    const original = await submissionRecord(server, submitted.submission_id);
    expect(original.reverted_by).toBe(response.submission_id);
    const revert = await submissionRecord(server, response.submission_id);
    expect(revert).toMatchObject({
      kind: 'revert',
      reverts: submitted.submission_id,
      label: 'Revert of tiers.csv',
      spans_updated: 2,
      spans_failed: 1,
    });
    expect(revert.changes.filter((change) => change.span_id === spanId(20))).toEqual([
      {
        span_id: spanId(20),
        key: 'tier',
        existed_before: true,
        before: 'pro',
        after: 'free',
        removed: false,
      },
      {
        span_id: spanId(20),
        key: 'reviewed',
        existed_before: true,
        before: 'true',
        after: null,
        removed: true,
      },
    ]);

    const twice = await postJson(revertUrl, {});
    expect(twice.status).toBe(422);
    expect(apiErrorSchema.parse(twice.body).error.code).toBe('already_reverted');

    // Reverting the revert puts the submission's values back.
    const redo = patchResponseSchema.parse(
      (await postJson(`${server.url}/api/v1/submissions/${response.submission_id}/revert`, {})).body,
    );
    expect(redo).toMatchObject({ spans_updated: 2, spans_failed: 0 });
    expect((await metadataOf([spanId(20)]))[spanId(20)]).toMatchObject({ tier: 'pro', reviewed: 'true' });
  });

  it('refuses a batch of a submission reverted while it was still sending (409), and applies nothing of it', async () => {
    const ids = [spanId(30), spanId(31), spanId(32), spanId(33)];
    const before = await metadataOf(ids);
    const submission = { id: 'still-sending-1', label: 'late.csv' };
    const first = await postJson(patchUrl(), {
      spans: [spanId(30), spanId(31)].map((id) => ({ span_id: id, patch_document: { late: 'first' } })),
      submission,
    });
    expect(first.status).toBe(200);
    const revertUrl = `${server.url}/api/v1/submissions/${submission.id}/revert`;
    const reverted = patchResponseSchema.parse((await postJson(revertUrl, {})).body);
    expect(reverted).toMatchObject({ spans_updated: 2, spans_failed: 0 });

    // The rest of the Submit arrives after the revert.
    const late = await postJson(
      patchUrl(),
      {
        spans: [spanId(32), spanId(33)].map((id) => ({ span_id: id, patch_document: { late: 'second' } })),
        submission,
      },
      { 'Idempotency-Key': 'late-batch-1' },
    );
    expect(late.status).toBe(409);
    const refusal = apiErrorSchema.parse(late.body).error;
    expect(refusal.code).toBe('submission_reverted');
    expect(refusal.message).toMatch(/'still-sending-1' was reverted/);
    expect(refusal.message).toMatch(/nothing of it was applied/);
    expect(refusal.message).not.toMatch(/\n\s+at /);

    expect(await metadataOf(ids)).toEqual(before);
    const record = await submissionRecord(server, submission.id);
    expect(record).toMatchObject({ batches: 1, spans_processed: 2, spans_updated: 2 });
    expect(record.reverted_by).toBe(reverted.submission_id);
    expect(record.changes.map((change) => change.span_id)).toEqual([spanId(30), spanId(31)]);
    // Sent again with its Idempotency-Key, it is refused again: it was never recorded.
    const again = await postJson(
      patchUrl(),
      {
        spans: [spanId(32), spanId(33)].map((id) => ({ span_id: id, patch_document: { late: 'second' } })),
        submission,
      },
      { 'Idempotency-Key': 'late-batch-1' },
    );
    expect(again.status).toBe(409);
    const twice = await postJson(revertUrl, {});
    expect(twice.status).toBe(422);
    expect(apiErrorSchema.parse(twice.body).error.code).toBe('already_reverted');

    // The client reports such a batch as refused with the server's words, never as undelivered (no Retry).
    const client = await logMetadata(
      project,
      [spanId(32), spanId(33)].map((id) => ({ span_id: id, patch_document: { late: 'third' } })),
      { baseUrl: server.url, submission },
    );
    expect(client).toMatchObject({ spans_processed: 2, spans_updated: 0, spans_failed: 2 });
    expect(client.errors).toEqual(
      [spanId(32), spanId(33)].map((id) => ({
        span_id: id,
        error_message: `[submission_reverted] ${refusal.message}`,
      })),
    );
    expect(client.undelivered_batches).toEqual([]);
    expect(await metadataOf(ids)).toEqual(before);
  });

  it('never applies a batch after the revert of its submission, when both race', async () => {
    const racing = 'racing';
    const count = 60;
    const ids = Array.from({ length: count }, (_, i) => spanId(i + 1));
    await ingestSpans(
      server,
      racing,
      ids.map((id, i) => ({ spanId: id, metadata: { step: i } })),
    );
    const submission = { id: 'racing-submission', label: 'race.csv' };
    const batchOf = (index: number) => ({
      spans: ids.slice(index * 5, index * 5 + 5).map((id) => ({ span_id: id, patch_document: { step: -1 } })),
      submission,
    });
    // Two senders, as the client sends, with the revert made once three batches are in.
    let next = 0;
    const answers: { status: number }[] = [];
    let revert: ReturnType<typeof postJson> | null = null;
    const sender = async () => {
      for (let index = next++; index < count / 5; index = next++) {
        answers.push(await postJson(patchUrl(racing), batchOf(index)));
        if (answers.length === 3) {
          revert = postJson(`${server.url}/api/v1/submissions/${submission.id}/revert`, {});
        }
      }
    };
    await Promise.all([sender(), sender()]);
    const reverted = await (revert as ReturnType<typeof postJson> | null);
    expect(reverted?.status).toBe(200);
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    const accepted = answers.filter((answer) => answer.status === 200).length;
    // Every batch accepted came before the revert, which undid all of them; the refused ones applied nothing.
    expect(patchResponseSchema.parse(reverted?.body)).toMatchObject({
      spans_processed: accepted * 5,
      spans_updated: accepted * 5,
    });
    const lookup = await postJson(`${server.url}/api/v1/projects/${racing}/spans/lookup`, { span_ids: ids });
    const metadata = lookupResponseSchema.parse(lookup.body).spans.map((span) => span.metadata.step);
    expect(metadata).toEqual(ids.map((_, i) => i));
    expect(await submissionRecord(server, submission.id)).toMatchObject({ batches: accepted });
  });

  it('stores exactly the metadata planned: changed, new and null keys, a span twice in a batch, and reverts', async () => {
    await ingestSpans(server, 'exact', [
      { spanId: spanId(1), metadata: { tier: 'free', score: 3, note: 'x' } },
      { spanId: spanId(2), metadata: { tier: 'pro' } },
    ]);
    const lookup = async () => {
      const answer = await postJson(`${server.url}/api/v1/projects/exact/spans/lookup`, {
        span_ids: [spanId(1), spanId(2)],
      });
      return lookupResponseSchema.parse(answer.body).spans.map((span) => span.metadata);
    };
    const sent = await postJson(patchUrl('exact'), {
      spans: [
        { span_id: spanId(1), patch_document: { tier: 'pro', score: null, added: 1.5 } },
        { span_id: spanId(2), patch_document: { tier: 'enterprise', first: 'a' } },
        { span_id: spanId(2), patch_document: { first: 'b', second: 2 } },
      ],
      submission: { id: 'exact-1' },
    });
    expect(patchResponseSchema.parse(sent.body)).toMatchObject({ spans_updated: 3, spans_failed: 0 });
    expect(await lookup()).toEqual([
      { tier: 'pro', score: null, note: 'x', added: 1.5 },
      { tier: 'enterprise', first: 'b', second: 2 },
    ]);
    const reverted = await postJson(`${server.url}/api/v1/submissions/exact-1/revert`, {});
    expect(patchResponseSchema.parse(reverted.body)).toMatchObject({ spans_failed: 0 });
    expect(await lookup()).toEqual([{ tier: 'free', score: 3, note: 'x' }, { tier: 'pro' }]);
    const redo = patchResponseSchema.parse(reverted.body).submission_id;
    expect((await postJson(`${server.url}/api/v1/submissions/${redo}/revert`, {})).status).toBe(200);
    expect(await lookup()).toEqual([
      { tier: 'pro', score: null, note: 'x', added: 1.5 },
      { tier: 'enterprise', first: 'b', second: 2 },
    ]);
  });

  it('answers 404 for a submission whose project was deleted since', async () => {
    await ingestSpans(server, 'shrinking', [{ spanId: spanId(1) }, { spanId: spanId(2) }]);
    const submitted = await logMetadata(
      'shrinking',
      [
        { span_id: spanId(1), patch_document: { a: 'x' } },
        { span_id: spanId(2), patch_document: { a: 'y' } },
      ],
      { baseUrl: server.url },
    );
    // The project is deleted and ingested again without span 2.
    await server.store.deleteProject('shrinking');
    await ingestSpans(server, 'shrinking', [{ spanId: spanId(1) }]);
    const missing = await postJson(`${server.url}/api/v1/submissions/${submitted.submission_id}/revert`, {
      dry_run: true,
    });
    expect(missing.status).toBe(404);
  });

  it('answers 404 for an unknown submission and 400 for a malformed body', async () => {
    expect((await postJson(`${server.url}/api/v1/submissions/nope/revert`, {})).status).toBe(404);
    const first = (await submissionsOf(project))[0]?.id ?? '';
    expect(
      (await postJson(`${server.url}/api/v1/submissions/${first}/revert`, { dry_run: 'yes' })).status,
    ).toBe(400);
  });
});
