import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { POSTGRES_URL_VARIABLE } from '../../scripts/system-requirements.mjs';
import type { SubmittedSpan } from '../../src/server/patch/plan-submission';
import { openPostgresStore, openSqliteStore, type SpanStore } from '../../src/server/store';
import { startPostgresCluster, withDatabase } from '../support/postgres-cluster';
import { benchSpans, patchOf, spanIdOf } from './patch-workload';

// The history benchmark (issue 26, item 6), on both stores: what a change costs on disk, and how long the revert of
// a 100,000-span submission takes. Each figure beside a baseline of the same run: the bytes of the same change rows
// in a bare table (no index) written with the raw driver, and the time the raw driver takes to write what the revert
// writes (every span's metadata, one change row per key), set-based. SPANPATCH_BENCH_SPANS=<n> changes the spans;
// PostgreSQL is a throwaway cluster (as the tests start one), or the server SPANPATCH_BENCH_DATABASE_URL names.

const PROJECT = 'bench';
const DEFAULT_SPANS = 100_000;
const INGEST_BATCH = 20_000;
/** Spans per batch of the submission, as the client sends them. */
const SUBMIT_BATCH = 1_000;
const BYTES_AIM = 130;
const REVERT_AIM_MS = 5_000;

interface HistoryFigures {
  store: 'SQLite' | 'PostgreSQL';
  changes: number;
  bytesPerChange: number;
  rawBytesPerChange: number;
  submitMs: number;
  revertMs: number;
  rawRevertMs: number;
  spansUpdated: number;
}

/** The 5-key patch of every span, in batches of one submission. */
async function submitAll(store: SpanStore, spans: number): Promise<{ id: string; ms: number }> {
  const submission = { id: randomUUID(), label: 'history bench' };
  const started = performance.now();
  for (let start = 0; start < spans; start += SUBMIT_BATCH) {
    const batch: SubmittedSpan[] = [];
    for (let index = start; index < Math.min(spans, start + SUBMIT_BATCH); index++) {
      batch.push({ spanId: spanIdOf(index), patch: { ok: true, stored: patchOf(index) } });
    }
    await store.applyPatches({
      project: PROJECT,
      spans: batch,
      keyName: null,
      idempotencyKey: null,
      submission,
    });
  }
  return { id: submission.id, ms: performance.now() - started };
}

async function revert(store: SpanStore, id: string): Promise<{ ms: number; updated: number }> {
  const started = performance.now();
  const answer = await store.revertSubmission({ submissionId: id, dryRun: false, keyName: null });
  const ms = performance.now() - started;
  if (answer === null || answer.spans_failed !== 0) {
    throw new Error(`the revert of ${id} failed: ${JSON.stringify(answer?.errors.slice(0, 3))}`);
  }
  return { ms, updated: answer.spans_updated };
}

/** The change rows of the submission, as the raw baselines write them: span, key, before, after. */
function changeRows(spans: number): { spanIds: string[]; keys: string[]; after: string[] } {
  const rows = { spanIds: [] as string[], keys: [] as string[], after: [] as string[] };
  for (let index = 0; index < spans; index++) {
    for (const [key, value] of Object.entries(patchOf(index))) {
      rows.spanIds.push(spanIdOf(index));
      rows.keys.push(key);
      rows.after.push(JSON.stringify(value));
    }
  }
  return rows;
}

const sqliteBytes = (db: Database.Database) =>
  Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }));

/** The bytes of the history (the changes and their indexes), as pg_total_relation_size counts them on PostgreSQL. */
const sqliteHistoryBytes = (db: Database.Database) =>
  db
    .prepare<[], number>(
      `SELECT sum(pgsize) FROM dbstat
       WHERE name = 'changes' OR name IN (SELECT name FROM sqlite_master WHERE tbl_name = 'changes')`,
    )
    .pluck()
    .get() ?? 0;

