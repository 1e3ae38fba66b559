import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { patchResponseSchema } from '@/core/api';
import { lookupResponseSchema, submissionsResponseSchema } from '@/core/api/api-schema';
import { createApp } from '@/server/app';
import { createLogger } from '@/server/logger';
import type { IncomingSpan } from '@/server/patch/plan-ingest';
import { openSqliteStore } from '@/server/store';
import { SCHEMA_VERSION } from '@/server/store/sqlite/sqlite-migrations';
import { SqliteSpanStore } from '@/server/store/sqlite/sqlite-store';
import { getJson, otlpJson, postJson, spanId } from './test-server';

// Root ignores file permissions, so a read-only file is made real here in two ways: a SQLite connection opened
// read-only (in process), and the real server process over a file it may not write. NOTE: as root, that process
// runs without the capabilities that bypass file permissions (setpriv, from util-linux), rather than as another
// user: another user may not be able to read a checkout in a private folder.
const runningAsRoot = process.getuid?.() === 0;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spanpatch-failures-'));
  await chmod(dir, 0o755);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function incoming(n: number, metadata: object): IncomingSpan {
  return {
    spanId: spanId(n),
    traceId: '1'.repeat(32),
    parentSpanId: null,
    name: `span ${n}`,
    kind: 'LLM',
    startTime: `2025-01-01T00:00:0${n}.000Z`,
    endTime: null,
    metadata: JSON.stringify(metadata),
  };
}

/** A database file holding project `p` with spans 1…3, each `{ "turn": n }`, closed cleanly. */
async function seededDatabase(name: string): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder);
  const path = join(folder, 'spans.db');
  const store = openSqliteStore(path);
  await store.ingestSpans('p', [
    incoming(1, { turn: 1 }),
    incoming(2, { turn: 2 }),
    incoming(3, { turn: 3 }),
  ]);
  await store.close();
  return path;
}

/** The real HTTP app over a given store, on an ephemeral 127.0.0.1 port. */
async function serveStore(store: SqliteSpanStore): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApp({
    store,
    apiKeys: [],
    corsOrigins: [],
    maxBodyBytes: 10_000_000,
    staticDir: null,
    logger: createLogger('silent'),
    isClosing: () => false,
  });
  const server: Server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
}

const patchUrl = (url: string) => `${url}/api/v1/projects/p/spans/metadata`;

/**
 * What /healthz (readiness) answers while the store answers reads: a store that cannot write still serves reads,
 * so a load balancer keeps the server; its writes answer 503 saying why.
 */
const ready = {
  status: 200,
  body: { status: 'ok', store: { kind: 'sqlite', schema_version: SCHEMA_VERSION } },
};

async function storedMetadata(url: string): Promise<unknown[]> {
  const lookup = await postJson(`${url}/api/v1/projects/p/spans/lookup`, {
    span_ids: [spanId(1), spanId(2), spanId(3)],
  });
  expect(lookup.status).toBe(200);
  return lookupResponseSchema.parse(lookup.body).spans.map((span) => span.metadata);
}

async function submissionCount(url: string): Promise<number> {
  const list = await getJson(`${url}/api/v1/submissions?project=p`);
  expect(list.status).toBe(200);
  return submissionsResponseSchema.parse(list.body).submissions.length;
}

