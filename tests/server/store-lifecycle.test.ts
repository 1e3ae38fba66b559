import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchResponseSchema } from '@/core/api';
import { openSqliteStore, StoreOpenError } from '@/server/store';
import { SCHEMA_VERSION } from '@/server/store/sqlite/sqlite-migrations';
import { ingestSpans, spanId, startTestServer } from './test-server';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spanpatch-store-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the SQLite store', () => {
  it('migrates a new database once, in WAL mode, and keeps data across reopening', async () => {
    const path = join(dir, 'nested', 'folder', 'spans.db');
    const store = openSqliteStore(path);
    await store.ingestSpans('p', [
      {
        spanId: spanId(1),
        traceId: '1'.repeat(32),
        parentSpanId: null,
        name: 'n',
        kind: 'LLM',
        startTime: '2025-01-01T00:00:00.000Z',
        endTime: null,
        metadata: '{"a": 1}',
      },
    ]);
    await store.close();
    const reopened = openSqliteStore(path);
    expect(await reopened.listProjects()).toEqual([{ name: 'p', spans: 1 }]);
    await reopened.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SCHEMA_VERSION }]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses a database written by a newer version', () => {
    const path = join(dir, 'future.db');
    const db = new Database(path);
    db.exec(
      'CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (999)',
    );
    db.close();
    expect(() => openSqliteStore(path)).toThrow(
      new StoreOpenError(
        `Cannot open the database ${path}: the database has schema version 999, newer than this server (${SCHEMA_VERSION}); upgrade Spanpatch`,
      ),
    );
  });

  it('refuses a file that is not a database, naming it and what to do, and leaves it as it was', async () => {
    const path = join(dir, 'notes.txt');
    const text = 'Not a database, just notes.\n'.repeat(40);
    await writeFile(path, text);
    expect(() => openSqliteStore(path)).toThrow(
      new StoreOpenError(
        `${path} is not a Spanpatch database (SQLite says: file is not a database, SQLITE_NOTADB). Point SPANPATCH_DB at a new file, or move this one away.`,
      ),
    );
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('refuses a folder as the database file', () => {
    expect(() => openSqliteStore(dir)).toThrow(StoreOpenError);
    expect(() => openSqliteStore(dir)).toThrow(`Cannot open or create the database ${dir} (SQLite says:`);
  });

  it('reports itself writable when it is, without changing anything', async () => {
    const path = join(dir, 'healthy.db');
    const store = openSqliteStore(path);
    expect(await store.health()).toEqual({ writable: true });
    expect(await store.listSubmissions({ project: null, limit: 10, before: null })).toEqual({
      submissions: [],
      next: null,
    });
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SCHEMA_VERSION }]);
    db.close();
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight before closing, then refuses new connections', async () => {
    const server = await startTestServer();
    await ingestSpans(server, 'p', [{ spanId: spanId(1) }]);
    const body = new TextEncoder().encode(
      JSON.stringify({ spans: [{ span_id: spanId(1), patch_document: { during: 'shutdown' } }] }),
    );
    let sendRest: () => void = () => undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(body.slice(0, 10));
        sendRest = () => {
          controller.enqueue(body.slice(10));
          controller.close();
        };
      },
    });
    const pending = fetch(`${server.url}/api/v1/projects/p/spans/metadata`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    sendRest();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(patchResponseSchema.parse(await response.json()).spans_updated).toBe(1);
    await closing;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await rm(server.dir, { recursive: true, force: true });
  });
});
