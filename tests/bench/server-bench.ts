import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { logMetadata } from '../../src/client/log-metadata';
import type { StoredSpanPatch } from '../../src/core/patch';
import { startServer } from '../../src/server/start-server';
import { openSqliteStore } from '../../src/server/store';
import { benchSpans, patchOf, spanIdOf } from './patch-workload';

const PROJECT = 'bench';

async function createStore(path: string, count: number): Promise<void> {
  const store = openSqliteStore(path);
  await store.ingestSpans(PROJECT, benchSpans(0, count));
  await store.close();
}

/**
 * The same writes as the server, done directly with better-sqlite3, one transaction per batch: read each span's
 * metadata, merge the patch, write it back with the row of each key in `span_values` (the table behind metadata
 * queries), and record each key's change and the submission. `multiRow` writes
 * the change rows 100 per INSERT, as the server does; otherwise one prepared INSERT per row.
 */
function rawWrites(path: string, count: number, batchSize: number, multiRow: boolean): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const projectId =
    db.prepare<[string], number>('SELECT id FROM projects WHERE name = ?').pluck().get(PROJECT) ?? 0;
  // A change names its span by the span's row, as the store writes it.
  const changeValues = `(?, (SELECT id FROM spans WHERE project_id = ${projectId} AND span_id = ?), ?, ?, ?, ?)`;
  const read = db
    .prepare<[number, string], string>('SELECT metadata FROM spans WHERE project_id = ? AND span_id = ?')
    .pluck();
  const update = db
    .prepare<[string, string, number, string], number>(
      'UPDATE spans SET metadata = ?, updated_at = ? WHERE project_id = ? AND span_id = ? RETURNING id',
    )
    .pluck();
  const setValue = db.prepare<[number, number, string, string]>(
    `INSERT INTO span_values (span_rowid, project_id, key, value) VALUES (?, ?, ?, json_extract(?, '$'))
     ON CONFLICT (span_rowid, key) DO UPDATE SET value = excluded.value`,
  );
  const submission = db.prepare(
    `INSERT INTO submissions (public_id, project_id, created_at, finished_at, key_name,
       spans_processed, spans_updated, spans_failed) VALUES (?, ?, ?, ?, NULL, ?, ?, 0)`,
  );
  const change = db.prepare(
    `INSERT INTO changes (submission_id, span_rowid, key, existed_before, before_value, after_value)
     VALUES ${changeValues}`,
  );
  const changes = db.prepare(
    `INSERT INTO changes (submission_id, span_rowid, key, existed_before, before_value, after_value)
     VALUES ${Array.from({ length: 100 }, () => changeValues).join(', ')}`,
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
        const rowid = update.get(JSON.stringify(metadata), now, projectId, spanId) ?? 0;
        for (const [key, value] of Object.entries(patchOf(index))) {
          setValue.run(rowid, projectId, key, JSON.stringify(value));
        }
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

async function serverRun(
  path: string,
  patches: readonly StoredSpanPatch[],
  batchSize: number,
): Promise<number> {
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
    const patches: StoredSpanPatch[] = Array.from({ length: spans }, (_, index) => ({
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

/** The metadata a span of the key-count bench starts with: `keys` keys, text and numbers alternating. */
function metadataOfKeys(index: number, keys: number): string {
  const metadata: Record<string, string | number> = {};
  for (let key = 0; key < keys; key++) {
    metadata[`k${String(key).padStart(2, '0')}`] = key % 2 === 0 ? `value ${index} ${key}` : index + key;
  }
  return JSON.stringify(metadata);
}

/** The 2-key patch of the key-count bench: changes two keys every span already holds. */
function twoKeyPatch(index: number): Record<string, string | number> {
  return { k00: `changed ${index}`, k01: index * 2 };
}

export interface KeyCountBenchResult {
  spans: number;
  batchSize: number;
  runs: number;
  /** How many keys each span holds before the patch, in the two stores compared. */
  keys: { few: number; many: number };
  times: { fewKeys: number[]; manyKeys: number[]; rawManyKeys: number[] };
  /** Median wall time of the client's 2-key submission on spans holding few keys, ms. */
  fewKeysMs: number;
  /** The same on spans holding many keys, ms. */
  manyKeysMs: number;
  /** The same writes on spans holding many keys, done directly with better-sqlite3, ms. */
  rawManyKeysMs: number;
  /** Time on many-key spans over time on few-key spans: 1 when a write costs what it changes. */
  ratio: number;
  /** Server rate over raw rate on many-key spans. */
  ratioToRaw: number;
}

/**
 * A 2-key patch of `spans` spans, through the client and server, on spans that already hold 2 keys and on spans
 * that hold 22: a write should cost what it changes, not what the span already holds (the metadata query table
 * behind SPEC §10 is kept per key). The raw baseline does the same writes on the 22-key spans with better-sqlite3.
 */
export async function runKeyCountBench(
  spans = 20_000,
  batchSize = 5_000,
  runs = 3,
): Promise<KeyCountBenchResult> {
  const keys = { few: 2, many: 22 };
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-bench-keys-'));
  try {
    const templates = { few: join(dir, 'few.db'), many: join(dir, 'many.db') };
    for (const size of ['few', 'many'] as const) {
      const store = openSqliteStore(templates[size]);
      const incoming = benchSpans(0, spans).map((span, index) => ({
        ...span,
        metadata: metadataOfKeys(index, keys[size]),
      }));
      await store.ingestSpans(PROJECT, incoming);
      await store.close();
    }
    const fresh = async (size: 'few' | 'many', name: string) => {
      const path = join(dir, `${name}.db`);
      await copyFile(templates[size], path);
      return path;
    };
    const patches: StoredSpanPatch[] = Array.from({ length: spans }, (_, index) => ({
      span_id: spanIdOf(index),
      patch_document: twoKeyPatch(index),
    }));
    const times = { fewKeys: [] as number[], manyKeys: [] as number[], rawManyKeys: [] as number[] };
    for (let run = 0; run < runs; run++) {
      times.rawManyKeys.push(rawPatchWrites(await fresh('many', `raw-${run}`), spans, batchSize));
      times.fewKeys.push(await serverRun(await fresh('few', `few-${run}`), patches, batchSize));
      times.manyKeys.push(await serverRun(await fresh('many', `many-${run}`), patches, batchSize));
    }
    const fewKeysMs = median(times.fewKeys);
    const manyKeysMs = median(times.manyKeys);
    const rawManyKeysMs = median(times.rawManyKeys);
    return {
      spans,
      batchSize,
      runs,
      keys,
      times,
      fewKeysMs,
      manyKeysMs,
      rawManyKeysMs,
      ratio: manyKeysMs / fewKeysMs,
      ratioToRaw: rawManyKeysMs / manyKeysMs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The key-count bench's writes done directly with better-sqlite3: read, merge, write back, one change row per key. */
function rawPatchWrites(path: string, count: number, batchSize: number): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const projectId =
    db.prepare<[string], number>('SELECT id FROM projects WHERE name = ?').pluck().get(PROJECT) ?? 0;
  // A change names its span by the span's row, as the store writes it.
  const changeValues = `(?, (SELECT id FROM spans WHERE project_id = ${projectId} AND span_id = ?), ?, ?, ?, ?)`;
  const read = db
    .prepare<[number, string], string>('SELECT metadata FROM spans WHERE project_id = ? AND span_id = ?')
    .pluck();
  const update = db
    .prepare<[string, string, number, string], number>(
      'UPDATE spans SET metadata = ?, updated_at = ? WHERE project_id = ? AND span_id = ? RETURNING id',
    )
    .pluck();
  const setValue = db.prepare<[number, number, string, string]>(
    `INSERT INTO span_values (span_rowid, project_id, key, value) VALUES (?, ?, ?, json_extract(?, '$'))
     ON CONFLICT (span_rowid, key) DO UPDATE SET value = excluded.value`,
  );
  const submission = db.prepare(
    `INSERT INTO submissions (public_id, project_id, created_at, finished_at, key_name,
       spans_processed, spans_updated, spans_failed) VALUES (?, ?, ?, ?, NULL, ?, ?, 0)`,
  );
  const change = db.prepare(
    `INSERT INTO changes (submission_id, span_rowid, key, existed_before, before_value, after_value)
     VALUES ${changeValues}`,
  );
  const started = performance.now();
  for (let start = 0; start < count; start += batchSize) {
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
        for (const [key, value] of Object.entries(twoKeyPatch(index))) {
          const existed = Object.hasOwn(metadata, key);
          change.run(submissionId, spanId, key, existed ? 1 : 0, existed ? metadata[key] : null, value);
          metadata[key] = value;
        }
        const rowid = update.get(JSON.stringify(metadata), now, projectId, spanId) ?? 0;
        for (const [key, value] of Object.entries(twoKeyPatch(index))) {
          setValue.run(rowid, projectId, key, JSON.stringify(value));
        }
      }
    })();
  }
  const elapsed = performance.now() - started;
  db.close();
  return elapsed;
}

async function report(): Promise<void> {
  await reportKeyCount();
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

async function reportKeyCount(): Promise<void> {
  const result = await runKeyCountBench();
  const seconds = (values: number[]) => values.map((ms) => (ms / 1000).toFixed(2)).join(' / ');
  console.log(
    `key-count bench, ${result.spans.toLocaleString('en-US')} span patches × 2 keys, batches of ${result.batchSize.toLocaleString('en-US')}, median of ${result.runs} runs`,
  );
  const line = (label: string, ms: number) =>
    console.log(`  ${label.padEnd(58)} ${`${Math.round(ms)} ms`.padStart(10)}`);
  line(`client → server, spans holding ${result.keys.few} keys`, result.fewKeysMs);
  line(`client → server, spans holding ${result.keys.many} keys`, result.manyKeysMs);
  line(`raw better-sqlite3, spans holding ${result.keys.many} keys`, result.rawManyKeysMs);
  console.log(
    `  ratio ${result.ratio.toFixed(2)}: ${result.keys.many}-key spans over ${result.keys.few}-key spans (aim: close to 1)`,
  );
  console.log(`  ratio ${result.ratioToRaw.toFixed(2)} of the raw rate on ${result.keys.many}-key spans`);
  console.log(
    `  every run, s: ${result.keys.few} keys ${seconds(result.times.fewKeys)}; ${result.keys.many} keys ${seconds(result.times.manyKeys)}; raw ${seconds(result.times.rawManyKeys)}\n`,
  );
}
