import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '@/server/start-server';
import { SCHEMA_VERSION } from '@/server/store/postgres/postgres-migrations';
import { type PostgresCluster, startPostgresCluster, withDatabase } from '../support/postgres-cluster';
import { getJson, ingestSpans, postJson, spanId } from './test-server';

// A PostgreSQL of this file's own, stopped and started again as an outage would: the run's shared one serves the
// other test files meanwhile.

let cluster: PostgresCluster;
let server: RunningServer;
let databaseUrl: string;

beforeAll(async () => {
  cluster = await startPostgresCluster({ ...process.env, SPANPATCH_TEST_DATABASE_URL: '' });
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('CREATE DATABASE probes');
  await admin.end();
  databaseUrl = withDatabase(cluster.url, 'probes');
  server = await startServer({ dbPath: '', databaseUrl, port: 0, logLevel: 'silent', metrics: true });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await cluster?.stop();
}, 120_000);

const ready = { status: 'ok', store: { kind: 'postgres', schema_version: SCHEMA_VERSION } };

describe('readiness on PostgreSQL', () => {
  it('is 503 at the first probe while the database is down, and 200 at the first probe once it is back, without a write', async () => {
    const outage = cluster.outage;
    if (outage === null)
      throw new Error('The cluster of this file is not a throwaway one: it cannot be stopped');
    await ingestSpans(server, 'p', [{ spanId: spanId(1) }]);
    // Connections in the pool, as a busy server has them: the outage breaks them all.
    await Promise.all([1, 2, 3].map(() => fetch(`${server.url}/api/v1/projects`)));
    expect(await getJson(`${server.url}/readyz`)).toEqual({ status: 200, body: ready });

    await outage.stop();
    try {
      const down = await fetch(`${server.url}/readyz`);
      expect(down.status).toBe(503);
      expect(down.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
      const body = (await down.json()) as { status: string; store: { kind: string; message: string } };
      expect(body).toMatchObject({ status: 'unavailable', store: { kind: 'postgres' } });
      expect(body.store.message).toMatch(
        /^The PostgreSQL database postgres:\/\/postgres@127\.0\.0\.1:\d+\/probes cannot be reached/,
      );
      expect((await getJson(`${server.url}/healthz`)).status).toBe(503);
      expect(await getJson(`${server.url}/livez`)).toEqual({ status: 200, body: { status: 'ok' } });
      const write = await postJson(`${server.url}/api/v1/projects/p/spans/metadata`, {
        spans: [{ span_id: spanId(1), patch_document: { during: 'outage' } }],
      });
      expect(write.status).toBe(503);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toContain('spanpatch_store_errors_total{reason="cannot_open"} 1');
    } finally {
      await outage.restart();
    }
    expect(await getJson(`${server.url}/readyz`)).toEqual({ status: 200, body: ready });
    expect(await getJson(`${server.url}/healthz`)).toEqual({ status: 200, body: ready });
  });
});
