import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ArizeConfig } from '@/server/arize';
import { type ArizeEmulator, type RecordedPut, startArizeEmulator } from '../arize/arize-emulator';
import {
  getJson,
  ingestSpans,
  postJson,
  startTestServer,
  submissionRecord,
  type TestServer,
} from './test-server';

// A project linked to Arize AX (SPEC §14), against the emulator of Arize's Flight endpoint (tests/arize/emulator.py),
// on the run's store (SQLite, or PostgreSQL in the `postgres` project).

const SPACE = 'U3BhY2U6OTk5';
const KEY = 'ak-wire-5f1e2d3c4b5a6978-secret';
const SUPPORT_IN_ARIZE = 'Support bot (prod)';
/** 2023-11-14T22:13:20Z, where the emulator puts a seeded span unless told otherwise. */
const SEEDED_AT_NS = 1_700_000_000_000_000_000;
const WINDOW = { start: '2023-11-14T00:00:00Z', end: '2023-11-15T00:00:00Z' };

let emulator: ArizeEmulator;
let server: TestServer;
let run = 0;

/** Span IDs of this test alone: the emulator keeps its spans from one test to the next. */
function id(n: number): string {
  return `${run.toString(16).padStart(8, '0')}${n.toString(16).padStart(8, '0')}`;
}

function arizeConfig(port: number): ArizeConfig {
  return {
    links: new Map([['support', SUPPORT_IN_ARIZE]]),
    spaceId: SPACE,
    apiKey: KEY,
    flight: { host: '127.0.0.1', port, scheme: 'grpc' },
  };
}

async function puts(): Promise<RecordedPut[]> {
  return (await emulator.requests()).filter((request): request is RecordedPut => request.kind === 'do_put');
}

function patch(spans: unknown[], headers: Record<string, string> = {}, submission?: unknown) {
  return postJson(
    `${server.url}/api/v1/projects/support/spans/metadata`,
    submission === undefined ? { spans } : { spans, submission },
    headers,
  );
}

async function localMetadata(spanIds: string[]) {
  const answer = await postJson(`${server.url}/api/v1/projects/support/spans/lookup`, { span_ids: spanIds });
  expect(answer.status).toBe(200);
  return answer.body as {
    spans: { span_id: string; metadata: Record<string, unknown> }[];
    missing: string[];
  };
}

async function arizeMetadata(spanId: string): Promise<Record<string, unknown> | undefined> {
  const { spans } = await emulator.spans(SUPPORT_IN_ARIZE);
  return spans.find((span) => span.span_id === spanId)?.metadata;
}

beforeAll(async () => {
  emulator = await startArizeEmulator({ spaceId: SPACE, apiKey: KEY, projects: [SUPPORT_IN_ARIZE] });
});

afterAll(async () => {
  await emulator?.stop();
});

beforeEach(async () => {
  run++;
  server = await startTestServer({ arize: arizeConfig(emulator.port), arizeTimeoutMs: 2_000 });
});

afterEach(async () => {
  await server?.stop();
  await emulator.reset();
});