describe('a full disk', () => {
  let served: { url: string; close(): Promise<void> } | null = null;
  afterEach(async () => {
    await served?.close();
    served = null;
  });

  it('answers 503 with a plain message, applies nothing, stays ready for reads, and recovers', async () => {
    const path = await seededDatabase('full');
    const db = new Database(path);
    // The file may not grow by one page: SQLite then fails as on a full disk (SQLITE_FULL).
    db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`);
    served = await serveStore(new SqliteSpanStore(db));
    const { url } = served;
    expect(await getJson(`${url}/healthz`)).toEqual(ready);

    // The first span's change is small; the others need new pages. None of it may stay.
    const spans = [
      { span_id: spanId(1), patch_document: { turn: 10 } },
      { span_id: spanId(2), patch_document: { note: 'x'.repeat(200_000) } },
      { span_id: spanId(3), patch_document: { note: 'y'.repeat(200_000) } },
    ];
    const full = await postJson(patchUrl(url), { spans });
    const message = `The disk holding ${path} is full: the server cannot save changes. Free some space, then retry.`;
    expect(full.status).toBe(503);
    expect(full.body).toEqual({ error: { code: 'store_unavailable', message } });
    expect(full.headers.get('retry-after')).toBeNull();
    expect(await storedMetadata(url)).toEqual([{ turn: 1 }, { turn: 2 }, { turn: 3 }]);
    expect(await submissionCount(url)).toBe(0);
    expect(await getJson(`${url}/healthz`)).toEqual(ready);

    db.pragma('max_page_count = 1000000');
    const retried = await postJson(patchUrl(url), { spans });
    expect(retried.status).toBe(200);
    expect(patchResponseSchema.parse(retried.body)).toMatchObject({ spans_updated: 3, spans_failed: 0 });
    expect(await getJson(`${url}/healthz`)).toEqual(ready);
    expect(await submissionCount(url)).toBe(1);
  });
});

describe('a database locked by another program', () => {
  let served: { url: string; close(): Promise<void> } | null = null;
  afterEach(async () => {
    await served?.close();
    served = null;
  });

  it('answers a write with 503 and Retry-After once the lock outlasts the wait; /healthz does not wait', async () => {
    const path = await seededDatabase('locked');
    const db = new Database(path);
    db.pragma('busy_timeout = 50');
    served = await serveStore(new SqliteSpanStore(db));
    const { url } = served;
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(await getJson(`${url}/healthz`)).toEqual(ready);
      const patch = await postJson(patchUrl(url), {
        spans: [{ span_id: spanId(1), patch_document: { turn: 9 } }],
      });
      expect(patch.status).toBe(503);
      expect(patch.body).toEqual({
        error: {
          code: 'store_unavailable',
          message: `The database file ${path} is locked by another program writing to it. Retry in a moment; if this lasts, stop the other program.`,
        },
      });
      expect(patch.headers.get('retry-after')).toBe('5');
      expect(await storedMetadata(url)).toEqual([{ turn: 1 }, { turn: 2 }, { turn: 3 }]);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const retried = await postJson(patchUrl(url), {
      spans: [{ span_id: spanId(1), patch_document: { turn: 9 } }],
    });
    expect(retried.status).toBe(200);
    expect(await storedMetadata(url)).toEqual([{ turn: 9 }, { turn: 2 }, { turn: 3 }]);
  });
});

describe('a database the server may not write', () => {
  let served: { url: string; close(): Promise<void> } | null = null;
  afterEach(async () => {
    await served?.close();
    served = null;
  });

  it('still reads, so stays ready; writes and ingest answer 503 saying the file is read-only', async () => {
    const path = await seededDatabase('read-only-connection');
    served = await serveStore(new SqliteSpanStore(new Database(path, { readonly: true })));
    const { url } = served;
    const message = `The database file ${path} is read-only: the server cannot save changes. Make the file (and its -wal and -shm files) writable by the server's user, then retry.`;
    expect(await getJson(`${url}/healthz`)).toEqual(ready);
    expect(await storedMetadata(url)).toEqual([{ turn: 1 }, { turn: 2 }, { turn: 3 }]);

    const patch = await postJson(patchUrl(url), {
      spans: [{ span_id: spanId(1), patch_document: { turn: 9 } }],
    });
    expect(patch.status).toBe(503);
    expect(patch.body).toEqual({ error: { code: 'store_unavailable', message } });
    const ingest = await postJson(`${url}/v1/traces`, otlpJson('p', [{ spanId: spanId(4) }]));
    expect(ingest.status).toBe(503);
    expect(ingest.body).toEqual({ error: { code: 'store_unavailable', message } });
    expect(await storedMetadata(url)).toEqual([{ turn: 1 }, { turn: 2 }, { turn: 3 }]);
  });

  it('the real server over a read-only file starts, warns, reads, and answers writes with 503', async () => {
    const path = await seededDatabase('read-only-file');
    await chmod(path, 0o444);
    const server = await startServerProcess({ SPANPATCH_DB: path });
    try {
      const message = `The database file ${path} is read-only: the server cannot save changes. Make the file (and its -wal and -shm files) writable by the server's user, then retry.`;
      await server.printed(message);
      expect(await getJson(`${server.url}/healthz`)).toEqual(ready);
      expect(await storedMetadata(server.url)).toEqual([{ turn: 1 }, { turn: 2 }, { turn: 3 }]);
      const patch = await postJson(patchUrl(server.url), {
        spans: [{ span_id: spanId(1), patch_document: { turn: 9 } }],
      });
      expect(patch.status).toBe(503);
      expect(patch.body).toEqual({ error: { code: 'store_unavailable', message } });
    } finally {
      await server.stop();
    }
  });
});

