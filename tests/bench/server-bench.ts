import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { logMetadata } from '../../src/client/log-metadata';
import type { SpanPatch } from '../../src/core/api-schema';
import { startServer } from '../../src/server/start-server';
import { benchSpans, patchOf, spanIdOf } from './patch-workload';
import { openSqliteStore } from '../../src/server/store/sqlite-store';

const PROJECT = 'bench';

async function createStore(path: string, count: number): Promise<void> {
  const store = openSqliteStore(path);
  await store.ingestSpans(PROJECT, benchSpans(0, count));
  await store.close();
}

/**
 * The same writes as the server, done directly with better-sqlite3, one transaction per batch: read each span's
 * metadata, merge the patch, write it back, and record each key's change and the submission. `multiRow` writes
 * the change rows 100 per INSERT, as the server does; otherwise one prepared INSERT per row.
 */
function rawWrites(path: string, count: number, batchSize: number, multiRow: boolean): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const projectId =
    db.prepare<[string], number>('SELECT id FROM projects WHERE name = ?').pluck().get(PROJECT) ?? 0;
  const read = db
    .prepare<[number, string], string>('SELECT metadata FROM spans WHERE project_id = ? AND span_id = ?')
    .pluck();
  const update = db.prepare(
    'UPDATE spans SET metadata = ?, updated_at = ? WHERE project_id = ? AND span_id = ?',
  );
  const submission = db.prepare(
    `INSERT INTO submissions (public_id, project_id, created_at, finished_at, key_name,
       spans_processed, spans_updated, spans_failed) VALUES (?, ?, ?, ?, NULL, ?, ?, 0)`,
  );
  const change = db.prepare(
    `INSERT INTO changes (submission_id, span_id, key, existed_before, before_value, after_value)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const changes = db.prepare(
    `INSERT INTO changes (submission_id, span_id, key, existed_before, before_value, after_value)
     VALUES ${Array.from({ length: 100 }, () => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
  );
  const started = performance.now();
  for (let start = 0; start < count; start += batchSize) {
    let pending: unknown[] = [];
    db.transaction(() => {
      const now = new Date().toISOString();
      const end = Math.min(count, start + batchSize);
      const submissionId = submission.run(
        `raw-${start}`,
        projectId,
        now,
        now,
        end - start,
        end - start,
      ).lastInsertRowid;
      for (let index = start; index < end; index++) {
        const spanId = spanIdOf(index);
        const metadata = JSON.parse(read.get(projectId, spanId) ?? '{}') as Record<string, unknown>;
        for (const [key, value] of Object.entries(patchOf(index))) {
          const existed = Object.hasOwn(metadata, key);
          const row = [submissionId, spanId, key, existed ? 1 : 0, existed ? metadata[key] : null, value];
          if (!multiRow) change.run(row);
          else if (pending.push(...row) === 600) {
            changes.run(pending);
            pending = [];
          }
          metadata[key] = value;
        }
        update.run(JSON.stringify(metadata), now, projectId, spanId);
      }
      for (let offset = 0; offset < pending.length; offset += 6)
        change.run(pending.slice(offset, offset + 6));
      pending = [];
    })();
  }
  const elapsed = performance.now() - started;
  db.close();
  return elapsed;
}

export interface ServerBenchResult {
  spans: number;
  batchSize: number;
  /** Runs of each variant; the times are medians. */
  runs: number;
  /** Every run's wall time, ms, to show how noisy the machine was. */
  times: { server: number[]; raw: number[]; rawMultiRow: number[] };
  /** Wall time of the client's submission to the server, ms. */
  serverMs: number;
  /** Wall time of the same writes done directly with better-sqlite3, one INSERT per change row, ms. */
  rawMs: number;
  /** The same, with change rows written 100 per INSERT as the server does, ms. */
  rawMultiRowMs: number;
  serverSpansPerSecond: number;
  rawSpansPerSecond: number;
  rawMultiRowSpansPerSecond: number;
  /** Server rate over raw rate: 1 is as fast as the raw writes. */
  ratio: number;
  /** Server rate over the multi-row raw rate: the cost of HTTP, validation and planning alone. */
  ratioToMultiRow: number;
}

async function serverRun(path: string, patches: readonly SpanPatch[], batchSize: number): Promise<number> {
  const server = await startServer({ port: 0, dbPath: path, logLevel: 'silent' });
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

/**
 * 100,000 span patches of 5 keys each, sent by the client in batches of 5,000 to a server on a fresh SQLite
 * store (spans created beforehand), against the same writes done directly with better-sqlite3, in the same run.
 * Each variant runs `runs` times, interleaved, on its own copy of the same fresh store; times are medians.
 */
export async function runServerBench(
  spans = 100_000,
  batchSize = 5_000,
  runs = 3,
): Promise<ServerBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-bench-'));
  try {
    const template = join(dir, 'template.db');
    await createStore(template, spans);
    const fresh = async (name: string) => {
      const path = join(dir, `${name}.db`);
      await copyFile(template, path);
      return path;
    };
    const patches: SpanPatch[] = Array.from({ length: spans }, (_, index) => ({
      span_id: spanIdOf(index),
      patch_document: patchOf(index),
    }));
    const times = { server: [] as number[], raw: [] as number[], rawMultiRow: [] as number[] };
    for (let run = 0; run < runs; run++) {
      times.raw.push(rawWrites(await fresh(`raw-${run}`), spans, batchSize, false));
      times.rawMultiRow.push(rawWrites(await fresh(`raw-multi-row-${run}`), spans, batchSize, true));
      times.server.push(await serverRun(await fresh(`server-${run}`), patches, batchSize));
    }
    const serverMs = median(times.server);
    const rawMs = median(times.raw);
    const rawMultiRowMs = median(times.rawMultiRow);
    const perSecond = (ms: number) => (spans / ms) * 1000;
    return {
      spans,
      batchSize,
      runs,
      times,
      serverMs,
      rawMs,
      rawMultiRowMs,
      serverSpansPerSecond: perSecond(serverMs),
      rawSpansPerSecond: perSecond(rawMs),
      rawMultiRowSpansPerSecond: perSecond(rawMultiRowMs),
      ratio: rawMs / serverMs,
      ratioToMultiRow: rawMultiRowMs / serverMs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function report(): Promise<void> {
  const result = await runServerBench();
  const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')} spans/s`;
  console.log(
    `server bench, ${result.spans.toLocaleString('en-US')} span patches × 5 keys, batches of ${result.batchSize.toLocaleString('en-US')}, median of ${result.runs} runs`,
  );
  const line = (label: string, perSecond: number, ms: number) =>
    console.log(`  ${label.padEnd(58)} ${rate(perSecond).padStart(15)}  (${Math.round(ms)} ms)`);
  line('raw better-sqlite3, 1 transaction per batch', result.rawSpansPerSecond, result.rawMs);
  line(
    'raw, change rows 100 per INSERT (as the server writes them)',
    result.rawMultiRowSpansPerSecond,
    result.rawMultiRowMs,
  );
  line('client → HTTP server → SQLite store', result.serverSpansPerSecond, result.serverMs);
  console.log(`  ratio ${result.ratio.toFixed(2)} of the raw rate (aim: at least 0.5)`);
  console.log(
    `  ratio ${result.ratioToMultiRow.toFixed(2)} of the multi-row raw rate (HTTP, validation and planning alone)`,
  );
  const seconds = (values: number[]) => values.map((ms) => (ms / 1000).toFixed(2)).join(' / ');
  console.log(
    `  every run, s: server ${seconds(result.times.server)}; raw ${seconds(result.times.raw)}; multi-row ${seconds(result.times.rawMultiRow)}`,
  );
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) await report();
