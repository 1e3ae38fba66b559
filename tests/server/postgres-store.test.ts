import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { MetadataCondition, PatchResponse } from '@/core/api';
import type { IncomingSpan } from '@/server/patch/plan-ingest';
import type { SubmittedSpan } from '@/server/patch/plan-submission';
import {
  openPostgresStore,
  StoreOpenError,
  StoreUnavailableError,
  SubmissionConflictError,
} from '@/server/store';
import { LostAtCommit, postgresUnavailable } from '@/server/store/postgres/postgres-failure';
import { SCHEMA_VERSION } from '@/server/store/postgres/postgres-migrations';
import { PostgresSpanStore } from '@/server/store/postgres/postgres-store';
import type { PatchSubmission } from '@/server/store/span-store';
import { spanId } from './test-server';

// What only the PostgreSQL store does: migrations when several servers start at once, several servers writing to
// the same spans and keys, failures of a database server, and text PostgreSQL cannot hold as it is. The contract
// of the store (the same answers as SQLite) is the rest of tests/server, run on PostgreSQL by the `postgres` project.

const serverUrl = process.env.SPANPATCH_TEST_DATABASE_URL;
if (serverUrl === undefined || serverUrl === '') {
  throw new Error(
    'SPANPATCH_TEST_DATABASE_URL is not set: these tests need a PostgreSQL server. Run them in the postgres ' +
      'project (npx vitest run --project postgres), which starts one, or set it to postgres://user@host:port/db.',
  );
}
const adminUrl: string = serverUrl;
const prefix = process.env.SPANPATCH_TEST_DATABASE_PREFIX ?? 'spanpatch_store_test_';

async function admin<T extends pg.QueryResultRow>(text: string, url = adminUrl): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const created: string[] = [];