describe('a database file the server cannot open', () => {
  it('a text file stops the server with one line naming it and what to do', async () => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'These are my notes, not a database.\n'.repeat(20));
    const run = await runServerProcess({ SPANPATCH_DB: path });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `${path} is not a Spanpatch database (SQLite says: file is not a database, SQLITE_NOTADB). Point SPANPATCH_DB at a new file, or move this one away.\n`,
    );
    expect(run.stdout).not.toContain('Spanpatch is running');
  });

  it('a folder that cannot be created stops the server with one line', async () => {
    const file = join(dir, 'plain-file');
    await writeFile(file, 'not a folder');
    const path = join(file, 'data', 'spans.db');
    const run = await runServerProcess({ SPANPATCH_DB: path });
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(
      new RegExp(
        `^Cannot create the folder ${escape(join(file, 'data'))} for the database ${escape(path)} \\(.*ENOTDIR.*\\)\\. Create it, or point SPANPATCH_DB at a file in a folder the server's user may write\\.$`,
      ),
    );
  });

  it('a read-only folder stops the server with one line naming the folder', async () => {
    const path = await seededDatabase('read-only-folder');
    const folder = join(dir, 'read-only-folder');
    await chmod(folder, 0o555);
    try {
      const run = await runServerProcess({ SPANPATCH_DB: path });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `Cannot open the database ${path}: its folder ${folder} is read-only, and SQLite must create spans.db-wal and spans.db-shm there. Make the folder writable by the server's user, or point SPANPATCH_DB elsewhere.\n`,
      );
    } finally {
      await chmod(folder, 0o755);
    }
  });

  it('a database from a newer Spanpatch stops the server with one line', async () => {
    const folder = join(dir, 'future');
    await mkdir(folder);
    const path = join(folder, 'spans.db');
    const db = new Database(path);
    db.exec(
      'CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (999)',
    );
    db.close();
    const run = await runServerProcess({ SPANPATCH_DB: path });
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(
      new RegExp(
        `^Cannot open the database ${escape(path)}: .*schema version 999, newer than this server.*Spanpatch`,
      ),
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text of a stream that must be exactly one line, without a stack trace. */
function oneLine(text: string): string {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  expect(text).not.toMatch(/^\s+at /m);
  return lines[0] ?? '';
}

/** Runs the real server entry point; as root, without the capabilities that let root ignore file permissions. */
function spawnServer(env: Record<string, string>): ChildProcess {
  const server = [process.execPath, '--import', 'tsx', 'src/server/main.ts'];
  const [command = '', ...args] = runningAsRoot
    ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search,-fowner', ...server]
    : server;
  return spawn(command, args, {
    cwd: process.cwd(),
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', SPANPATCH_API_KEYS: '', HOST: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the server until it exits by itself (it must: these databases cannot be opened). */
function runServerProcess(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnServer(env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A server process that listens; `printed` resolves once its output (stdout and stderr) contains a text. */
interface ServerProcess {
  url: string;
  printed(text: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the server and waits until it listens. */
function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawnServer(env);
  let output = '';
  const waiting = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of waiting) check();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const printed = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!output.includes(text)) return;
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      check();
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`server exited with ${code}: ${output}`));
    child.once('exit', onExit);
    const listening = () => {
      const url = /Spanpatch is running at (http:\/\/\S+)/.exec(output)?.[1];
      if (url === undefined) return;
      waiting.delete(listening);
      child.off('exit', onExit);
      resolve({ url, printed, stop });
    };
    waiting.add(listening);
  });
}
