// Read latency under writes (SPEC §11): 16 clients write batches of 1,000–5,000 span patches through the client
// (`logMetadata`) for ~15 s, while a probe asks `/healthz`, a span lookup and a page of spans every 50 ms. The
// server, the writers and the probe are three processes, so the probe measures the server alone. Runs the SQLite
// store with its writes on the event loop (before) and on a worker thread (after) in the same run, and PostgreSQL
// when SPANPATCH_BENCH_DATABASE_URL=postgres://… names a database it may fill (project `bench`).
//
//   node --import tsx tests/bench/read-latency-bench.ts          (or: npm run bench -- read-latency)
//   SPANPATCH_BENCH_SECONDS=5 …                                  a shorter run
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { constants, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance as perfHooks } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { logMetadata } from '../../src/client/log-metadata';
import type { StoredSpanPatch } from '../../src/core/patch';
import { type StartServerOptions, startServer } from '../../src/server/start-server';

const PROJECT = 'bench';
const WRITERS = 16;
/** Spans each writer owns; a batch patches the first 1,000–5,000 of them. */
const SPANS_PER_WRITER = 5_000;
const MIN_BATCH = 1_000;
const MAX_BATCH = 5_000;
const PROBE_EVERY_MS = 50;
/** Spans a lookup asks for, at random. */
const LOOKUP_SPANS = 10;
/** What SPEC §11 asks of the 99th percentile while 16 clients write. */
const AIM_MS = 100;

const benchFile = fileURLToPath(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** How a server stores: SQLite with writes on the event loop or a worker thread, or PostgreSQL. */
type Variant = 'sqlite-event-loop' | 'sqlite-worker' | 'postgres';

const variantLabels: Record<Variant, string> = {
  'sqlite-event-loop': 'SQLite, writes on the event loop (before)',
  'sqlite-worker': 'SQLite, writes on a worker thread',
  postgres: 'PostgreSQL',
};

/** What is probed: `/healthz`, a lookup of 10 spans, and the first page of the Spans tab. */
type Probe = 'healthz' | 'lookup' | 'page';
const probes: readonly Probe[] = ['healthz', 'lookup', 'page'];

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LatencyResult {
  variant: Variant;
  /** The store class the server ran on, as it said. */
  store: string;
  seconds: number;
  /** Span patches the writers got answered, and how many batches. */
  spansWritten: number;
  batches: number;
  /** Answers other than 200 (probes) and spans that failed (writes). */
  failures: { probes: number; spans: number };
  latency: Record<Probe, Percentiles>;
  /** How late the server's event loop ran a timer, ms (perf_hooks' monitorEventLoopDelay), over the whole run. */
  eventLoopDelay: Pick<Percentiles, 'p50' | 'p99' | 'max'>;
  /**
   * The share of the run the server's event loop was busy (perf_hooks' eventLoopUtilization, 0–1). NOTE: the delay
   * histogram samples a busy stretch once however long it lasts; this says how much of the time a read had to wait.
   */
  eventLoopBusy: number;
}

function spanIdOf(index: number): string {
  return (index + 1).toString(16).padStart(16, '0');
}

/** A small seeded random source (mulberry32), so every variant writes the same batches. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The 5 keys a span gets in a round: text, text, integer, float, text; new values each round. */
function patchOf(index: number, round: number): Record<string, string | number> {
  return {
    reviewed: round % 2 === 0 ? 'yes' : 'no',
    reviewer: `r${(index + round) % 7}`,
    quality: (index + round) % 5,
    confidence: 0.5 + ((index + round) % 100) / 1000 + 0.0001,
    note: `round ${round}`,
  };
}

/** An OTLP/JSON export of spans `from`…`to - 1` of the bench project, 5 spans a trace. */
function otlpExport(from: number, to: number): unknown {
  const base = 1_746_432_000_000_000_000n;
  const spans = [];
  for (let index = from; index < to; index++) {
    const start = base + BigInt(index) * 1_000_000_000n;
    spans.push({
      traceId: Math.floor(index / 5 + 1)
        .toString(16)
        .padStart(32, '0'),
      spanId: spanIdOf(index),
      name: index % 5 === 0 ? 'rag_pipeline' : 'chat gpt-4o-mini',
      kind: 1,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 500_000_000n),
      attributes: [
        { key: 'openinference.span.kind', value: { stringValue: index % 5 === 0 ? 'CHAIN' : 'LLM' } },
        { key: 'metadata', value: { stringValue: '{"user_id":"user_0042","turn":3}' } },
      ],
    });
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'openinference.project.name', value: { stringValue: PROJECT } }] },
        scopeSpans: [{ scope: { name: 'bench' }, spans }],
      },
    ],
  };
}