/** A new, empty database on the test server; dropped after the file. */
async function newDatabase(): Promise<{ name: string; url: string }> {
  const name = `${prefix}${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  created.push(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

afterAll(async () => {
  await Promise.all(created.map((name) => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
}, 120_000);

/**
 * Ends every connection to a database but the caller's, as a restart of the database server would, and waits
 * until they are gone: the stores' pools hold them as idle connections that no longer work.
 */
async function dropConnections(name: string): Promise<void> {
  const others = `FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`;
  await admin(`SELECT pg_terminate_backend(pid) ${others}`);
  while ((await admin<{ left: number }>(`SELECT count(*)::int AS left ${others}`))[0]?.left !== 0) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function incoming(n: number, metadata: object = {}, name = `span ${n}`): IncomingSpan {
  return {
    spanId: spanId(n),
    traceId: (n % 3).toString(16).padStart(32, '1'),
    parentSpanId: null,
    name,
    kind: 'LLM',
    startTime: new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString(),
    endTime: null,
    metadata: JSON.stringify(metadata),
  };
}

function patch(project: string, spans: [string, Record<string, string | number | null>][]): PatchSubmission {
  return {
    project,
    spans: spans.map(([id, entries]): SubmittedSpan => ({
      spanId: id,
      patch: { ok: true, stored: entries },
    })),
    keyName: null,
    idempotencyKey: null,
    submission: null,
  };
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => spanId(from + i));

/** Two stores on one new database, as two servers would have, with a project of 40 spans. */
async function twoServers(
  project: string,
): Promise<{ a: PostgresSpanStore; b: PostgresSpanStore; close(): Promise<void> }> {
  const { url } = await newDatabase();
  const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
  await a.ingestSpans(
    project,
    Array.from({ length: 40 }, (_, i) => incoming(i + 1)),
  );
  return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
}

describe('migrations', () => {
  it('run once when several servers open a new database at the same moment', async () => {
    const { url } = await newDatabase();
    const stores = await Promise.all(Array.from({ length: 6 }, () => openPostgresStore(url)));
    try {
      expect(await admin('SELECT version FROM schema_version', url)).toEqual([{ version: SCHEMA_VERSION }]);
      await stores[0]?.ingestSpans('p', [incoming(1, { a: 1 })]);
      for (const store of stores) expect(await store.listProjects()).toEqual([{ name: 'p', spans: 1 }]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
    const reopened = await openPostgresStore(url);
    expect(await reopened.lookupSpans('p', [spanId(1)])).toMatchObject({ spans: [{ metadata: { a: 1 } }] });
    await reopened.close();
  });

  it('refuse a database of a newer Spanpatch, in one line naming it without its password', async () => {
    const { url } = await newDatabase();
    await admin(
      'CREATE TABLE schema_version (version integer NOT NULL); INSERT INTO schema_version VALUES (999)',
      url,
    );
    const withPassword = new URL(url);
    withPassword.password = 'secret';
    const shown = new URL(url);
    shown.password = '***';
    await expect(openPostgresStore(withPassword.toString())).rejects.toThrow(
      new StoreOpenError(
        `Cannot open the database ${shown.toString()}: the database has schema version 999, newer than this server (${SCHEMA_VERSION}); upgrade Spanpatch`,
      ),
    );
  });

  it('a database that cannot be reached stops the start with one line', async () => {
    const error = await openPostgresStore('postgres://someone:secret@127.0.0.1:1/spans').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as Error).message).toBe(
      'Cannot connect to the PostgreSQL database postgres://someone:***@127.0.0.1:1/spans (connect ECONNREFUSED 127.0.0.1:1). Check that PostgreSQL is running there and that SPANPATCH_DATABASE_URL names it, then restart the server.',
    );
  });
});

describe('the server process', () => {
  it('stops with one line and exit code 1 when its database cannot be reached', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'error',
        SPANPATCH_API_KEYS: '',
        HOST: '',
        SPANPATCH_DATABASE_URL: 'postgres://someone:secret@127.0.0.1:1/spans',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toBe(
      'Cannot connect to the PostgreSQL database postgres://someone:***@127.0.0.1:1/spans (connect ECONNREFUSED 127.0.0.1:1). Check that PostgreSQL is running there and that SPANPATCH_DATABASE_URL names it, then restart the server.\n',
    );
    expect(stdout).not.toContain('Spanpatch is running');
  });
});

describe('two servers writing to the same spans and keys', () => {
  it('lose no update: every change is in the final state and in the history, which replays to it', async () => {
    const { a, b, close } = await twoServers('shared');
    try {
      const sends = Array.from({ length: 16 }, (_, i) =>
        (i % 2 === 0 ? a : b).applyPatches(
          patch(
            'shared',
            ids(1, 40).map((id) => [id, { [`k${i}`]: i, last: i }]),
          ),
        ),
      );
      const outcomes = await Promise.all(sends);
      expect(
        outcomes.every(({ response }) => response.spans_updated === 40 && response.spans_failed === 0),
      ).toBe(true);
      const { spans } = await b.lookupSpans('shared', ids(1, 40));
      for (const span of spans) {
        expect(Object.keys(span.metadata).sort()).toEqual(
          ['last', ...Array.from({ length: 16 }, (_, i) => `k${i}`)].sort(),
        );
        for (let i = 0; i < 16; i++) expect(span.metadata[`k${i}`]).toBe(i);
        // Replaying every change made to the span, in order, gives its final metadata.
        const detail = await a.getSpan('shared', span.span_id);
        const replayed: Record<string, unknown> = {};
        for (const change of detail?.changes ?? []) {
          expect(change.existed_before).toBe(change.key in replayed);
          if (change.existed_before) expect(replayed[change.key]).toBe(change.before);
          replayed[change.key] = change.after;
        }
        expect(replayed).toEqual(span.metadata);
      }
      const fields = await a.getFields('shared');
      expect(fields).toHaveLength(17);
      expect(fields.every((field) => field.spans === 40 && field.type === 'Int64')).toBe(true);
    } finally {
      await close();
    }
  });

  it('type each new key once, whichever server sends it first', async () => {
    const { a, b, close } = await twoServers('typed');
    try {
      const keys = Array.from({ length: 10 }, (_, j) => `t${j}`);
      const sends = keys.flatMap((key, j) => [
        a.applyPatches(
          patch(
            'typed',
            ids(1, 20).map((id) => [id, { [key]: j }]),
          ),
        ),
        b.applyPatches(
          patch(
            'typed',
            ids(21, 40).map((id) => [id, { [key]: `text ${j}` }]),
          ),
        ),
      ]);
      const responses = (await Promise.all(sends)).map(({ response }) => response);
      const fields = new Map((await a.getFields('typed')).map((field) => [field.key, field]));
      const { spans } = await b.lookupSpans('typed', ids(1, 40));
      keys.forEach((key, j) => {
        const [asNumber, asText] = [responses[2 * j], responses[2 * j + 1]] as [PatchResponse, PatchResponse];
        const field = fields.get(key);
        // One of the two batches typed the key; every span of the other failed with a type conflict.
        const [won, lost] = field?.type === 'Int64' ? [asNumber, asText] : [asText, asNumber];
        expect(field?.type === 'Int64' || field?.type === 'Utf8').toBe(true);
        expect(field?.spans).toBe(20);
        expect(won.spans_updated).toBe(20);
        expect(lost.spans_failed).toBe(20);
        expect(lost.errors[0]?.error_message).toMatch(
          new RegExp(`^\\[type_conflict\\] Type conflict on '${key}'`),
        );
        const held = spans.filter((span) => key in span.metadata).map((span) => typeof span.metadata[key]);
        expect(held).toEqual(
          Array.from({ length: 20 }, () => (field?.type === 'Int64' ? 'number' : 'string')),
        );
      });
    } finally {
      await close();
    }
  });

  it('never pass 1,000 keys in a project', async () => {
    const { a, b, close } = await twoServers('capped');
    try {
      const existing = Object.fromEntries(Array.from({ length: 990 }, (_, i) => [`base${i}`, i]));
      await a.applyPatches(patch('capped', [[spanId(1), existing]]));
      const sends = Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).applyPatches(
          patch('capped', [[spanId(2 + i), { [`new${i}a`]: 1, [`new${i}b`]: 2 }]]),
        ),
      );
      const responses = (await Promise.all(sends)).map(({ response }) => response);
      expect(await a.getFields('capped')).toHaveLength(1000);
      expect(responses.filter((response) => response.spans_updated === 1)).toHaveLength(5);
      for (const response of responses.filter((item) => item.spans_failed === 1)) {
        expect(response.errors[0]?.error_message).toMatch(
          /^\[druid_rejection\] The project would have 100[12] distinct/,
        );
      }
    } finally {
      await close();
    }
  });

  it('apply a batch retried on the other server once, and refuse a submission ID taken by another project', async () => {
    const { a, b, close } = await twoServers('retried');
    try {
      await a.ingestSpans('other', [incoming(1)]);
      const body = patch('retried', [[spanId(1), { once: 'yes' }]]);
      const retried = { ...body, idempotencyKey: { key: 'batch-1', requestDigest: 'digest-1' } };
      const [first, second] = await Promise.all([a.applyPatches(retried), b.applyPatches(retried)]);
      expect(first.response).toEqual(second.response);
      expect([first.replayed, second.replayed].sort()).toEqual([false, true]);
      const submission = await b.getSubmission(first.response.submission_id);
      expect(submission).toMatchObject({ batches: 1, spans_updated: 1 });

      const shared = { id: 'one-id-two-projects', label: 'shared' };
      const results = await Promise.allSettled([
        a.applyPatches({ ...patch('retried', [[spanId(2), { x: 1 }]]), submission: shared }),
        b.applyPatches({ ...patch('other', [[spanId(1), { x: 1 }]]), submission: shared }),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((result) => result.status === 'rejected');
      expect(refused?.reason).toBeInstanceOf(SubmissionConflictError);
      expect((refused?.reason as SubmissionConflictError).code).toBe('submission_id_taken');
    } finally {
      await close();
    }
  });

  it('see a revert made through the other server, and refuse to revert it twice', async () => {
    const { a, b, close } = await twoServers('reverted');
    try {
      const applied = await a.applyPatches(
        patch(
          'reverted',
          ids(1, 5).map((id) => [id, { label: 'new' }]),
        ),
      );
      const id = applied.response.submission_id;
      const [one, two] = await Promise.allSettled([
        b.revertSubmission({ submissionId: id, dryRun: false, keyName: null }),
        a.revertSubmission({ submissionId: id, dryRun: false, keyName: null }),
      ]);
      const outcomes = [one, two];
      expect(outcomes.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((result) => result.status === 'rejected');
      expect((refused?.reason as SubmissionConflictError).code).toBe('already_reverted');
      const { spans } = await a.lookupSpans('reverted', ids(1, 5));
      expect(spans.map((span) => span.metadata)).toEqual([{}, {}, {}, {}, {}]);
      expect((await a.getSubmission(id))?.reverted_by).toEqual(expect.any(String));
      expect((await a.getFields('reverted')).find((field) => field.key === 'label')?.spans).toBe(0);
    } finally {
      await close();
    }
  });
});

describe('a PostgreSQL server that cannot serve', () => {
  it('read-only: reads work; writes and /healthz say so, and it recovers', async () => {
    const { name, url } = await newDatabase();
    const store = await openPostgresStore(url);
    try {
      await store.ingestSpans('p', [incoming(1, { turn: 1 })]);
      await admin(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
      await dropConnections(name);
      const health = await store.health();
      expect(health.writable).toBe(false);
      const message = `The PostgreSQL database ${url} is read-only (PostgreSQL says: cannot execute UPDATE in a read-only transaction, 25006): the server cannot save changes. Point SPANPATCH_DATABASE_URL at the primary server, or make the database writable, then retry.`;
      expect(health).toEqual({ writable: false, message });
      const refused = await store
        .applyPatches(patch('p', [[spanId(1), { turn: 2 }]]))
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect(refused).toMatchObject({ reason: 'read_only' });
      expect((await store.lookupSpans('p', [spanId(1)])).spans[0]?.metadata).toEqual({ turn: 1 });

      await admin(`ALTER DATABASE ${name} RESET default_transaction_read_only`);
      await dropConnections(name);
      await store.applyPatches(patch('p', [[spanId(1), { turn: 2 }]]));
      expect(await store.health()).toEqual({ writable: true });
    } finally {
      await store.close();
    }
  });

  it('restarted: reads and writes go on, on new connections', async () => {
    const { name, url } = await newDatabase();
    const store = await openPostgresStore(url, { readConnections: 3, writeConnections: 3 });
    try {
      await store.ingestSpans('p', [incoming(1)]);
      await Promise.all([store.listProjects(), store.listProjects(), store.getFields('p')]);
      await dropConnections(name);
      expect(await store.listProjects()).toEqual([{ name: 'p', spans: 1 }]);
      await store.applyPatches(patch('p', [[spanId(1), { after: 'restart' }]]));
      expect(await store.health()).toEqual({ writable: true });
      expect((await store.lookupSpans('p', [spanId(1)])).spans[0]?.metadata).toEqual({ after: 'restart' });
    } finally {
      await store.close();
    }
  });

  it('a connection lost in the middle of a write: 503 with Retry-After, the process lives, and /healthz is fine once it is back', async () => {
    const { name, url } = await newDatabase();
    const store = await openPostgresStore(url);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await store.ingestSpans('p', [incoming(1)]);
      // Another server holds the project's turn: the write waits inside its transaction, on a checked-out connection.
      await holder.query('BEGIN');
      await holder.query("SELECT id FROM projects WHERE name = 'p' FOR UPDATE");
      const write = store.applyPatches(patch('p', [[spanId(1), { lost: 'yes' }]])).catch((e: unknown) => e);
      const waiting = `FROM pg_stat_activity WHERE datname = '${name}' AND wait_event_type = 'Lock'`;
      while ((await admin<{ n: number }>(`SELECT count(*)::int AS n ${waiting}`))[0]?.n !== 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The database ends that connection, as a restart does.
      await admin(`SELECT pg_terminate_backend(pid) ${waiting}`);
      const error = await write;
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ reason: 'cannot_open', retryAfterSeconds: 2 });
      expect((error as Error).message).toMatch(/may be restarting\. Retry in a moment/);
      await holder.query('ROLLBACK');
      // The database is fine again: /healthz says so at once, without waiting for a write to succeed.
      expect(await store.health()).toEqual({ writable: true });
      await store.applyPatches(patch('p', [[spanId(1), { lost: 'no' }]]));
      expect((await store.lookupSpans('p', [spanId(1)])).spans[0]?.metadata).toEqual({ lost: 'no' });
    } finally {
      await holder.end();
      await store.close();
    }
  });

  it('unreachable: every call answers 503 with a plain message, and /healthz says so', async () => {
    const store = new PostgresSpanStore('postgres://spanpatch@127.0.0.1:1/spans', {
      connectionTimeoutMs: 2000,
    });
    try {
      const message =
        'The PostgreSQL database postgres://spanpatch@127.0.0.1:1/spans cannot be reached (connect ECONNREFUSED 127.0.0.1:1): the server cannot read or save changes. Check that PostgreSQL is running and accepts connections there, then retry.';
      expect(await store.health()).toEqual({ writable: false, message });
      await expect(store.listProjects()).rejects.toThrow(new StoreUnavailableError('cannot_open', message));
      await expect(store.applyPatches(patch('p', []))).rejects.toThrow(message);
    } finally {
      await store.close();
    }
  });

  it('out of connections: a write answers 503 with Retry-After', async () => {
    const { url } = await newDatabase();
    const role = `${prefix}limited_${randomBytes(3).toString('hex')}`;
    await admin(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 0`);
    try {
      const limited = new URL(url);
      limited.username = role;
      const store = new PostgresSpanStore(limited.toString());
      try {
        const error = await store.applyPatches(patch('p', [])).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as StoreUnavailableError).retryAfterSeconds).toBe(5);
        expect((error as Error).message).toMatch(
          /has no free connection \(PostgreSQL says: too many connections for role .*, 53300\)\. Retry in a moment/,
        );
      } finally {
        await store.close();
      }
    } finally {
      await admin(`DROP ROLE ${role}`);
    }
  });

  it('a full disk names the database and what to do', () => {
    const full = Object.assign(
      new Error('could not extend file "base/16384/16385": No space left on device'),
      {
        code: '53100',
      },
    );
    expect(postgresUnavailable(full, 'postgres://db.example/spans')).toMatchObject({
      reason: 'disk_full',
      message:
        'The disk of the PostgreSQL database postgres://db.example/spans is full: the server cannot save changes. Free some space on the database server, then retry.',
    });
    expect(postgresUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }), 'x')).toBeNull();
  });

  it('a connection lost while a write was being committed: 503, saying it may have been saved and how to retry', () => {
    const lost = postgresUnavailable(
      new LostAtCommit(new Error('Connection terminated unexpectedly')),
      'postgres://db.example/spans',
    );
    expect(lost).toMatchObject({ reason: 'cannot_open', retryAfterSeconds: 2 });
    expect(lost?.message).toBe(
      'The PostgreSQL database postgres://db.example/spans cannot be reached (Connection terminated unexpectedly): the server cannot read or save changes. Check that PostgreSQL is running and accepts connections there, then retry. The connection was lost while the change was being saved, so it may or may not have been saved: retry with the same Idempotency-Key, which applies it at most once.',
    );
  });
});