describe('a project linked to Arize AX', () => {
  it('is listed with its target before it holds a span; other projects write locally', async () => {
    await ingestSpans(server, 'local-only', [{ spanId: id(1) }]);
    const answer = await getJson(`${server.url}/api/v1/projects`);
    expect(answer.status).toBe(200);
    const projects = (answer.body as { projects: { name: string; spans: number; target: unknown }[] })
      .projects;
    expect(projects).toContainEqual({
      name: 'support',
      spans: 0,
      target: { kind: 'arize', space_id: SPACE, project: SUPPORT_IN_ARIZE },
    });
    expect(projects).toContainEqual({ name: 'local-only', spans: 1, target: { kind: 'local' } });
    expect(JSON.stringify(answer.body)).not.toContain(KEY);
  });

  it("sends a batch to Arize as one DoPut and records Arize's answer, with before and after where the copy holds the span", async () => {
    await emulator.seed(SUPPORT_IN_ARIZE, [
      { span_id: id(1), metadata: { quality: 1 } },
      { span_id: id(2), metadata: { quality: 2 } },
    ]);
    // The copy holds spans 1 and 2 (loaded from Arize); span 3 lives in Arize only.
    const loaded = await postJson(`${server.url}/api/v1/projects/support/arize/load`, WINDOW);
    expect(loaded.status).toBe(200);
    await emulator.seed(SUPPORT_IN_ARIZE, [{ span_id: id(3) }]);

    const answer = await patch(
      [
        { span_id: id(1), patch_document: { quality: 5, reviewer: 'ana' } },
        { span_id: id(2), patch_document: { quality: 'high' } },
        { span_id: id(3), patch_document: { reviewer: 'bo' } },
        { span_id: id(4), patch_document: { reviewer: 'cy' } },
        { span_id: id(5), patch_document: '{not json' },
      ],
      { 'Idempotency-Key': `wire-${run}` },
      { id: `00000000-0000-4000-8000-${run.toString().padStart(12, '0')}`, label: 'review.csv' },
    );
    expect(answer.status).toBe(200);
    const body = answer.body as {
      spans_processed: number;
      spans_updated: number;
      spans_failed: number;
      errors: { span_id: string; error_message: string }[];
      submission_id: string;
    };
    expect(body).toMatchObject({ spans_processed: 5, spans_updated: 2, spans_failed: 3 });
    expect(body.errors).toEqual([
      {
        span_id: id(2),
        error_message: "[type_conflict] Type conflict on 'quality': stored Int64, patch has Utf8",
      },
      {
        span_id: id(4),
        error_message: `[segment_not_found] No span with ID '${id(4)}' in project '${SUPPORT_IN_ARIZE}'`,
      },
      { span_id: id(5), error_message: expect.stringMatching(/^\[parse_failure\] /) as string },
    ]);
    // One DoPut, with the spans the server could prepare, each as compact JSON in stored form.
    const sent = await puts();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.problems).toEqual([]);
    expect(sent[0]?.batches[0]?.columns).toEqual({
      'context.span_id': [id(1), id(2), id(3), id(4)],
      patch_document: [
        '{"quality":5,"reviewer":"ana"}',
        '{"quality":"high"}',
        '{"reviewer":"bo"}',
        '{"reviewer":"cy"}',
      ],
    });
    expect(await arizeMetadata(id(1))).toEqual({ quality: 5, reviewer: 'ana' });
    expect(await arizeMetadata(id(3))).toEqual({ reviewer: 'bo' });

    // The copy follows Arize for the span it holds; the history has its before and after, and Arize's errors.
    const local = await localMetadata([id(1), id(2)]);
    expect(local.spans.find((span) => span.span_id === id(1))?.metadata).toEqual({
      quality: 5,
      reviewer: 'ana',
    });
    expect(local.spans.find((span) => span.span_id === id(2))?.metadata).toEqual({ quality: 2 });
    const record = await submissionRecord(server, body.submission_id);
    expect(record).toMatchObject({
      project: 'support',
      label: 'review.csv',
      spans_updated: 2,
      spans_failed: 3,
    });
    expect(record.changes).toEqual([
      expect.objectContaining({ span_id: id(1), key: 'quality', existed_before: true, before: 1, after: 5 }),
      expect.objectContaining({
        span_id: id(1),
        key: 'reviewer',
        existed_before: false,
        before: null,
        after: 'ana',
      }),
    ]);
    expect(record.errors).toEqual(body.errors);

    // A retry with the same Idempotency-Key answers the recorded answer and sends nothing again.
    const retry = await patch(
      [
        { span_id: id(1), patch_document: { quality: 5, reviewer: 'ana' } },
        { span_id: id(2), patch_document: { quality: 'high' } },
        { span_id: id(3), patch_document: { reviewer: 'bo' } },
        { span_id: id(4), patch_document: { reviewer: 'cy' } },
        { span_id: id(5), patch_document: '{not json' },
      ],
      { 'Idempotency-Key': `wire-${run}` },
      { id: `00000000-0000-4000-8000-${run.toString().padStart(12, '0')}`, label: 'review.csv' },
    );
    expect(retry.status).toBe(200);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(retry.body).toEqual(answer.body);
    expect(await puts()).toHaveLength(1);
  });

  it.each([
    ['refuses the key', { refuse_key: true }, /^\[connection_failure\] Arize AX refused the API key/],
    [
      'is too slow',
      { delay: 5 },
      /^\[connection_failure\] Arize AX at 127\.0\.0\.1:\d+ did not answer within 2 s/,
    ],
    [
      'answers garbage',
      { answer: 'garbage' as const },
      /^\[connection_failure\] Arize AX answered with something/,
    ],
    [
      'answers counts that contradict the request',
      { answer: 'contradict' as const },
      /^\[connection_failure\] Arize AX's answer contradicts the request/,
    ],
    [
      'answers an error status',
      { answer: 'error' as const },
      /^\[connection_failure\] Arize AX answered with an error/,
    ],
  ])(
    'when Arize %s: every span is a connection failure, nothing is recorded, and a Retry applies',
    async (_what, settings, message) => {
      await emulator.seed(SUPPORT_IN_ARIZE, [{ span_id: id(1), metadata: { quality: 1 } }]);
      expect((await postJson(`${server.url}/api/v1/projects/support/arize/load`, WINDOW)).status).toBe(200);
      await emulator.configure(settings);
      const spans = [{ span_id: id(1), patch_document: { quality: 7 } }];
      const failed = await patch(spans, { 'Idempotency-Key': `fail-${run}` });
      expect(failed.status).toBe(200);
      const body = failed.body as {
        spans_updated: number;
        spans_failed: number;
        errors: { error_message: string }[];
      };
      expect(body).toMatchObject({ spans_updated: 0, spans_failed: 1 });
      expect(body.errors[0]?.error_message).toMatch(message);
      expect(JSON.stringify(failed.body)).not.toContain(KEY);
      const history = await getJson(`${server.url}/api/v1/submissions?project=support`);
      expect((history.body as { submissions: unknown[] }).submissions).toEqual([]);
      expect((await localMetadata([id(1)])).spans[0]?.metadata).toEqual({ quality: 1 });

      await emulator.reset();
      const retried = await patch(spans, { 'Idempotency-Key': `fail-${run}` });
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ spans_updated: 1, spans_failed: 0, errors: [] });
      expect(await arizeMetadata(id(1))).toEqual({ quality: 7 });
      expect((await localMetadata([id(1)])).spans[0]?.metadata).toEqual({ quality: 7 });
    },
  );

  it('reverts by sending the before values to Arize; a key the submission added becomes null, as the dry run says', async () => {
    await emulator.seed(SUPPORT_IN_ARIZE, [
      { span_id: id(1), metadata: { quality: 1 } },
      { span_id: id(2), metadata: { quality: 2 } },
    ]);
    expect((await postJson(`${server.url}/api/v1/projects/support/arize/load`, WINDOW)).status).toBe(200);
    const sent = await patch([
      { span_id: id(1), patch_document: { quality: 5, reviewer: 'ana' } },
      { span_id: id(2), patch_document: { quality: 6 } },
    ]);
    const submissionId = (sent.body as { submission_id: string }).submission_id;
    // Span 2 changes after the submission: its revert is a conflict, and nothing is sent for it.
    await patch([{ span_id: id(2), patch_document: { quality: 9 } }]);

    const dryRun = await postJson(`${server.url}/api/v1/submissions/${submissionId}/revert`, {
      dry_run: true,
    });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({
      spans_processed: 2,
      spans_updated: 1,
      spans_failed: 1,
      becomes_null: [{ span_id: id(1), key: 'reviewer' }],
      errors: [
        {
          span_id: id(2),
          error_message: "[revert_conflict] 'quality' changed after this submission (now 9)",
        },
      ],
    });
    const before = (await puts()).length;

    const reverted = await postJson(`${server.url}/api/v1/submissions/${submissionId}/revert`, {});
    expect(reverted.status).toBe(200);
    expect(reverted.body).toMatchObject({ spans_processed: 2, spans_updated: 1, spans_failed: 1 });
    const revertPut = (await puts()).slice(before);
    expect(revertPut).toHaveLength(1);
    expect(revertPut[0]?.batches[0]?.columns).toEqual({
      'context.span_id': [id(1)],
      patch_document: ['{"quality":1,"reviewer":null}'],
    });
    expect(await arizeMetadata(id(1))).toEqual({ quality: 1, reviewer: null });
    expect((await localMetadata([id(1)])).spans[0]?.metadata).toEqual({ quality: 1, reviewer: null });
    const record = await submissionRecord(server, (reverted.body as { submission_id: string }).submission_id);
    expect(record).toMatchObject({ kind: 'revert', reverts: submissionId });
    expect(record.changes).toEqual([
      expect.objectContaining({ span_id: id(1), key: 'quality', before: 5, after: 1 }),
      expect.objectContaining({ span_id: id(1), key: 'reviewer', before: 'ana', after: null }),
    ]);
  });

  it('a revert Arize cannot take records nothing, and can be asked again', async () => {
    await emulator.seed(SUPPORT_IN_ARIZE, [{ span_id: id(1), metadata: { quality: 1 } }]);
    expect((await postJson(`${server.url}/api/v1/projects/support/arize/load`, WINDOW)).status).toBe(200);
    const sent = await patch([{ span_id: id(1), patch_document: { quality: 5 } }]);
    const submissionId = (sent.body as { submission_id: string }).submission_id;
    await emulator.configure({ refuse_key: true });
    const refused = await postJson(`${server.url}/api/v1/submissions/${submissionId}/revert`, {});
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ spans_updated: 0, spans_failed: 1 });
    expect(JSON.stringify(refused.body)).toMatch(/\[connection_failure\] Arize AX refused the API key/);
    const original = await getJson(`${server.url}/api/v1/submissions/${submissionId}`);
    expect(original.body).toMatchObject({ reverted_by: null });
    await emulator.reset();
    const reverted = await postJson(`${server.url}/api/v1/submissions/${submissionId}/revert`, {});
    expect(reverted.body).toMatchObject({ spans_updated: 1, spans_failed: 0 });
    expect(await arizeMetadata(id(1))).toEqual({ quality: 1 });
  });

  it("loads a window's spans from Arize into the copy, idempotently, and says plainly when it cannot", async () => {
    await emulator.seed(SUPPORT_IN_ARIZE, [
      {
        span_id: id(1),
        name: 'retrieve',
        kind: 'RETRIEVER',
        metadata: { topic: 'billing' },
        start_ns: SEEDED_AT_NS,
      },
      { span_id: id(2), name: 'answer', kind: 'LLM', start_ns: SEEDED_AT_NS + 1_000_000 },
    ]);
    const first = await postJson(`${server.url}/api/v1/projects/support/arize/load`, WINDOW);
    expect(first.status).toBe(200);
    const loaded = (first.body as { spans_loaded: number }).spans_loaded;
    expect(loaded).toBeGreaterThanOrEqual(2);
    const local = await localMetadata([id(1), id(2)]);
    expect(local.missing).toEqual([]);
    expect(local.spans.find((span) => span.span_id === id(1))?.metadata).toEqual({ topic: 'billing' });
    const span = await getJson(`${server.url}/api/v1/projects/support/spans/${id(1)}`);
    expect(span.body).toMatchObject({ span: { name: 'retrieve', kind: 'RETRIEVER' } });
    expect(first.body).toMatchObject({ spans_loaded: loaded, spans_new: loaded, spans_updated: 0 });
    const second = await postJson(`${server.url}/api/v1/projects/support/arize/load`, WINDOW);
    expect(second.body).toEqual({
      spans_loaded: loaded,
      spans_new: 0,
      spans_updated: 0,
      spans_unchanged: loaded,
    });
    const projects = await getJson(`${server.url}/api/v1/projects`);
    expect((projects.body as { projects: { name: string; spans: number }[] }).projects).toContainEqual(
      expect.objectContaining({ name: 'support', spans: loaded }),
    );

    const tooLong = await postJson(`${server.url}/api/v1/projects/support/arize/load`, {
      start: '2023-01-01T00:00:00Z',
      end: '2023-03-01T00:00:00Z',
    });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain('at most 31 days');
    await ingestSpans(server, 'local-only', [{ spanId: id(9) }]);
    const notLinked = await postJson(`${server.url}/api/v1/projects/local-only/arize/load`, WINDOW);
    expect(notLinked).toMatchObject({ status: 409, body: { error: { code: 'project_not_linked' } } });
    await emulator.configure({ refuse_key: true });
    const refused = await postJson(`${server.url}/api/v1/projects/support/arize/load`, WINDOW);
    expect(refused).toMatchObject({ status: 502, body: { error: { code: 'arize_key_refused' } } });
    expect(JSON.stringify(refused.body)).not.toContain(KEY);
  });

  it('a second load upserts: what changed in Arize lands in the copy, nothing else is written, and no history is made', async () => {
    // A day of its own, so the spans other tests seed are not in this window.
    const day = { start: '2023-11-20T00:00:00Z', end: '2023-11-21T00:00:00Z' };
    const at = Date.parse('2023-11-20T12:00:00Z') * 1_000_000;
    const load = async () => {
      const answer = await postJson(`${server.url}/api/v1/projects/support/arize/load`, day);
      expect(answer.status).toBe(200);
      return answer.body;
    };
    await emulator.seed(SUPPORT_IN_ARIZE, [
      { span_id: id(1), metadata: { topic: 'billing', priority: 1 }, start_ns: at },
      { span_id: id(2), metadata: { topic: 'login' }, start_ns: at + 1_000 },
    ]);
    expect(await load()).toEqual({ spans_loaded: 2, spans_new: 2, spans_updated: 0, spans_unchanged: 0 });

    // Someone changed span 1 in Arize (a value changed, a key added, one set to null); span 3 is new there.
    await emulator.seed(SUPPORT_IN_ARIZE, [
      {
        span_id: id(1),
        metadata: { topic: 'refunds', priority: null, reviewer: 'ana' },
        start_ns: at,
      },
      { span_id: id(3), metadata: { topic: 'refunds' }, start_ns: at + 2_000 },
    ]);
    expect(await load()).toEqual({ spans_loaded: 3, spans_new: 1, spans_updated: 1, spans_unchanged: 1 });
    const local = await localMetadata([id(1), id(2), id(3)]);
    expect(local.missing).toEqual([]);
    expect(Object.fromEntries(local.spans.map((span) => [span.span_id, span.metadata]))).toEqual({
      [id(1)]: { topic: 'refunds', priority: null, reviewer: 'ana' },
      [id(2)]: { topic: 'login' },
      [id(3)]: { topic: 'refunds' },
    });
    // Idempotent: the same window again writes nothing.
    expect(await load()).toEqual({ spans_loaded: 3, spans_new: 0, spans_updated: 0, spans_unchanged: 3 });

    // The copy is searchable by the loaded values, the registry counts each span once, and a load is no submission.
    const fields = await getJson(`${server.url}/api/v1/projects/support/metadata/fields`);
    const counts = Object.fromEntries(
      (fields.body as { fields: { key: string; spans: number }[] }).fields.map((field) => [
        field.key,
        field.spans,
      ]),
    );
    expect(counts).toMatchObject({ topic: 3, priority: 1, reviewer: 1 });
    const found = await postJson(`${server.url}/api/v1/projects/support/spans/query`, {
      ids_only: true,
      filter: { metadata: [{ key: 'topic', op: 'eq', value: 'refunds' }] },
    });
    expect(found).toMatchObject({ status: 200, body: { span_ids: expect.arrayContaining([id(1), id(3)]) } });
    expect((found.body as { span_ids: string[] }).span_ids).not.toContain(id(2));
    const history = await getJson(`${server.url}/api/v1/submissions?project=support`);
    expect(history).toMatchObject({ status: 200, body: { submissions: [] } });
    const detail = await getJson(`${server.url}/api/v1/projects/support/spans/${id(1)}`);
    expect(detail.body).toMatchObject({ span: { metadata: { reviewer: 'ana' } }, changes: [] });
  });

  it("says whether Arize answers and takes the key, for Settings' Test connection", async () => {
    const ok = await getJson(`${server.url}/api/v1/arize/status`);
    expect(ok).toMatchObject({
      status: 200,
      body: { projects: [{ project: 'support', arize_project: SUPPORT_IN_ARIZE, status: 'ok' }] },
    });
    await emulator.configure({ refuse_key: true });
    const refused = await getJson(`${server.url}/api/v1/arize/status`);
    expect(refused).toMatchObject({ status: 200, body: { projects: [{ status: 'key_refused' }] } });
    expect(JSON.stringify(refused.body)).not.toContain(KEY);
  });
});

describe('a server whose Arize AX cannot be reached', () => {
  it('answers every span of a batch as a connection failure, never a 500', async () => {
    await server.stop();
    server = await startTestServer({
      arize: { ...arizeConfig(1), flight: { host: '127.0.0.1', port: 1, scheme: 'grpc' } },
      arizeTimeoutMs: 2_000,
    });
    const answer = await patch([{ span_id: id(1), patch_document: { quality: 7 } }]);
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body)).toMatch(
      /\[connection_failure\] Arize AX could not be reached at 127\.0\.0\.1:1/,
    );
    const status = await getJson(`${server.url}/api/v1/arize/status`);
    expect(status.body).toMatchObject({ projects: [{ status: 'unreachable' }] });
    const load = await postJson(`${server.url}/api/v1/projects/support/arize/load`, WINDOW);
    expect(load).toMatchObject({ status: 502, body: { error: { code: 'arize_unreachable' } } });
  });
});
