import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { POSTGRES_URL_VARIABLE } from '../../scripts/system-requirements.mjs';
import { logMetadata } from '../../src/client/log-metadata';
import type { StoredSpanPatch } from '../../src/core/patch';
import { startServer } from '../../src/server/start-server';
import { openPostgresStore } from '../../src/server/store';
import { startPostgresCluster, withDatabase } from '../support/postgres-cluster';
import { benchSpans, patchOf, spanIdOf } from './patch-workload';

// The server benchmark against PostgreSQL: span patches through the client and a real server on a PostgreSQL
// store, against the same writes done directly with `pg`, in the same run. It starts a throwaway cluster (as the
// tests do: fsync and synchronous_commit off, so both variants measure work rather than the disk), or uses the
// server SPANPATCH_BENCH_DATABASE_URL=postgres://… names, where it creates and then drops databases named
// spanpatch_bench_<run>_… (its user needs CREATEDB). SPANPATCH_BENCH_SPANS=<n> lowers the number of spans.

const PROJECT = 'bench';
const INGEST_BATCH = 20_000;

// NOTE: the same spans and patches as server-bench.ts (its helpers are not exported, so copied here).

/** Runs statements on one connection to `url`. */
async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A database of `count` stored spans in project `bench` (schema by the store, spans by its ingestSpans). */
async function createTemplate(url: string, count: number): Promise<void> {
  const store = await openPostgresStore(url);
  try {
    for (let start = 0; start < count; start += INGEST_BATCH) {
      await store.ingestSpans(PROJECT, benchSpans(start, Math.min(count, start + INGEST_BATCH)));
    }
  } finally {
    await store.close();
  }
  // Both variants start from the same settled tables and statistics.
  await onDatabase(url, (client) => client.query('VACUUM ANALYZE'));
}

/**
 * The same writes as the server, done directly with `pg`, one transaction per batch, one statement per table
 * (as the store writes them): lock and read the batch's spans' metadata in span-ID order, merge each patch,
 * insert the submission, write every span's metadata back, and insert one change row per key.
 */
async function rawWrites(url: string, count: number, batchSize: number): Promise<number> {
  return onDatabase(url, async (client) => {
    const project = await client.query<{ id: string }>('SELECT id FROM projects WHERE name = $1', [PROJECT]);
    const projectId = project.rows[0]?.id;
    if (projectId === undefined) throw new Error(`The raw run found no project '${PROJECT}' in ${url}`);
    const started = performance.now();
    for (let start = 0; start < count; start += batchSize) {
      const end = Math.min(count, start + batchSize);
      const spanIds = Array.from({ length: end - start }, (_, offset) => spanIdOf(start + offset));
      await client.query('BEGIN');
      const now = new Date().toISOString();
      const read = await client.query<{ span_id: string; metadata: Record<string, unknown> }>(
        `SELECT span_id, metadata FROM spans WHERE project_id = $1 AND span_id = ANY ($2::text[])
         ORDER BY span_id FOR UPDATE`,
        [projectId, spanIds],
      );
      const current = new Map(read.rows.map((row) => [row.span_id, row.metadata]));
      const metadataTexts: string[] = [];
      const change = {
        spanIds: [] as string[],
        keys: [] as string[],
        existed: [] as boolean[],
        before: [] as (string | null)[],
        after: [] as string[],
      };
      for (const [offset, spanId] of spanIds.entries()) {
        const metadata = { ...current.get(spanId) };
        for (const [key, value] of Object.entries(patchOf(start + offset))) {
          const existed = Object.hasOwn(metadata, key);
          change.spanIds.push(spanId);
          change.keys.push(key);
          change.existed.push(existed);
          change.before.push(existed ? JSON.stringify(metadata[key]) : null);
          change.after.push(JSON.stringify(value));
          metadata[key] = value;
        }
        metadataTexts.push(JSON.stringify(metadata));
      }
      const submission = await client.query<{ id: string }>(
        `INSERT INTO submissions (public_id, project_id, created_at, finished_at, batches, spans_processed,
           spans_updated) VALUES ($1, $2, $3, $3, 1, $4, $4) RETURNING id`,
        [`raw-${randomBytes(8).toString('hex')}`, projectId, now, spanIds.length],
      );
      await client.query(
        `UPDATE spans s SET metadata = u.metadata, updated_at = $2
         FROM unnest($3::text[], $4::jsonb[]) AS u (span_id, metadata)
         WHERE s.project_id = $1 AND s.span_id = u.span_id`,
        [projectId, now, spanIds, metadataTexts],
      );
      await client.query(
        `INSERT INTO changes (submission_id, span_rowid, key, existed_before, before_value, after_value)
         SELECT $1, s.id, c.key, c.existed_before, c.before_value, c.after_value
         FROM unnest($2::text[], $3::text[], $4::boolean[], $5::jsonb[], $6::jsonb[])
           AS c (span_id, key, existed_before, before_value, after_value)
           JOIN spans s ON s.project_id = $7 AND s.span_id = c.span_id`,
        [
          submission.rows[0]?.id,
          change.spanIds,
          change.keys,
          change.existed,
          change.before,
          change.after,
          projectId,
        ],
      );
      await client.query('COMMIT');
    }
    return performance.now() - started;
  });
}

