import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '@/server/app';
import { createLogger } from '@/server/logger';
import { DEFAULT_MAX_BODY_BYTES } from '@/server/http/read-body';
import { openPostgresStore, openThreadedSqliteStore, type SpanStore } from '@/server/store';
import type { ApiKey } from '@/server/http/auth';
import { createTestDatabase } from '../support/postgres-cluster';
import { testStore } from './test-server';

/**
 * The server's app (`createApp`, every route and middleware) over a real store, answering through Hono's
 * `app.request` instead of a socket: for tests that call the API and need nothing of HTTP's wire (no port, no
 * connection to break or time out). Tests of the wire itself keep a real port (`startTestServer`).
 */
export interface InProcessServer {
  /** The address the client and the app are given; nothing listens there, `fetch` answers for it. */
  url: string;
  /** A `fetch` that hands each request to the app in this process, as the client's `fetch` (or the global one). */
  fetch: typeof fetch;
  store: SpanStore;
  /** The SQLite file, in a fresh temporary folder (unused on PostgreSQL). */
  dbPath: string;
  /** The server's PostgreSQL database, or null when it runs on SQLite. */
  databaseUrl: string | null;
  /** Closes the store and removes the temporary folder. */
  stop(): Promise<void>;
}

/**
 * Opens the store of this run (a SQLite file in a fresh temporary folder, or in the `postgres` project a
 * PostgreSQL database of its own, as `startTestServer`) and the server's app over it, reached through `fetch`.
 * Without `apiKeys`, the app answers only loopback names, as a server without keys does: `url` is one.
 */
export async function startInProcessServer(
  options: { apiKeys?: readonly ApiKey[] } = {},
): Promise<InProcessServer> {
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-test-'));
  const dbPath = join(dir, 'spans.db');
  const databaseUrl = testStore() === 'postgres' ? await createTestDatabase() : null;
  const store =
    databaseUrl === null ? await openThreadedSqliteStore(dbPath) : await openPostgresStore(databaseUrl);
  const app = createApp({
    store,
    apiKeys: options.apiKeys ?? [],
    corsOrigins: [],
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    staticDir: null,
    logger: createLogger('silent'),
    isClosing: () => false,
  });
  const url = 'http://in-process.localhost';
  const fetchInProcess = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const target = new URL(request.url);
    if (target.origin !== url) throw new TypeError(`fetch failed: nothing answers for ${target.origin} here`);
    // NOTE: a fetch over the network sends the Host header itself; the app checks it (no keys: loopback only).
    const headers = new Headers(request.headers);
    headers.set('Host', target.host);
    return app.request(new Request(request, { headers }));
  };
  return {
    url,
    fetch: fetchInProcess as typeof fetch,
    store,
    dbPath,
    databaseUrl,
    async stop() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