describe('text PostgreSQL cannot hold as it is', () => {
  it('keeps NUL, lone surrogates and private-use characters in keys, values, span IDs and names', async () => {
    const { url } = await newDatabase();
    const store = await openPostgresStore(url);
    try {
      await store.ingestSpans('odd\u0000project', [incoming(1, {}, 'name with \u0000 and \uE000')]);
      const metadata = { 'key\u0000': 'a\u0000b', lone: 'x\uD800y', esc: '\uE000\uE001', pair: '😀' };
      const applied = await store.applyPatches(
        patch('odd\u0000project', [
          [spanId(1), metadata],
          ['ghost\u0000\uDC00', { a: 1 }],
        ]),
      );
      expect(applied.response.errors[0]?.span_id).toBe('ghost\u0000\uDC00');
      expect((await store.lookupSpans('odd\u0000project', [spanId(1)])).spans[0]?.metadata).toEqual(metadata);
      expect((await store.listProjects()).map((project) => project.name)).toEqual(['odd\u0000project']);
      const page = await store.listSpans('odd\u0000project', {
        limit: 10,
        after: null,
        search: '\u0000 and \uE000',
      });
      expect(page.spans.map((span) => span.name)).toEqual(['name with \u0000 and \uE000']);
      const found = await store.searchSpans('odd\u0000project', {
        filter: {
          metadata: [
            { key: 'key\u0000', op: 'eq', value: 'a\u0000b' },
            { key: 'esc', op: 'contains', value: '\uE001' },
          ],
        },
        limit: 10,
        after: null,
        count: true,
        idsOnly: false,
      });
      expect(found.total).toBe(1);
      const changes = await store.listSubmissionChanges(applied.response.submission_id, {
        limit: 10,
        after: null,
        search: null,
      });
      expect(changes?.rows.map((change) => [change.key, change.after])).toEqual(Object.entries(metadata));
      const errors = await store.listSubmissionErrors(applied.response.submission_id, {
        limit: 10,
        after: null,
        search: 'ghost\u0000',
      });
      expect(errors?.rows.map((error) => error.span_id)).toEqual(['ghost\u0000\uDC00']);
    } finally {
      await store.close();
    }
  });
});

