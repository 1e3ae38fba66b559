import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMetadata } from '@/client/log-metadata';
import { type AggregatedResponse, apiErrorSchema, type Submission } from '@/core/api';
import { lookupResponseSchema, submissionsResponseSchema } from '@/core/api/api-schema';
import {
  createTestDatabase,
  startThrowawayCluster,
  type ThrowawayCluster,
} from '../support/postgres-cluster';
import { type ServerProcess, startServerProcess, stopServerProcess } from '../support/server-process';
import { getJson, ingestSpans, spanId, submissionRecord } from './test-server';

// PostgreSQL restarting, or crashing, under the writes of 16 clients through two real server processes (SPEC §11):
// no server dies, every request made meanwhile answers 503 with Retry-After (never a 500, never an empty 200), the
// clients' retries complete every submission once the database is back, and each is stored exactly once.

const WRITERS = 16;
const SPANS_PER_WRITER = 4;
const project = 'restarts';
const spansOf = (writer: number) =>
  Array.from({ length: SPANS_PER_WRITER }, (_, i) => spanId(0x100 * (writer + 1) + i));

let cluster: ThrowawayCluster | undefined;
let servers: ServerProcess[] = [];

beforeAll(async () => {
  // NOTE: a cluster of its own, which this file restarts and kills; the run's shared cluster stays untouched. Its
  // commits are durable (synchronous_commit on), as in production: an acknowledged write must survive a crash.
  cluster = await startThrowawayCluster(
    { ...process.env, SPANPATCH_TEST_DATABASE_URL: '' },
    { synchronous_commit: 'on' },
  );
  const databaseUrl = await createTestDatabase(cluster.url);
  servers.push(await startServerProcess({ SPANPATCH_DATABASE_URL: databaseUrl }));
  servers.push(await startServerProcess({ SPANPATCH_DATABASE_URL: databaseUrl }));
  await ingestSpans(
    servers[0] as ServerProcess,
    project,
    Array.from({ length: WRITERS }, (_, writer) => spansOf(writer).map((id) => ({ spanId: id }))).flat(),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map(stopServerProcess));
  servers = [];
  await cluster?.stop();
});

/** One writer's acknowledged submissions, in the order made. */
interface Written {
  writer: number;
  round: number;
  result: AggregatedResponse;
}

/**
 * Resolves once `done()` holds, checking every 20 ms (a condition, never a fixed wait); throws at once when a
 * server died meanwhile, with what it said.
 */
async function until(done: () => boolean): Promise<void> {
  while (!done()) {
    const dead = servers.find((server) => !server.alive());
    if (dead) throw new Error(`A server died:\n${dead.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * 16 writers, half through each server, each submitting its own spans round after round with the real client and
 * its retries (Idempotency-Key per batch, Retry-After honoured), until `stop`.
 */
function startWriters() {
  let stopping = false;
  const written: Written[] = [];
  const rounds = new Array<number>(WRITERS).fill(0);
  const retried = { count: 0 };
  const done = Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      const server = servers[writer % 2] as ServerProcess;
      for (let round = 1; !stopping; round++) {
        const result = await logMetadata(
          project,
          spansOf(writer).map((id) => ({ span_id: id, patch_document: { writer, round } })),
          {
            baseUrl: server.url,
            concurrency: 1,
            maxRetries: 50,
            retryBaseDelayMs: 100,
            retryMaxDelayMs: 10_000,
            submission: { label: `writer ${writer} round ${round}` },
            onProgress: (progress) => {
              if (progress.retrying) retried.count++;
            },
          },
        );
        written.push({ writer, round, result });
        rounds[writer] = round;
      }
    }),
  );
  return {
    written,
    retried,
    /** Resolves once every writer has completed `more` rounds beyond where it is now. */
    progress(more: number) {
      const from = [...rounds];
      return until(() => rounds.every((round, writer) => round >= (from[writer] ?? 0) + more));
    },
    async stop() {
      stopping = true;
      await done;
    },
  };
}

/** Every submission to the project, oldest first, through every page. */
async function allSubmissions(server: ServerProcess): Promise<Submission[]> {
  const submissions: Submission[] = [];
  let cursor: string | null = null;
  do {
    const page = await getJson(
      `${server.url}/api/v1/submissions?project=${project}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
    );
    const body = submissionsResponseSchema.parse(page.body);
    submissions.push(...body.submissions);
    cursor = body.next_cursor;
  } while (cursor !== null);
  return submissions.reverse();
}

