import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '@/server/store';
import { ingestSpans, postJson, spanId, startTestServer, type TestServer } from '../server/test-server';
import { runCli, tempFolder } from './cli-process';

let folder: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  folder = await tempFolder();
});

afterAll(async () => {
  await folder.remove();
});

const PROJECT = 'backed-up';
const INGEST_BATCH = 100;
const PATCH_BATCH = 50;

/** The metadata of spans read from a database file, opened as the server opens it. */
async function metadataIn(path: string, spanIds: readonly string[]): Promise<Map<string, unknown>> {
  const store = openSqliteStore(path);
  try {
    const found = new Map<string, unknown>();
    for (let start = 0; start < spanIds.length; start += 1000) {
      const answer = await store.lookupSpans(PROJECT, spanIds.slice(start, start + 1000));
      for (const span of answer.spans) found.set(span.span_id, span.metadata);
    }
    return found;
  } finally {
    await store.close();
  }
}

/** How many spans a database file holds by itself, read as a plain copy of it would be (no WAL beside it). */
function spansInFileAlone(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'spans'").get();
    return table === undefined
      ? 0
      : (db.prepare<[], number>('SELECT count(*) FROM spans').pluck().get() ?? 0);
  } finally {
    db.close();
  }
}

/**
 * Writers submitting over HTTP until stopped: ingest writers add new spans in batches (metadata `batch`), a patch
 * writer sets `reviewed` on spans already acknowledged, each span once. `ingested` and `reviewed` hold what the
 * server acknowledged (200), in order.
 */
