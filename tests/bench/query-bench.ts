import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { querySpanIds, querySpans } from '../../src/client';
import type { SpanQueryResponse } from '../../src/core/api';
import type { SpanQueryRequest } from '../../src/core/api/api-schema';
import { startServer } from '../../src/server/start-server';
import { openSqliteStore } from '../../src/server/store';
import { traceSpanBatches } from './generate';

const PROJECT = 'bench';
const DEFAULT_SPANS = 1_000_000;
const FILL_BATCH = 100_000;
/** Spans of a page, as the Spans tab asks for them. */
const PAGE = 100;
/** IDs of an `ids_only` query, as "Select all N matching" asks for them. */
const IDS = 100_000;
/** Runs of each query, fewer for slow ones to keep the whole bench within a few minutes. */
const RUNS = { fast: 9, slow: 5, slowest: 3 };
/** "Milliseconds" (SPEC §10) taken as under this, over HTTP on loopback. */
const MILLISECONDS_AIM = 10;
const SECOND_AIM = 1_000;

export interface FillResult {
  spans: number;
  traces: number;
  /** Wall time of every `store.ingestSpans` call, ms (generating the spans is not counted). */
  storeMs: number;
  spansPerSecond: number;
  fileBytes: number;
}

/** Fills a SQLite store at `path` with `count` spans of ~4 per trace, through the store's own ingest. */
export async function fillStore(path: string, count: number): Promise<FillResult> {
  const store = openSqliteStore(path);
  const traces = new Set<string>();
  let spans = 0;
  let storeMs = 0;
  try {
    for (const batch of traceSpanBatches(count, FILL_BATCH)) {
      for (const span of batch) traces.add(span.traceId);
      const started = performance.now();
      const outcome = await store.ingestSpans(PROJECT, batch);
      storeMs += performance.now() - started;
      spans += outcome.inserted;
      if (outcome.duplicates > 0 || outcome.warnings.length > 0) {
        throw new Error(
          `the store kept ${outcome.inserted} of ${batch.length} spans: ${outcome.warnings[0] ?? `${outcome.duplicates} duplicates`}`,
        );
      }
    }
  } finally {
    await store.close();
  }
  return {
    spans,
    traces: traces.size,
    storeMs,
    spansPerSecond: (spans / storeMs) * 1000,
    fileBytes: (await stat(path)).size,
  };
}

/** What a raw lookup gives: the page's span IDs and, when counted, the total. */
interface RawAnswer {
  ids: string[];
  total: number | null;
}

/** One query: the request sent through the client, and the same lookup done directly with better-sqlite3. */
interface QueryCase {
  label: string;
  /** What is searched, as shown in the report. */
  what: string;
  aimMs: number;
  request: SpanQueryRequest;
  raw: (count: boolean) => RawAnswer;
}

export interface QueryTiming {
  label: string;
  what: string;
  count: boolean;
  /** Spans the server answered (a page, or IDs). */
  returned: number;
  /** Spans matching in all, with `count`. */
  total: number | null;
  /** What the raw lookup found, when it differs from the server's (the search box also matches trace IDs). */
  rawMatches: number | null;
  runs: number;
  serverMs: number;
  rawMs: number;
  aimMs: number;
}

const columns = 'span_id, trace_id, parent_span_id, name, kind, start_time, metadata';
const newestFirst = 'ORDER BY start_time DESC, span_id DESC LIMIT ?';

/** Newest first, as the server orders spans: by start time, then span ID, descending. */
function byNewest(a: RawRow, b: RawRow): number {
  if (a.start_time !== b.start_time) return a.start_time < b.start_time ? 1 : -1;
  return a.span_id < b.span_id ? 1 : a.span_id > b.span_id ? -1 : 0;
}

interface RawRow {
  span_id: string;
  start_time: string;
}

/**
 * The lookups of SPEC §10 as a developer would write them straight on the schema: an ID or trace ID by its index
 * (whole, or a prefix as a range), reading the few spans it names and ordering them in JavaScript; a name
 * through the trigram full-text index and a metadata value through `span_values`, newest first in SQL (SQLite
 * picks the plan). Each gives the newest page and, when asked, the total count, as the server does.
 */
