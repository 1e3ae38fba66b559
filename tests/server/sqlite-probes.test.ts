import { copyFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '@/server/app';
import { createLogger } from '@/server/logger';
import { openSqliteStore } from '@/server/store';
import { SCHEMA_VERSION } from '@/server/store/sqlite/sqlite-migrations';
import { SqliteSpanStore } from '@/server/store/sqlite/sqlite-store';
import { getJson, ingestSpans, postJson, spanId, startTestServer, type TestServer } from './test-server';

let server: TestServer | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

const ready = { status: 'ok', store: { kind: 'sqlite', schema_version: SCHEMA_VERSION } };

describe.each(['worker', 'event-loop'] as const)('readiness on SQLite (writes on the %s)', (sqliteWrites) => {
  it('is 503 at the first probe while the database file is gone, and 200 at the next once it is back, without a write', async () => {
    server = await startTestServer({ sqliteWrites });
    await ingestSpans(server, 'p', [{ spanId: spanId(1) }]);
    const { url, dbPath } = server;
    expect(await getJson(`${url}/readyz`)).toEqual({ status: 200, body: ready });

    const elsewhere = `${dbPath}.moved`;
    await rename(dbPath, elsewhere);
    const down = await fetch(`${url}/readyz`);
    expect(down.status).toBe(503);
    expect(down.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    const message = `The database file ${dbPath} is missing: it was moved or deleted while the server ran. Put it back; the server answers again as soon as it is there.`;
    expect(await down.json()).toEqual({ status: 'unavailable', store: { kind: 'sqlite', message } });
    expect(await getJson(`${url}/healthz`)).toEqual({
      status: 503,
      body: { status: 'unavailable', store: { kind: 'sqlite', message } },
    });
    expect(await getJson(`${url}/livez`)).toEqual({ status: 200, body: { status: 'ok' } });

    await rename(elsewhere, dbPath);
    expect(await getJson(`${url}/readyz`)).toEqual({ status: 200, body: ready });
    expect(await getJson(`${url}/healthz`)).toEqual({ status: 200, body: ready });
  });

  it('is 503 while another file stands at the database’s path', async () => {
    server = await startTestServer({ sqliteWrites });
    const { url, dbPath } = server;
    const original = `${dbPath}.original`;
    await rename(dbPath, original);
    await copyFile(original, dbPath);
    const message = `The database file ${dbPath} was replaced by another file while the server ran. Put the original back, or restart the server to open the new one.`;
    expect(await getJson(`${url}/readyz`)).toEqual({
      status: 503,
      body: { status: 'unavailable', store: { kind: 'sqlite', message } },
    });
    await rename(original, dbPath);
    expect(await getJson(`${url}/readyz`)).toEqual({ status: 200, body: ready });
  });
});

describe('a store that cannot write, on SQLite', () => {
  it('stays ready (it still reads), and /metrics counts each refused write by its reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spanpatch-probes-'));
    const path = join(dir, 'spans.db');
    const seeding = openSqliteStore(path);
    await seeding.ingestSpans('p', [
      {
        spanId: spanId(1),
        traceId: '1'.repeat(32),
        parentSpanId: null,
        name: 'span',
        kind: 'LLM',
        startTime: '2025-01-01T00:00:00.000Z',
        endTime: null,
        metadata: '{}',
      },
    ]);
    await seeding.close();
    const store = new SqliteSpanStore(new Database(path, { readonly: true }));
    const app = createApp({
      store,
      apiKeys: [],
      corsOrigins: [],
      maxBodyBytes: 1_000_000,
      staticDir: null,
      logger: createLogger('silent'),
      isClosing: () => false,
      metrics: true,
    });
    const listening = createServer(getRequestListener(app.fetch));
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    try {
      const patch = { spans: [{ span_id: spanId(1), patch_document: { turn: 9 } }] };
      for (let i = 0; i < 2; i++) {
        expect((await postJson(`${url}/api/v1/projects/p/spans/metadata`, patch)).status).toBe(503);
      }
      expect(await getJson(`${url}/readyz`)).toEqual({ status: 200, body: ready });
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(text).toContain('spanpatch_store_errors_total{reason="read_only"} 2');
    } finally {
      await new Promise((resolve) => listening.close(resolve));
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