function startWriters(server: TestServer) {
  const ingested = new Map<string, number>();
  const reviewed = new Set<string>();
  const failures: string[] = [];
  let stopped = false;
  let nextSpan = 0;
  let nextBatch = 0;
  const ingestWriter = async () => {
    while (!stopped) {
      const batch = nextBatch++;
      const spans = Array.from({ length: INGEST_BATCH }, () => {
        const id = spanId(++nextSpan);
        return { spanId: id, name: `span ${id}`, metadata: { batch } };
      });
      try {
        await ingestSpans(server, PROJECT, spans);
        for (const span of spans) ingested.set(span.spanId, batch);
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  const patchWriter = async () => {
    let round = 0;
    while (!stopped) {
      const spans = [...ingested.keys()].filter((id) => !reviewed.has(id)).slice(0, PATCH_BATCH);
      if (spans.length === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      round++;
      const answer = await postJson(`${server.url}/api/v1/projects/${PROJECT}/spans/metadata`, {
        spans: spans.map((id) => ({ span_id: id, patch_document: { reviewed: 'yes', round } })),
      });
      const body = answer.body as { spans_updated?: number };
      if (answer.status !== 200 || body.spans_updated !== spans.length) {
        failures.push(`patch answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        continue;
      }
      for (const id of spans) reviewed.add(id);
    }
  };
  const running = Promise.all([ingestWriter(), ingestWriter(), patchWriter()]);
  return {
    ingested,
    reviewed,
    failures,
    /** Resolves when the acknowledged spans reach `count`. */
    async reach(count: number) {
      while (ingested.size < count && failures.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}

describe('spanpatch backup', () => {
  it('copies every span the server acknowledged, with its metadata, while writers keep submitting', async () => {
    const server = await startTestServer();
    // NOTE: a reader holding its snapshot, as a long export does, keeps SQLite from checkpointing past it: every
    // span written after it stays in the write-ahead log, where a copy of the database file alone misses it.
    const reader = new Database(server.dbPath, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM projects').get();
    const writers = startWriters(server);
    try {
      await writers.reach(3000);
      expect(writers.failures).toEqual([]);
      // What the server acknowledged before the backup started: all of it must be in the copy.
      const acknowledged = new Map(writers.ingested);
      const acknowledgedReviewed = new Set(writers.reviewed);
      const plainCopy = join(folder.dir, 'plain-copy.db');
      await copyFile(server.dbPath, plainCopy);
      const file = join(folder.dir, 'live-backup.db');
      const backup = await runCli(['backup', file, '--db', server.dbPath], { cwd: folder.dir });
      const ingestedDuringBackup = writers.ingested.size - acknowledged.size;
      await writers.stop();

      expect(backup.stderr).toBe('');
      expect(backup.status).toBe(0);
      expect(backup.stdout).toMatch(
        new RegExp(
          `^Backed up ${server.dbPath} to ${file}: [\\d,]+ spans in 1 project, schema version \\d+, `,
        ),
      );
      // The server went on writing while the backup ran, and never failed a write.
      expect(ingestedDuringBackup).toBeGreaterThan(0);
      expect(writers.failures).toEqual([]);
      // A plain copy of the file, made at the same moment, lacks spans the server had acknowledged.
      expect(spansInFileAlone(plainCopy)).toBeLessThan(acknowledged.size);

      // The backup is one file: nothing of it is left in a write-ahead log beside it.
      expect(existsSync(`${file}-wal`)).toBe(false);
      const alone = join(folder.dir, 'restored', 'spanpatch.db');
      await mkdir(join(folder.dir, 'restored'));
      await copyFile(file, alone);
      expect(spansInFileAlone(alone)).toBeGreaterThanOrEqual(acknowledged.size);
      const restored = await metadataIn(alone, [...acknowledged.keys()]);
      const missing = [...acknowledged.keys()].filter((id) => !restored.has(id));
      expect(missing).toEqual([]);
      for (const [id, batch] of acknowledged) {
        expect(restored.get(id)).toMatchObject({ batch });
        if (acknowledgedReviewed.has(id)) expect(restored.get(id)).toMatchObject({ reviewed: 'yes' });
      }
      expect(acknowledgedReviewed.size).toBeGreaterThan(0);
    } finally {
      reader.exec('COMMIT');
      reader.close();
      await writers.stop();
      await server.stop();
    }
  });

  it('never writes over a file unless --force, nor over the database itself', async () => {
    const server = await startTestServer();
    try {
      await ingestSpans(server, PROJECT, [{ spanId: spanId(1), metadata: { kept: 'yes' } }]);
      const file = await folder.write('taken.db', 'an earlier backup');
      const refused = await runCli(['backup', file, '--db', server.dbPath], { cwd: folder.dir });
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain(`${file} already exists: give --force to replace it.`);
      expect(await readFile(file, 'utf8')).toBe('an earlier backup');

      const forced = await runCli(['backup', file, '--db', server.dbPath, '--force'], { cwd: folder.dir });
      expect(forced.stderr).toBe('');
      expect(forced.status).toBe(0);
      expect(forced.stdout).toContain(`to ${file} (replacing the file that was there): 1 span in 1 project`);
      expect(await metadataIn(file, [spanId(1)])).toEqual(new Map([[spanId(1), { kept: 'yes' }]]));

      const onto = await runCli(['backup', server.dbPath, '--db', server.dbPath, '--force'], {
        cwd: folder.dir,
      });
      expect(onto.status).toBe(2);
      expect(onto.stderr).toContain('is the database itself');
    } finally {
      await server.stop();
    }
  });

  it('backs up the database SPANPATCH_DB names, and leaves no file behind when it cannot', async () => {
    const server = await startTestServer();
    try {
      await ingestSpans(server, PROJECT, [{ spanId: spanId(7) }]);
      const run = await runCli(['backup', 'from-env.db'], {
        cwd: folder.dir,
        env: { SPANPATCH_DB: server.dbPath, SPANPATCH_DATABASE_URL: undefined },
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect((await stat(join(folder.dir, 'from-env.db'))).size).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }

    const nowhere = join(folder.dir, 'nowhere', 'spanpatch.db');
    const missing = await runCli(['backup', 'never.db', '--db', nowhere], { cwd: folder.dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`No database at ${nowhere} (--db): there is nothing to back up.`);
    expect(existsSync(nowhere)).toBe(false);

    const text = await folder.write('notes.txt', 'not a database at all, just some notes\n'.repeat(100));
    const notDb = await runCli(['backup', 'notes-backup.db', '--db', text], { cwd: folder.dir });
    expect(notDb.status).toBe(2);
    expect(notDb.stderr).toContain(`${text} is not a SQLite database`);

    const noFolder = await runCli(['backup', join('no-such-folder', 'b.db'), '--db', text], {
      cwd: folder.dir,
    });
    expect(noFolder.status).toBe(2);
    expect(noFolder.stderr).toContain(`The folder ${join(folder.dir, 'no-such-folder')} does not exist`);

    for (const name of ['never.db', 'notes-backup.db'])
      expect(existsSync(join(folder.dir, name))).toBe(false);
    const leftovers = readdirSync(folder.dir).filter((name) => name.endsWith('.partial'));
    expect(leftovers).toEqual([]);
  });

  it('sends a PostgreSQL deployment to pg_dump, without printing its password', async () => {
    const run = await runCli(['backup', 'nightly.dump'], {
      cwd: folder.dir,
      env: { SPANPATCH_DATABASE_URL: 'postgres://spanpatch:s3cret@db.internal:5432/spanpatch' },
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('pg_dump --format=custom --file=nightly.dump "$SPANPATCH_DATABASE_URL"');
    expect(run.stderr).toContain('pg_restore');
    expect(run.stderr).not.toContain('s3cret');
    expect(existsSync(join(folder.dir, 'nightly.dump'))).toBe(false);
  });

  it('is listed with its help', async () => {
    const help = await runCli(['backup', '--help'], { cwd: folder.dir });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: spanpatch backup [options] <file>');
    expect(help.stdout).toContain('--force');
    const none = await runCli(['backup'], { cwd: folder.dir });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("missing required argument 'file'");
  });
});