async function sqliteFigures(spans: number, dir: string): Promise<HistoryFigures> {
  const path = join(dir, 'history.db');
  const store = openSqliteStore(path);
  const watcher = new Database(path);
  try {
    for (let start = 0; start < spans; start += INGEST_BATCH) {
      await store.ingestSpans(PROJECT, benchSpans(start, Math.min(spans, start + INGEST_BATCH)));
    }
    const before = sqliteHistoryBytes(watcher);
    const submitted = await submitAll(store, spans);
    const changes = Number(watcher.prepare('SELECT count(*) FROM changes').pluck().get() as number | bigint);
    const bytesPerChange = (sqliteHistoryBytes(watcher) - before) / changes;
    const reverted = await revert(store, submitted.id);
    // The baselines, on a file of their own: the same change rows in a bare table, and the revert's writes.
    const raw = new Database(join(dir, 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec(`CREATE TABLE spans (id INTEGER PRIMARY KEY, span_id TEXT NOT NULL UNIQUE, metadata TEXT NOT NULL);
      CREATE TABLE changes (submission_id INTEGER, span_id INTEGER, key TEXT, before_value, after_value)`);
    const insertSpan = raw.prepare('INSERT INTO spans (span_id, metadata) VALUES (?, ?)');
    raw.transaction(() => {
      for (let index = 0; index < spans; index++) insertSpan.run(spanIdOf(index), '{}');
    })();
    const rows = changeRows(spans);
    const rawBefore = sqliteBytes(raw);
    const insertChange = raw.prepare(
      `INSERT INTO changes (submission_id, span_id, key, before_value, after_value)
       VALUES (1, (SELECT id FROM spans WHERE span_id = ?), ?, NULL, json_extract(?, '$'))`,
    );
    raw.transaction(() => {
      rows.keys.forEach((key, index) => insertChange.run(rows.spanIds[index], key, rows.after[index]));
    })();
    const rawBytesPerChange = (sqliteBytes(raw) - rawBefore) / rows.keys.length;
    const metadata = JSON.stringify({ user_id: 'user_0042', turn: 3 });
    const update = raw.prepare('UPDATE spans SET metadata = ? WHERE id = ?');
    const insertRevert = raw.prepare(
      `INSERT INTO changes (submission_id, span_id, key, before_value, after_value)
       SELECT 2, span_id, key, after_value, NULL FROM changes WHERE submission_id = 1`,
    );
    const started = performance.now();
    raw.transaction(() => {
      for (let id = 1; id <= spans; id++) update.run(metadata, id);
      insertRevert.run();
    })();
    const rawRevertMs = performance.now() - started;
    raw.close();
    return {
      store: 'SQLite',
      changes,
      bytesPerChange,
      rawBytesPerChange,
      submitMs: submitted.ms,
      revertMs: reverted.ms,
      rawRevertMs,
      spansUpdated: reverted.updated,
    };
  } finally {
    watcher.close();
    await store.close();
  }
}

async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const historyBytes = (client: pg.Client) =>
  client
    .query<{ bytes: string }>(
      `SELECT sum(pg_total_relation_size(c.oid))::text AS bytes FROM pg_class c
       WHERE c.relname = 'changes' AND c.relkind = 'r'`,
    )
    .then((result) => Number(result.rows[0]?.bytes ?? 0));

async function postgresFigures(spans: number, serverUrl: string): Promise<HistoryFigures> {
  const name = `spanpatch_bench_history_${Date.now().toString(36)}`;
  await onDatabase(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(serverUrl, name);
  try {
    const store = await openPostgresStore(url);
    try {
      for (let start = 0; start < spans; start += INGEST_BATCH) {
        await store.ingestSpans(PROJECT, benchSpans(start, Math.min(spans, start + INGEST_BATCH)));
      }
      const before = await onDatabase(url, historyBytes);
      const submitted = await submitAll(store, spans);
      const { changes, after } = await onDatabase(url, async (client) => {
        await client.query('VACUUM changes');
        const counted = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM changes');
        return { changes: Number(counted.rows[0]?.n ?? 0), after: await historyBytes(client) };
      });
      const reverted = await revert(store, submitted.id);
      const raw = await onDatabase(url, async (client) => {
        await client.query(`CREATE TABLE raw_spans (id bigserial PRIMARY KEY, span_id text UNIQUE, metadata jsonb);
          CREATE TABLE raw_changes (submission_id bigint, span_id bigint, key text, before_value jsonb,
            after_value jsonb)`);
        const ids = Array.from({ length: spans }, (_, index) => spanIdOf(index));
        await client.query(
          `INSERT INTO raw_spans (span_id, metadata) SELECT u, '{}' FROM unnest($1::text[]) AS u`,
          [ids],
        );
        const rows = changeRows(spans);
        await client.query(
          `INSERT INTO raw_changes (submission_id, span_id, key, after_value)
           SELECT 1, s.id, c.key, c.after_value
           FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS c (span_id, key, after_value)
           JOIN raw_spans s ON s.span_id = c.span_id`,
          [rows.spanIds, rows.keys, rows.after],
        );
        await client.query('VACUUM raw_changes');
        const size = await client.query<{ bytes: string }>(
          "SELECT pg_total_relation_size('raw_changes')::text AS bytes",
        );
        const started = performance.now();
        await client.query('BEGIN');
        await client.query(`UPDATE raw_spans SET metadata = '{"user_id":"user_0042","turn":3}'`);
        await client.query(
          `INSERT INTO raw_changes (submission_id, span_id, key, before_value, after_value)
           SELECT 2, span_id, key, after_value, NULL FROM raw_changes WHERE submission_id = 1`,
        );
        await client.query('COMMIT');
        return {
          ms: performance.now() - started,
          bytesPerChange: Number(size.rows[0]?.bytes ?? 0) / rows.keys.length,
        };
      });
      return {
        store: 'PostgreSQL',
        changes,
        bytesPerChange: (after - before) / changes,
        rawBytesPerChange: raw.bytesPerChange,
        submitMs: submitted.ms,
        revertMs: reverted.ms,
        rawRevertMs: raw.ms,
        spansUpdated: reverted.updated,
      };
    } finally {
      await store.close();
    }
  } finally {
    await onDatabase(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

function spansFromEnv(): number {
  const text = process.env.SPANPATCH_BENCH_SPANS;
  if (text === undefined || text === '') return DEFAULT_SPANS;
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isInteger(value) || value < 1_000) {
    throw new Error(`SPANPATCH_BENCH_SPANS must be a whole number of at least 1000, not '${text}'`);
  }
  return value;
}

function print(figures: HistoryFigures): void {
  const number = (value: number) => Math.round(value).toLocaleString('en-US');
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  console.log(`\n  ${figures.store}: ${number(figures.changes)} changes (5 keys on each span)`);
  console.log(
    `    bytes per change   ${figures.bytesPerChange.toFixed(0).padStart(8)}   raw ${figures.rawBytesPerChange.toFixed(0)} (bare table, no index)   ${(figures.bytesPerChange / figures.rawBytesPerChange).toFixed(2)}× raw   aim < ${BYTES_AIM}: ${verdict(figures.bytesPerChange < BYTES_AIM)}`,
  );
  console.log(`    submit (batches of ${number(SUBMIT_BATCH)})  ${seconds(figures.submitMs).padStart(8)}`);
  console.log(
    `    revert             ${seconds(figures.revertMs).padStart(8)}   raw ${seconds(figures.rawRevertMs)} (the same writes, set-based)   ${(figures.revertMs / figures.rawRevertMs).toFixed(1)}× raw   aim < ${REVERT_AIM_MS / 1000} s: ${verdict(figures.revertMs < REVERT_AIM_MS)}   (${number(figures.spansUpdated)} spans put back)`,
  );
}

async function report(): Promise<void> {
  const spans = spansFromEnv();
  console.log(
    `history bench: ${spans.toLocaleString('en-US')} spans, one submission of 5 keys on each, then its revert`,
  );
  // `--store=sqlite` or `--store=postgres` runs one store only.
  const only = process.argv.find((arg) => arg.startsWith('--store='))?.slice('--store='.length);
  if (only !== 'postgres') {
    const dir = await mkdtemp(join(tmpdir(), 'spanpatch-history-bench-'));
    try {
      print(await sqliteFigures(spans, dir));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (only === 'sqlite') return;
  // NOTE: never the tests' database: a throwaway cluster unless a bench server is named.
  const cluster = await startPostgresCluster({
    ...process.env,
    [POSTGRES_URL_VARIABLE]: process.env.SPANPATCH_BENCH_DATABASE_URL ?? '',
  });
  try {
    print(await postgresFigures(spans, cluster.url));
  } finally {
    await cluster.stop();
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) await report();