/** The client's submission to a server on the database at `url`, ms. */
async function serverRun(
  url: string,
  patches: readonly StoredSpanPatch[],
  batchSize: number,
): Promise<number> {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dbPath: '',
    databaseUrl: url,
    logLevel: 'silent',
  });
  try {
    const started = performance.now();
    const result = await logMetadata(PROJECT, patches, { baseUrl: server.url, batchSize, concurrency: 2 });
    const elapsed = performance.now() - started;
    if (result.spans_updated !== patches.length) {
      throw new Error(
        `the server updated ${result.spans_updated} of ${patches.length} spans: ${result.errors[0]?.error_message}`,
      );
    }
    return elapsed;
  } finally {
    await server.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export interface PostgresServerBenchResult {
  spans: number;
  batchSize: number;
  /** Runs of each variant; the times are medians. */
  runs: number;
  /** Where it ran: a throwaway cluster, or the server SPANPATCH_BENCH_DATABASE_URL names. */
  database: 'throwaway cluster' | 'SPANPATCH_BENCH_DATABASE_URL';
  /** Every run's wall time, ms, to show how noisy the machine was. */
  times: { server: number[]; raw: number[] };
  /** Wall time of the client's submission to the server, ms. */
  serverMs: number;
  /** Wall time of the same writes done directly with `pg`, ms. */
  rawMs: number;
  serverSpansPerSecond: number;
  rawSpansPerSecond: number;
  /** Server rate over raw rate: 1 is as fast as the raw writes. */
  ratio: number;
}

/**
 * `spans` span patches of 5 keys each, sent by the client in batches of `batchSize` to a server on a PostgreSQL
 * store (spans created beforehand), against the same writes done directly with `pg`, in the same run. Each variant
 * runs `runs` times, interleaved, each on its own copy (CREATE DATABASE … TEMPLATE) of the same fresh database.
 */
export async function runPostgresServerBench(
  spans = 100_000,
  batchSize = 5_000,
  runs = 3,
): Promise<PostgresServerBenchResult> {
  const benchUrl = process.env.SPANPATCH_BENCH_DATABASE_URL;
  const useBenchUrl = benchUrl !== undefined && benchUrl !== '';
  // NOTE: never the tests' SPANPATCH_TEST_DATABASE_URL: a throwaway cluster unless a bench server is named.
  const env: NodeJS.ProcessEnv = { ...process.env, [POSTGRES_URL_VARIABLE]: useBenchUrl ? benchUrl : '' };
  const cluster = await startPostgresCluster(env);
  const prefix = `spanpatch_bench_${randomBytes(4).toString('hex')}_`;
  const created: string[] = [];
  const createDatabase = async (name: string, template?: string) => {
    const database = `${prefix}${name}`;
    const from = template === undefined ? '' : ` TEMPLATE ${prefix}${template} STRATEGY FILE_COPY`;
    await onDatabase(cluster.url, (client) => client.query(`CREATE DATABASE ${database}${from}`));
    created.push(database);
    return withDatabase(cluster.url, database);
  };
  try {
    await createTemplate(await createDatabase('template'), spans);
    const patches: StoredSpanPatch[] = Array.from({ length: spans }, (_, index) => ({
      span_id: spanIdOf(index),
      patch_document: patchOf(index),
    }));
    const times = { server: [] as number[], raw: [] as number[] };
    for (let run = 0; run < runs; run++) {
      times.raw.push(await rawWrites(await createDatabase(`raw_${run}`, 'template'), spans, batchSize));
      times.server.push(
        await serverRun(await createDatabase(`server_${run}`, 'template'), patches, batchSize),
      );
    }
    const serverMs = median(times.server);
    const rawMs = median(times.raw);
    const perSecond = (ms: number) => (spans / ms) * 1000;
    return {
      spans,
      batchSize,
      runs,
      database: useBenchUrl ? 'SPANPATCH_BENCH_DATABASE_URL' : 'throwaway cluster',
      times,
      serverMs,
      rawMs,
      serverSpansPerSecond: perSecond(serverMs),
      rawSpansPerSecond: perSecond(rawMs),
      ratio: rawMs / serverMs,
    };
  } finally {
    if (!cluster.throwaway) {
      // The cluster goes with its databases; on a named server, drop what this run created.
      await onDatabase(cluster.url, async (client) => {
        for (const database of created)
          await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      });
    }
    await cluster.stop();
  }
}

/** The number of spans: SPANPATCH_BENCH_SPANS when set (a positive integer), else 100,000. */
function spanCount(): number {
  const text = process.env.SPANPATCH_BENCH_SPANS;
  if (text === undefined || text === '') return 100_000;
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`SPANPATCH_BENCH_SPANS is '${text}'; set it to a positive whole number of spans`);
  }
  return count;
}

async function report(): Promise<void> {
  const result = await runPostgresServerBench(spanCount());
  const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')} spans/s`;
  console.log(
    `PostgreSQL server bench (${result.database}), ${result.spans.toLocaleString('en-US')} span patches × 5 keys, batches of ${result.batchSize.toLocaleString('en-US')}, median of ${result.runs} runs`,
  );
  const line = (label: string, perSecond: number, ms: number) =>
    console.log(`  ${label.padEnd(58)} ${rate(perSecond).padStart(15)}  (${Math.round(ms)} ms)`);
  line('raw pg, 1 transaction per batch, 1 statement per table', result.rawSpansPerSecond, result.rawMs);
  line('client → HTTP server → PostgreSQL store', result.serverSpansPerSecond, result.serverMs);
  console.log(`  ratio ${result.ratio.toFixed(2)} of the raw rate (aim: at least 0.5)`);
  const seconds = (values: number[]) => values.map((ms) => (ms / 1000).toFixed(2)).join(' / ');
  console.log(`  every run, s: server ${seconds(result.times.server)}; raw ${seconds(result.times.raw)}`);
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) await report();
