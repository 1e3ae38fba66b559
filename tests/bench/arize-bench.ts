/**
 * Arize AX as a target (issue 22): 100,000 span patches of 5 keys to the emulated Arize Flight endpoint, against the
 * reference client sending the same 100,000 rows in one DoPut as the Arize SDK does, in the same run, to the same
 * emulator. Two Spanpatch paths are timed:
 * - end to end: the client (`logMetadata`, 10,000 spans a batch) to a Spanpatch server process whose project is
 *   linked to the emulator, which sends each batch as one DoPut and records Arize's answer in its copy (the copy
 *   holds the 100,000 spans, loaded from the emulator first, so every change is recorded with before and after);
 * - the Flight client alone (`writeSpanMetadata`, a DoPut per 10,000 spans, one after another).
 * Reports, never pass/fail. Needs .venv-test (see tests/arize/arize-emulator.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { logMetadata, loadFromArize } from '../../src/client';
import { type ArizeClient, createArizeClient, type SpanMetadataPatch } from '../../src/server/arize';
import { median } from './report-table';
import { runReferenceClient, startArizeEmulator } from '../arize/arize-emulator';
import { startServerProcess, stopServerProcess } from '../support/server-process';

const SPACE = 'U3BhY2U6YmVuY2g=';
const KEY = 'ak-bench-key';
const PROJECT = 'bench';
const BATCH = 10_000;

/**
 * The rows the reference client generates (tests/arize/reference_client.py `generated_dataframe`); a round other
 * than 0 names other reviewers, so a copy that holds the spans records a change for each of them again.
 */
function patches(spans: number, round = 0): SpanMetadataPatch[] {
  return Array.from({ length: spans }, (_, index) => ({
    span_id: index.toString(16).padStart(16, '0'),
    patch_document: {
      reviewed: index % 2 === 0 ? 'yes' : 'no',
      reviewer: round === 0 ? `analyst-${index % 7}` : `analyst-${index % 7}-${round}`,
      quality: (index % 5) + 1,
      score: (index % 100) + 0.5,
      label: `label ${index % 13}`,
    },
  }));
}

async function spanpatchRun(client: ArizeClient, spans: readonly SpanMetadataPatch[]): Promise<number> {
  const started = performance.now();
  let updated = 0;
  for (let start = 0; start < spans.length; start += BATCH) {
    const result = await client.writeSpanMetadata({
      arizeProject: PROJECT,
      spans: spans.slice(start, start + BATCH),
    });
    if (!result.ok) throw new Error(`Spanpatch's write failed: ${result.failure.reason}`);
    updated += result.response.spans_updated;
  }
  const ms = performance.now() - started;
  if (updated !== spans.length) throw new Error(`Spanpatch updated ${updated} of ${spans.length} spans`);
  return ms;
}

/** The client to the server to Arize: one submission of every row, 10,000 spans a batch. */
async function endToEndRun(url: string, spans: readonly SpanMetadataPatch[]): Promise<number> {
  const started = performance.now();
  const answer = await logMetadata(PROJECT, spans, {
    baseUrl: url,
    batchSize: BATCH,
    requestTimeoutMs: 300_000,
    submission: { label: 'arize-bench' },
  });
  const ms = performance.now() - started;
  if (answer.spans_updated !== spans.length || answer.spans_failed !== 0) {
    throw new Error(
      `through the server: ${answer.spans_updated} of ${spans.length} updated, ${answer.spans_failed} failed (${answer.errors[0]?.error_message ?? ''})`,
    );
  }
  return ms;
}

/** The emulator's generated spans start at 2023-11-14T22:13:20Z, a millisecond apart. */
const GENERATED_WINDOW = { start: '2023-11-14T22:00:00Z', end: '2023-11-14T23:00:00Z' };