/** Stores every writer's spans through the server's OTLP route, 5,000 a request. */
async function ingest(url: string, count: number): Promise<void> {
  for (let from = 0; from < count; from += 5_000) {
    const response = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(otlpExport(from, Math.min(count, from + 5_000))),
    });
    if (response.status !== 200)
      throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  }
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

/** Runs this file in a child process in another role; resolves with it once it printed its first line. */
function child(
  args: string[],
): Promise<{ process: ChildProcess; firstLine: string; lastLine: Promise<string> }> {
  const process_ = spawn(process.execPath, ['--import', 'tsx', benchFile, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The writers stand for clients on other machines: on this one they yield the CPU to the server and the probe.
  if (args[0] === 'write' && process_.pid !== undefined)
    setPriority(process_.pid, constants.priority.PRIORITY_BELOW_NORMAL);
  let output = '';
  // Lines of JSON are the child's answers; anything else it prints (a warning, say) is passed on.
  const jsonLines = () => output.split('\n').filter((line) => line.startsWith('{'));
  const lastLine = new Promise<string>((resolve, reject) => {
    process_.once('exit', (code) => {
      if (code === 0 || code === null) resolve(jsonLines().at(-1) ?? '');
      else reject(new Error(`${args[0]} exited with ${code}: ${output}`));
    });
  });
  return new Promise((resolve, reject) => {
    process_.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const [firstLine] = jsonLines();
      if (firstLine !== undefined && output.includes(`${firstLine}\n`)) {
        resolve({ process: process_, firstLine, lastLine });
      }
    });
    lastLine.catch(reject);
  });
}

/** Role `serve`: a server on a fresh database, printing `{ url, store }`, until SIGTERM. */
async function serve(variant: Variant, dbPath: string): Promise<void> {
  const databaseUrl = variant === 'postgres' ? process.env.SPANPATCH_BENCH_DATABASE_URL : undefined;
  const options: StartServerOptions = {
    port: 0,
    dbPath,
    logLevel: 'silent',
    sqliteWrites: variant === 'sqlite-event-loop' ? 'event-loop' : 'worker',
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
  };
  const server = await startServer(options);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let utilization: ReturnType<typeof perfHooks.eventLoopUtilization> | null = null;
  // The writers start once the spans are stored: the counts start with the first write.
  process.once('SIGUSR2', () => {
    delay.enable();
    utilization = perfHooks.eventLoopUtilization();
  });
  process.once('SIGTERM', () => {
    delay.disable();
    const ms = (nanoseconds: number) => nanoseconds / 1e6;
    const busy = utilization === null ? 0 : perfHooks.eventLoopUtilization(utilization).utilization;
    console.log(
      JSON.stringify({
        eventLoopDelay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
        eventLoopBusy: busy,
      }),
    );
    void server.close().then(() => process.exit(0));
  });
  console.log(JSON.stringify({ url: server.url, store: server.store.constructor.name }));
}

/** Role `write`: 16 clients writing batches until the time is up; prints what they wrote. */
async function write(url: string, seconds: number): Promise<void> {
  const random = seededRandom(13);
  const deadline = performance.now() + seconds * 1000;
  const totals = { spans: 0, batches: 0, failed: 0, firstError: null as string | null };
  console.log(JSON.stringify({ writing: true }));
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      for (let round = 0; performance.now() < deadline; round++) {
        const size = MIN_BATCH + Math.floor(random() * (MAX_BATCH - MIN_BATCH + 1));
        const first = writer * SPANS_PER_WRITER;
        const patches: StoredSpanPatch[] = Array.from({ length: size }, (_, i) => ({
          span_id: spanIdOf(first + i),
          patch_document: patchOf(first + i, round),
        }));
        const result = await logMetadata(PROJECT, patches, { baseUrl: url, batchSize: size, concurrency: 1 });
        totals.spans += result.spans_processed - result.spans_failed;
        totals.failed += result.spans_failed;
        totals.firstError ??= result.errors[0]?.error_message ?? null;
        totals.batches++;
      }
    }),
  );
  console.log(JSON.stringify(totals));
}

/** Asks each probe every 50 ms (without waiting for the last answer) until the time is up. */
async function probe(
  url: string,
  seconds: number,
): Promise<{ samples: Record<Probe, number[]>; failures: number }> {
  const random = seededRandom(7);
  const samples: Record<Probe, number[]> = { healthz: [], lookup: [], page: [] };
  let failures = 0;
  const requests: Promise<void>[] = [];
  // A probe that fails (no connection within undici's 10 s, say) counts as a failure, and as the time it took.
  const timed = (name: Probe, send: () => Promise<Response>) => {
    const started = performance.now();
    requests.push(
      send()
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status !== 200) failures++;
        })
        .catch(() => {
          failures++;
        })
        .then(() => {
          samples[name].push(performance.now() - started);
        }),
    );
  };
  const timer = setInterval(() => {
    const spanIds = Array.from({ length: LOOKUP_SPANS }, () =>
      spanIdOf(Math.floor(random() * WRITERS * SPANS_PER_WRITER)),
    );
    timed('healthz', () => fetch(`${url}/healthz`));
    timed('lookup', () =>
      fetch(`${url}/api/v1/projects/${PROJECT}/spans/lookup`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ span_ids: spanIds }),
      }),
    );
    timed('page', () => fetch(`${url}/api/v1/projects/${PROJECT}/spans?limit=50`));
  }, PROBE_EVERY_MS);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  clearInterval(timer);
  await Promise.all(requests);
  return { samples, failures };
}