describe('sizes SQLite takes', () => {
  it('stores a project name and a value far longer than an index entry holds', async () => {
    const { url } = await newDatabase();
    const store = await openPostgresStore(url);
    try {
      const project = `service ${'x'.repeat(10_000)}`;
      await store.ingestSpans(project, [incoming(1, { note: 'n'.repeat(200_000) })]);
      await store.ingestSpans(project, [incoming(2)]);
      await store.applyPatches(patch(project, [[spanId(2), { note: 'm'.repeat(300_000) }]]));
      expect(await store.listProjects()).toEqual([{ name: project, spans: 2 }]);
      const { spans } = await store.lookupSpans(project, [spanId(1), spanId(2)]);
      expect(spans.map((span) => String(span.metadata.note).length)).toEqual([200_000, 300_000]);
      expect(await store.deleteProject(project)).toBe(true);
      expect(await store.listProjects()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('finding spans', () => {
  it('fills in the search form of every name when it upgrades a database, so old spans are found as new ones', async () => {
    const { url } = await newDatabase();
    const store = await openPostgresStore(url);
    await store.ingestSpans('p', [incoming(1, {}, 'ÉCOLE normale'), incoming(2, {}, 'Straße')]);
    await store.close();
    // Back to the schema before: names indexed as they are, no search form (and none of the migrations after that
    // one: a span's input, output and attributes; the history by span row runs again, on a history of no change).
    await admin(
      `DROP INDEX spans_by_name; ALTER TABLE spans DROP COLUMN search_name;
       ALTER TABLE spans DROP COLUMN input_value, DROP COLUMN output_value, DROP COLUMN input_preview,
         DROP COLUMN attributes;
       CREATE INDEX spans_by_name ON spans USING gin (name gin_trgm_ops);
       UPDATE schema_version SET version = ${SCHEMA_VERSION - 3}`,
      url,
    );
    const upgraded = await openPostgresStore(url);
    try {
      await upgraded.ingestSpans('p', [incoming(3, {}, 'école du soir')]);
      const find = async (text: string) =>
        (
          await upgraded.searchSpans('p', {
            filter: { text },
            limit: 10,
            after: null,
            count: false,
            idsOnly: true,
          })
        ).spanIds;
      expect(await find('école')).toEqual([spanId(3), spanId(1)]);
      expect(await find('É')).toEqual([spanId(3), spanId(1)]);
      expect(await find('STRASSE')).toEqual([spanId(2)]);
    } finally {
      await upgraded.close();
    }
  });

  it('finds nothing less or greater than null, rather than failing (the API refuses such a filter)', async () => {
    const { url } = await newDatabase();
    const store = await openPostgresStore(url);
    try {
      await store.ingestSpans('p', [incoming(1, { turn: 1 })]);
      for (const op of ['lt', 'gt'] as const) {
        const found = await store.searchSpans('p', {
          // NOTE: a condition the API's schema refuses, reaching the store anyway: it must not fail.
          filter: { metadata: [{ key: 'turn', op, value: null } as unknown as MetadataCondition] },
          limit: 10,
          after: null,
          count: true,
          idsOnly: false,
        });
        expect(found).toMatchObject({ spans: [], total: 0 });
      }
    } finally {
      await store.close();
    }
  });
});

describe('finding spans at scale', () => {
  it('answers ID, trace, name and metadata lookups through their indexes', async () => {
    const { url } = await newDatabase();
    const store = await openPostgresStore(url);
    try {
      const spans = Array.from({ length: 20_000 }, (_, i) =>
        incoming(i + 1, { tier: i % 1000 === 0 ? 'rare' : 'common', turn: i }, `step ${i % 7} of run ${i}`),
      );
      for (let i = 0; i < spans.length; i += 5000) await store.ingestSpans('big', spans.slice(i, i + 5000));
      // As autovacuum would: GIN indexes filled by inserts are costed right once vacuumed.
      await admin('VACUUM ANALYZE spans', url);
      const plan = async (filter: object) =>
        (
          await store.searchPlan('big', { filter, limit: 50, after: null, count: false, idsOnly: false })
        ).join('\n');
      const byText = await plan({ text: spanId(12345) });
      expect(byText).toMatch(/spans_project_id_span_id_key/);
      expect(byText).toMatch(/spans_by_trace/);
      expect(byText).toMatch(/spans_by_name/);
      expect(await plan({ span_ids: [spanId(7)] })).toMatch(/spans_project_id_span_id_key/);
      expect(await plan({ trace_ids: ['x'.repeat(32)] })).toMatch(/spans_by_trace/);
      expect(await plan({ metadata: [{ key: 'tier', op: 'eq', value: 'rare' }] })).toMatch(
        /spans_by_metadata/,
      );
      expect(await plan({ text: 'run 1234' })).toMatch(/spans_by_name/);
    } finally {
      await store.close();
    }
  });
});