/** Expects a 503 with Retry-After and a message naming PostgreSQL, as a client sees it during an outage. */
async function expectUnavailable(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(503);
  expect(Number(response.headers.get('Retry-After'))).toBeGreaterThan(0);
  const body = apiErrorSchema.parse(JSON.parse(text));
  expect(body.error.code).toBe('store_unavailable');
  expect(body.error.message).toMatch(/PostgreSQL/);
}

describe('PostgreSQL restarting under load, two servers', () => {
  it('keeps both servers up: 503 with Retry-After meanwhile, then every submission stored exactly once', async () => {
    if (!cluster) throw new Error('the cluster did not start');
    const writers = startWriters();
    await writers.progress(2);

    await cluster.restart('fast');
    await writers.progress(2);
    await cluster.restart('immediate');
    await writers.progress(2);

    // A crash: the postmaster killed, its backends gone. Until it starts again, every request answers 503.
    await cluster.kill();
    for (const server of servers) {
      const patch = await fetch(`${server.url}/api/v1/projects/${project}/spans/metadata`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ spans: [{ span_id: spansOf(0)[0], patch_document: { during: 'outage' } }] }),
      });
      await expectUnavailable(patch);
      await expectUnavailable(await fetch(`${server.url}/api/v1/projects`));
      await expectUnavailable(
        await fetch(`${server.url}/api/v1/projects/${project}/spans/query`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ filter: { text: 'span' } }),
        }),
      );
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unavailable', store: { kind: 'postgres' } });
    }
    await cluster.start();
    // Back: the next request succeeds on each server.
    for (const server of servers) {
      const projects = await fetch(`${server.url}/api/v1/projects`);
      expect(projects.status, await projects.clone().text()).toBe(200);
    }
    await writers.progress(2);
    await writers.stop();

    for (const server of servers) {
      expect(server.alive(), server.stderr()).toBe(true);
      expect(server.stderr()).not.toMatch(/Unhandled 'error' event|uncaught/i);
    }
    // The outages reached the writers, and their retries completed every round: nothing failed or was left unsent.
    expect(writers.retried.count).toBeGreaterThan(0);
    for (const { result } of writers.written) {
      expect(result.errors, JSON.stringify(result.errors.slice(0, 2))).toEqual([]);
      expect(result).toMatchObject({ spans_updated: SPANS_PER_WRITER, spans_failed: 0, not_sent: [] });
    }

    const [first, second] = servers as [ServerProcess, ServerProcess];
    const submissions = await allSubmissions(first);
    // Exactly once: one submission per acknowledged round, each applied once (one batch, its spans once).
    const acknowledged = new Set(writers.written.map(({ result }) => result.submission_id));
    expect(submissions.map((submission) => submission.id).sort()).toEqual([...acknowledged].sort());
    for (const submission of submissions) {
      expect(submission).toMatchObject({ batches: 1, spans_processed: SPANS_PER_WRITER, spans_failed: 0 });
    }
    // The history replays to the final state, which holds each writer's last round.
    const replayed = new Map<string, Record<string, unknown>>();
    for (const submission of submissions) {
      const record = await submissionRecord(second, submission.id);
      expect(record.changes.filter((change) => change.key === 'round')).toHaveLength(SPANS_PER_WRITER);
      for (const change of record.changes) {
        const metadata = replayed.get(change.span_id) ?? {};
        metadata[change.key] = change.after;
        replayed.set(change.span_id, metadata);
      }
    }
    const ids = Array.from({ length: WRITERS }, (_, writer) => spansOf(writer)).flat();
    const lookup = await fetch(`${second.url}/api/v1/projects/${project}/spans/lookup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ span_ids: ids }),
    });
    const final = lookupResponseSchema.parse(await lookup.json());
    expect(final.missing).toEqual([]);
    for (const span of final.spans) {
      expect(span.metadata).toEqual(replayed.get(span.span_id));
      const writer = Math.floor(Number.parseInt(span.span_id, 16) / 0x100) - 1;
      const last = Math.max(...writers.written.filter((w) => w.writer === writer).map((w) => w.round));
      expect(span.metadata).toEqual({ writer, round: last });
    }
  }, 300_000);
});