async function stop(server: { process: ChildProcess; lastLine: Promise<string> }): Promise<string> {
  if (server.process.exitCode === null) server.process.kill('SIGTERM');
  return server.lastLine;
}

/** One variant: a fresh server and database, its spans stored, then 16 writers and the probe at once. */
export async function runVariant(variant: Variant, seconds: number): Promise<LatencyResult> {
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-read-latency-'));
  const server = await child(['serve', variant, join(dir, 'spans.db')]);
  try {
    const { url, store } = JSON.parse(server.firstLine) as { url: string; store: string };
    if (variant === 'postgres' && /sqlite/i.test(store)) {
      throw new Error(`The server ran on ${store}: startServer did not take the database URL`);
    }
    await ingest(url, WRITERS * SPANS_PER_WRITER);
    server.process.kill('SIGUSR2');
    const writers = await child(['write', url, String(seconds)]);
    const { samples, failures } = await probe(url, seconds);
    const written = JSON.parse(await writers.lastLine) as {
      spans: number;
      batches: number;
      failed: number;
      firstError: string | null;
    };
    if (written.firstError !== null) console.warn(`  ${variant}: a write failed: ${written.firstError}`);
    const { eventLoopDelay, eventLoopBusy } = JSON.parse(await stop(server)) as {
      eventLoopDelay: Percentiles;
      eventLoopBusy: number;
    };
    return {
      variant,
      store,
      seconds,
      spansWritten: written.spans,
      batches: written.batches,
      failures: { probes: failures, spans: written.failed },
      latency: {
        healthz: percentiles(samples.healthz),
        lookup: percentiles(samples.lookup),
        page: percentiles(samples.page),
      },
      eventLoopDelay,
      eventLoopBusy,
    };
  } finally {
    await stop(server).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

async function report(): Promise<void> {
  const seconds = Number(process.env.SPANPATCH_BENCH_SECONDS ?? 15);
  const variants: Variant[] = ['sqlite-event-loop', 'sqlite-worker'];
  if (process.env.SPANPATCH_BENCH_DATABASE_URL) variants.push('postgres');
  console.log(
    `read-latency bench: ${WRITERS} clients writing batches of ${MIN_BATCH.toLocaleString('en-US')}–${MAX_BATCH.toLocaleString('en-US')} span patches × 5 keys (logMetadata) for ${seconds} s; /healthz, a lookup of ${LOOKUP_SPANS} spans and a page of 50 asked every ${PROBE_EVERY_MS} ms meanwhile`,
  );
  const ms = (value: number) => (value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US'));
  for (const variant of variants) {
    const result = await runVariant(variant, seconds);
    const rate = Math.round(result.spansWritten / seconds).toLocaleString('en-US');
    console.log(
      `  ${variantLabels[variant]} (${result.store}): ${rate} span patches/s written in ${result.batches} batches; ${result.failures.probes} probes failed or answered other than 200, ${result.failures.spans} spans failed`,
    );
    const delay = result.eventLoopDelay;
    console.log(
      `    server's event loop delay: p50 ${ms(delay.p50)} ms, p99 ${ms(delay.p99)} ms, max ${ms(delay.max)} ms; busy ${Math.round(result.eventLoopBusy * 100)}% of the time`,
    );
    for (const name of probes) {
      const p = result.latency[name];
      const verdict =
        name === 'page'
          ? ''
          : p.p99 <= AIM_MS
            ? '  (aim: p99 ≤ 100 ms: met)'
            : '  (aim: p99 ≤ 100 ms: missed)';
      console.log(
        `    ${name.padEnd(8)} p50 ${ms(p.p50).padStart(6)} ms  p95 ${ms(p.p95).padStart(6)} ms  p99 ${ms(p.p99).padStart(6)} ms  max ${ms(p.max).padStart(6)} ms  (${p.count} answers)${verdict}`,
      );
    }
  }
  if (!process.env.SPANPATCH_BENCH_DATABASE_URL) {
    console.log(
      '  PostgreSQL: not run; set SPANPATCH_BENCH_DATABASE_URL=postgres://… (a database it may fill)',
    );
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const [role, ...args] = process.argv.slice(2);
  if (role === 'serve') await serve(args[0] as Variant, args[1] ?? '');
  else if (role === 'write') await write(args[0] ?? '', Number(args[1]));
  else await report();
}