export async function runArizeBench(spans = 100_000, rounds = 3) {
  const emulator = await startArizeEmulator({ spaceId: SPACE, apiKey: KEY, projects: [PROJECT] });
  const client = createArizeClient({
    spaceId: SPACE,
    apiKey: KEY,
    flight: { host: '127.0.0.1', port: emulator.port, scheme: 'grpc' },
  });
  const folder = await mkdtemp(join(tmpdir(), 'spanpatch-arize-bench-'));
  let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  try {
    await emulator.seed(PROJECT, [], spans);
    await emulator.configure({ record_rows: false });
    server = await startServerProcess({
      SPANPATCH_DB: join(folder, 'bench.db'),
      SPANPATCH_DEMO: '0',
      SPANPATCH_ARIZE_PROJECTS: PROJECT,
      ARIZE_SPACE_ID: SPACE,
      ARIZE_API_KEY: KEY,
      ARIZE_FLIGHT_HOST: '127.0.0.1',
      ARIZE_FLIGHT_PORT: String(emulator.port),
      ARIZE_FLIGHT_SCHEME: 'grpc',
    });
    const loadStarted = performance.now();
    const loaded = await loadFromArize(PROJECT, GENERATED_WINDOW, {
      baseUrl: server.url,
      timeoutMs: 600_000,
    });
    const loadMs = performance.now() - loadStarted;
    if (loaded.spans_loaded !== spans) throw new Error(`loaded ${loaded.spans_loaded} of ${spans} spans`);
    const rows = patches(spans);
    // Warm-up: the connections, the emulator's and the server's code paths.
    await spanpatchRun(client, rows.slice(0, 1000));
    await endToEndRun(server.url, patches(1000, rounds + 1));
    const ours: number[] = [];
    const endToEnd: number[] = [];
    const sdkPut: number[] = [];
    const sdkTotal: number[] = [];
    for (let round = 0; round < rounds; round++) {
      endToEnd.push(await endToEndRun(server.url, patches(spans, round + 1)));
      ours.push(await spanpatchRun(client, rows));
      const reference = await runReferenceClient({
        port: emulator.port,
        spaceId: SPACE,
        apiKey: KEY,
        project: PROJECT,
        generate: spans,
      });
      const response = reference.response as { spans_updated?: number };
      if (response.spans_updated !== spans)
        throw new Error(`the reference updated ${response.spans_updated} spans`);
      sdkPut.push(reference.seconds.do_put * 1000);
      sdkTotal.push(reference.seconds.total * 1000);
    }
    return {
      spans,
      rounds,
      loadMs,
      endToEndMs: median(endToEnd),
      oursMs: median(ours),
      sdkPutMs: median(sdkPut),
      sdkTotalMs: median(sdkTotal),
    };
  } finally {
    client.close();
    await stopServerProcess(server);
    await emulator.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

async function report() {
  const result = await runArizeBench();
  const rate = (ms: number) => `${Math.round((result.spans / ms) * 1000).toLocaleString('en-US')} spans/s`;
  const line = (label: string, ms: number) =>
    console.log(`  ${label.padEnd(58)}${rate(ms).padStart(16)}  (${Math.round(ms)} ms)`);
  console.log(
    `Arize Flight bench, ${result.spans.toLocaleString('en-US')} span patches of 5 keys to the emulator (median of ${result.rounds}; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)`,
  );
  line('Spanpatch: client → server → DoPut per 10,000, copy recorded', result.endToEndMs);
  line('Spanpatch: Flight client alone, a DoPut per 10,000 spans', result.oursMs);
  line('SDK reference: one DoPut of the Arrow table', result.sdkPutMs);
  line('SDK reference: dataframe → patches → table → DoPut', result.sdkTotalMs);
  line('(loading the 100,000 spans into the copy first, once)', result.loadMs);
  console.log(
    `  ratio ${(result.sdkTotalMs / result.endToEndMs).toFixed(2)} end to end, of the SDK's rate from its dataframe (aim ≥ 0.8)`,
  );
  console.log(
    `  ratio ${(result.sdkPutMs / result.endToEndMs).toFixed(2)} end to end, of the SDK's DoPut alone`,
  );
  console.log(
    `  ratio ${(result.sdkPutMs / result.oursMs).toFixed(2)} Flight client alone, of the SDK's DoPut alone`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await report();