function rawLookups(db: Database.Database) {
  const counted = (where: string) =>
    db.prepare<unknown[], number>(`SELECT count(*) FROM spans WHERE ${where}`).pluck();
  const answer = (
    rows: RawRow[],
    total: () => number | undefined,
    count: boolean,
    limit = PAGE,
  ): RawAnswer => ({
    ids: rows.slice(0, limit).map((row) => row.span_id),
    total: count ? (total() ?? 0) : null,
  });
  const indexed = (where: string) => (params: unknown[]) => {
    const rows = db.prepare<unknown[], RawRow>(`SELECT ${columns} FROM spans WHERE ${where}`);
    const total = counted(where);
    return (count: boolean) => answer(rows.all(...params).sort(byNewest), () => total.get(...params), count);
  };
  const ordered =
    (where: string, limit = PAGE, select = columns) =>
    (params: unknown[]) => {
      const rows = db.prepare<unknown[], RawRow>(`SELECT ${select} FROM spans WHERE ${where} ${newestFirst}`);
      const total = counted(where);
      return (count: boolean) =>
        answer(rows.all(...params, limit + 1), () => total.get(...params), count, limit);
    };
  const value = 'SELECT span_rowid FROM span_values WHERE project_id = ? AND key = ? AND value = ?';
  return {
    spanId: indexed('project_id = ? AND span_id = ?'),
    spanPrefix: indexed('project_id = ? AND span_id >= ? AND span_id < ?'),
    traceId: indexed('project_id = ? AND trace_id = ?'),
    tracePrefix: indexed('project_id = ? AND trace_id >= ? AND trace_id < ?'),
    name: ordered('project_id = ? AND id IN (SELECT rowid FROM span_names WHERE span_names MATCH ?)'),
    metadata: ordered(`project_id = ? AND id IN (${value})`),
    metadata2: ordered(`project_id = ? AND id IN (${value}) AND id IN (${value})`),
    idsOnly: ordered(`project_id = ? AND id IN (${value})`, IDS, 'span_id, start_time'),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function answerIds(answer: SpanQueryResponse): string[] {
  return 'span_ids' in answer ? answer.span_ids : answer.spans.map((span) => span.span_id);
}

/**
 * Times each query through the client and the real server, against the raw lookup, interleaved, after one
 * warm-up of each; checks on the way that both found the same spans.
 */
async function timeCase(baseUrl: string, queryCase: QueryCase, count: boolean): Promise<QueryTiming> {
  const request: SpanQueryRequest = { ...queryCase.request, ...(count ? { count: true } : {}) };
  const viaServer = async () => {
    const started = performance.now();
    const answer =
      request.ids_only === true
        ? await querySpanIds(PROJECT, request, { baseUrl })
        : await querySpans(PROJECT, request, { baseUrl });
    return { ms: performance.now() - started, answer };
  };
  const viaRaw = () => {
    const started = performance.now();
    const answer = queryCase.raw(count);
    return { ms: performance.now() - started, answer };
  };
  const first = await viaServer();
  const firstRaw = viaRaw();
  const ids = answerIds(first.answer);
  const rawIds = firstRaw.answer.ids;
  const total = first.answer.total ?? null;
  const sameSpans = rawIds.length === ids.length && rawIds.every((id, index) => ids[index] === id);
  const found = new Set(ids);
  // NOTE: the search box also matches trace IDs and names, so an ID prefix may find a few spans more.
  const serverFoundThemToo =
    rawIds.every((id) => found.has(id)) ||
    (total !== null && firstRaw.answer.total !== null && total > firstRaw.answer.total);
  if (!sameSpans && !serverFoundThemToo) {
    throw new Error(
      `${queryCase.label}: the server found ${ids.length} spans (${ids.slice(0, 3).join(', ')}…) where the raw lookup found ${rawIds.length} (${rawIds.slice(0, 3).join(', ')}…)`,
    );
  }
  if (count && total !== null && firstRaw.answer.total !== null && total < firstRaw.answer.total) {
    throw new Error(
      `${queryCase.label}: the server counted ${total} spans, the raw lookup ${firstRaw.answer.total}`,
    );
  }
  const slowest = Math.max(first.ms, firstRaw.ms);
  const runs = slowest < 100 ? RUNS.fast : slowest < 500 ? RUNS.slow : RUNS.slowest;
  const times = { server: [] as number[], raw: [] as number[] };
  for (let run = 0; run < runs; run++) {
    times.server.push((await viaServer()).ms);
    times.raw.push(viaRaw().ms);
  }
  return {
    label: queryCase.label,
    what: queryCase.what,
    count,
    returned: ids.length,
    total,
    rawMatches: count && firstRaw.answer.total !== total ? firstRaw.answer.total : null,
    runs,
    serverMs: median(times.server),
    rawMs: median(times.raw),
    aimMs: queryCase.aimMs,
  };
}

/** The queries, on a span from the middle of the store (its ID, trace and session) and a few common values. */
function queryCases(db: Database.Database, projectId: number): QueryCase[] {
  const middle = db
    .prepare<[number, number], { span_id: string; trace_id: string; metadata: string }>(
      `SELECT span_id, trace_id, metadata FROM spans WHERE project_id = ?
       ORDER BY id LIMIT 1 OFFSET (SELECT span_count / 2 FROM projects WHERE id = ?)`,
    )
    .get(projectId, projectId);
  if (!middle) throw new Error('the store has no spans to look up');
  const session = (JSON.parse(middle.metadata) as { session_id?: string }).session_id ?? '';
  const raw = rawLookups(db);
  const afterPrefix = (prefix: string) => `${prefix}\u{10FFFF}`;
  const spanPrefix = middle.span_id.slice(0, 6);
  const tracePrefix = middle.trace_id.slice(0, 6);
  const ms = MILLISECONDS_AIM;
  const second = SECOND_AIM;
  const page = { limit: PAGE };
  const pro = { key: 'user_tier', op: 'eq', value: 'pro' } as const;
  const gpt4o = { key: 'model', op: 'eq', value: 'gpt-4o' } as const;
  return [
    {
      label: 'span ID, whole',
      what: middle.span_id,
      aimMs: ms,
      request: { filter: { text: middle.span_id }, ...page },
      raw: raw.spanId([projectId, middle.span_id]),
    },
    {
      label: 'span ID, prefix',
      what: `${spanPrefix}…`,
      aimMs: ms,
      request: { filter: { text: spanPrefix }, ...page },
      raw: raw.spanPrefix([projectId, spanPrefix, afterPrefix(spanPrefix)]),
    },
    {
      label: 'trace ID, whole',
      what: `${middle.trace_id.slice(0, 16)}…`,
      aimMs: ms,
      request: { filter: { text: middle.trace_id }, ...page },
      raw: raw.traceId([projectId, middle.trace_id]),
    },
    {
      label: 'trace ID, prefix',
      what: `${tracePrefix}…`,
      aimMs: ms,
      request: { filter: { text: tracePrefix }, ...page },
      raw: raw.tracePrefix([projectId, tracePrefix, afterPrefix(tracePrefix)]),
    },
    {
      label: 'name substring, rare',
      what: '"refund"',
      aimMs: second,
      request: { filter: { text: 'refund' }, ...page },
      raw: raw.name([projectId, '"refund"']),
    },
    {
      label: 'name substring, common',
      what: '"gpt-4o"',
      aimMs: second,
      request: { filter: { text: 'gpt-4o' }, ...page },
      raw: raw.name([projectId, '"gpt-4o"']),
    },
    {
      label: 'metadata eq, a session',
      what: `session_id = ${session}`,
      aimMs: second,
      request: { filter: { metadata: [{ key: 'session_id', op: 'eq', value: session }] }, ...page },
      raw: raw.metadata([projectId, projectId, 'session_id', session]),
    },
    {
      label: 'metadata eq, common',
      what: 'user_tier = pro',
      aimMs: second,
      request: { filter: { metadata: [pro] }, ...page },
      raw: raw.metadata([projectId, projectId, 'user_tier', 'pro']),
    },
    {
      label: 'metadata eq × 2',
      what: 'user_tier = pro, model = gpt-4o',
      aimMs: second,
      request: { filter: { metadata: [pro, gpt4o] }, ...page },
      raw: raw.metadata2([projectId, projectId, 'user_tier', 'pro', projectId, 'model', 'gpt-4o']),
    },
    {
      label: `ids_only, ${IDS.toLocaleString('en-US')} IDs`,
      what: 'user_tier = pro',
      aimMs: second,
      request: { filter: { metadata: [pro] }, limit: IDS, ids_only: true },
      raw: raw.idsOnly([projectId, projectId, 'user_tier', 'pro']),
    },
  ];
}

export interface QueryTimings {
  /** A query matching nothing, through client and server: the floor any query pays for HTTP, ms (median). */
  floorMs: number;
  queries: QueryTiming[];
}

export interface QueryBenchResult extends QueryTimings {
  fill: FillResult;
}

/**
 * Fills a SQLite store with `spans` spans (~4 per trace, metadata of 6–8 keys), then times SPEC §10's lookups
 * through the client and the real server against the same lookups done directly with better-sqlite3 on the same
 * file, in the same run: each query alone and with `count: true`.
 */
export async function runQueryBench(spans = DEFAULT_SPANS): Promise<QueryBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-query-bench-'));
  try {
    const path = join(dir, 'spans.db');
    const fill = await fillStore(path, spans);
    return { fill, ...(await timeQueries(path)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Starts the real server over a filled store and times every query, alone and with `count: true`. */
export async function timeQueries(path: string): Promise<QueryTimings> {
  const server = await startServer({ port: 0, dbPath: path, logLevel: 'silent' });
  const db = new Database(path, { readonly: true });
  // The same page cache as the server's connection (openSqliteStore), so both read alike.
  db.pragma('cache_size = -65536');
  try {
    const projectId = db
      .prepare<[string], number>('SELECT id FROM projects WHERE name = ?')
      .pluck()
      .get(PROJECT);
    if (projectId === undefined) throw new Error(`the store has no project '${PROJECT}'`);
    const cases = queryCases(db, projectId);
    // Warms up the HTTP path (client, server, JIT) before anything is timed, and measures its floor.
    const floor: number[] = [];
    for (let run = 0; run < 40; run++) {
      const started = performance.now();
      await querySpans(PROJECT, { filter: { text: 'warm-up' }, limit: PAGE }, { baseUrl: server.url });
      if (run >= 20) floor.push(performance.now() - started);
    }
    const queries: QueryTiming[] = [];
    for (const queryCase of cases) {
      queries.push(await timeCase(server.url, queryCase, false));
      queries.push(await timeCase(server.url, queryCase, true));
    }
    return { floorMs: median(floor), queries };
  } finally {
    db.close();
    await server.close();
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

async function report(): Promise<void> {
  const spans = spansFromEnv();
  const started = performance.now();
  const { fill, floorMs, queries } = await runQueryBench(spans);
  const number = (value: number) => Math.round(value).toLocaleString('en-US');
  const millis = (value: number) =>
    value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : number(value);
  console.log(
    `query bench, ${number(fill.spans)} spans in ${number(fill.traces)} traces (SQLite file ${number(fill.fileBytes / 1024 / 1024)} MB)`,
  );
  console.log(
    `  fill: store.ingestSpans in batches of ${number(FILL_BATCH)}: ${(fill.storeMs / 1000).toFixed(1)} s, ${number(fill.spansPerSecond)} spans/s`,
  );
  console.log(
    '  server: querySpans (client) → HTTP → the real server; raw: the same lookup with better-sqlite3',
  );
  console.log(
    `  on the same file; medians of the runs shown, ms; pages of ${PAGE} spans; "+ count" adds count: true`,
  );
  console.log(
    `  aims (SPEC §10): ID and trace lookups in milliseconds (taken as < ${MILLISECONDS_AIM} ms through HTTP), names and metadata within a second`,
  );
  console.log(`  HTTP floor, a query matching nothing: ${millis(floorMs)} ms`);
  const header = [
    'query'.padEnd(30),
    'searching for'.padEnd(34),
    'spans'.padStart(7),
    'total'.padStart(8),
    'runs'.padStart(4),
    'server'.padStart(7),
    'raw'.padStart(7),
    '× raw'.padStart(6),
    'aim'.padStart(9),
    '',
  ];
  console.log(`\n  ${header.join(' ')}`);
  const notes: string[] = [];
  for (const timing of queries) {
    const aim = timing.aimMs >= 1000 ? `< ${timing.aimMs / 1000} s` : `< ${timing.aimMs} ms`;
    if (timing.rawMatches !== null) {
      notes.push(
        `  ${timing.label}: the raw lookup counted ${number(timing.rawMatches)}; the search box also matches trace IDs and names`,
      );
    }
    const ratio = timing.serverMs / timing.rawMs;
    const row = [
      `${timing.label}${timing.count ? ' + count' : ''}`.padEnd(30),
      (timing.count ? '' : timing.what).slice(0, 34).padEnd(34),
      number(timing.returned).padStart(7),
      (timing.total === null ? '' : number(timing.total)).padStart(8),
      String(timing.runs).padStart(4),
      millis(timing.serverMs).padStart(7),
      millis(timing.rawMs).padStart(7),
      `${ratio < 10 ? ratio.toFixed(1) : number(ratio)}×`.padStart(6),
      aim.padStart(9),
      timing.serverMs < timing.aimMs ? 'met' : 'MISSED',
    ];
    console.log(`  ${row.join(' ')}`);
  }
  for (const note of notes) console.log(note);
  console.log(`\n  whole bench ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) await report();
