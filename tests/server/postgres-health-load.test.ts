import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMetadata } from '@/client';
import type { AggregatedResponse } from '@/core/api';
import { createTestDatabase } from '../support/postgres-cluster';
import { type ServerProcess, startServerProcess, stopServerProcess } from '../support/server-process';
import { ingestSpans, spanId } from './test-server';

// 16 writers on two servers sharing one PostgreSQL, each write slow (as a batch of thousands of spans is on a busy
// database), so that writes queue for connections and for their project's turn: /healthz must keep answering 200
// (a load balancer would otherwise take healthy servers out), and the writes wait their turn instead of being
// refused.

const WRITERS = 16;
/**
 * How long each write holds its project's turn: the 32 writes in flight then take about 48 s in all, and the last
 * ones wait over 30 s for a connection.
 */
const WRITE_SECONDS = 1.5;
/** The pool sizes the servers are given (SPANPATCH_DATABASE_READ_CONNECTIONS, _WRITE_CONNECTIONS). */
const READS = 2;
const WRITES = 3;
const project = 'busy';
let servers: ServerProcess[] = [];
let databaseUrl = '';

/** Runs SQL on the test database, as its administrator. */
async function onDatabase<Row extends pg.QueryResultRow>(text: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(text)).rows;
  } finally {
    await client.end();
  }
}

/** How many connections the servers hold now, by pool (their application_name). */
async function connectionsByPool(): Promise<Map<string, number>> {
  const rows = await onDatabase<{ pool: string; n: number }>(
    `SELECT application_name AS pool, count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND application_name LIKE 'spanpatch %' GROUP BY application_name`,
  );
  return new Map(rows.map((row) => [row.pool, row.n]));
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  const env = {
    SPANPATCH_DATABASE_URL: databaseUrl,
    SPANPATCH_DATABASE_READ_CONNECTIONS: String(READS),
    SPANPATCH_DATABASE_WRITE_CONNECTIONS: String(WRITES),
  };
  servers.push(await startServerProcess(env));
  servers.push(await startServerProcess(env));
  await ingestSpans(
    servers[0] as ServerProcess,
    project,
    Array.from({ length: WRITERS * 2 }, (_, i) => ({ spanId: spanId(i + 1) })),
  );
  // NOTE: a slow disk, simulated: each write's batch record takes WRITE_SECONDS, while it holds its project's turn.
  await onDatabase(`
    CREATE FUNCTION slow_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(${WRITE_SECONDS}); RETURN NULL; END $$;
    CREATE TRIGGER slow_write AFTER INSERT ON batches FOR EACH STATEMENT EXECUTE FUNCTION slow_write();
  `);
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map(stopServerProcess));
  servers = [];
});

describe('PostgreSQL busy with writes from two servers', () => {
  it('keeps /healthz at 200 on both servers, and every write waits its turn rather than being refused', async () => {
    let writing = true;
    const unhealthy: string[] = [];
    let probes = 0;
    const most = new Map<string, number>();
    const probing = (async () => {
      while (writing) {
        for (const server of servers) {
          const health = await fetch(`${server.url}/healthz`);
          probes++;
          if (health.status !== 200) unhealthy.push(`${health.status} ${await health.text()}`);
        }
        for (const [pool, n] of await connectionsByPool()) most.set(pool, Math.max(n, most.get(pool) ?? 0));
        // Pacing only: a load balancer probes every few seconds; this one a few times a second.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    let results: AggregatedResponse[];
    try {
      results = await Promise.all(
        Array.from({ length: WRITERS }, (_, writer) =>
          logMetadata(
            project,
            [0, 1].map((i) => ({ span_id: spanId(writer * 2 + i + 1), patch_document: { writer, i } })),
            {
              baseUrl: (servers[writer % 2] as ServerProcess).url,
              // Two batches in flight per writer: 32 writes queue at once.
              batchSize: 1,
              concurrency: 2,
              // No retry: a write refused (503) fails its span. A patient client: no attempt times out.
              maxRetries: 0,
              requestTimeoutMs: 120_000,
            },
          ),
        ),
      );
    } finally {
      writing = false;
      await probing;
    }
    expect(probes).toBeGreaterThan(0);
    expect(unhealthy).toEqual([]);
    for (const result of results) {
      expect(result.errors, JSON.stringify(result.errors[0])).toEqual([]);
      expect(result.spans_updated).toBe(2);
    }
    // Each server opened no more connections than configured (README "Running with PostgreSQL"): the writes used
    // all of theirs, the health probe its own one.
    expect(most.get('spanpatch writes')).toBe(2 * WRITES);
    expect(most.get('spanpatch reads') ?? 0).toBeLessThanOrEqual(2 * READS);
    expect(most.get('spanpatch health') ?? 0).toBeLessThanOrEqual(2);
  }, 180_000);
});
