/**
 * Arize AX as a target (issue 22): 100,000 span patches of 5 keys written to the emulated Arize Flight endpoint by
 * Spanpatch's Flight client (one DoPut per §6 batch of 10,000 spans, one after another), against the reference
 * client sending the same 100,000 rows in one DoPut as the Arize SDK does, in the same run, to the same emulator.
 * Reports, never pass/fail. Needs .venv-test (see tests/arize/arize-emulator.ts).
 */
import { type ArizeClient, createArizeClient, type SpanMetadataPatch } from '../../src/server/arize';
import { median } from './report-table';
import { runReferenceClient, startArizeEmulator } from '../arize/arize-emulator';

const SPACE = 'U3BhY2U6YmVuY2g=';
const KEY = 'ak-bench-key';
const PROJECT = 'bench';
const BATCH = 10_000;

/** The rows the reference client generates (tests/arize/reference_client.py `generated_dataframe`). */
function patches(spans: number): SpanMetadataPatch[] {
  return Array.from({ length: spans }, (_, index) => ({
    span_id: index.toString(16).padStart(16, '0'),
    patch_document: {
      reviewed: index % 2 === 0 ? 'yes' : 'no',
      reviewer: `analyst-${index % 7}`,
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

export async function runArizeBench(spans = 100_000, rounds = 3) {
  const emulator = await startArizeEmulator({ spaceId: SPACE, apiKey: KEY, projects: [PROJECT] });
  const client = createArizeClient({
    spaceId: SPACE,
    apiKey: KEY,
    flight: { host: '127.0.0.1', port: emulator.port, scheme: 'grpc' },
  });
  try {
    await emulator.seed(PROJECT, [], spans);
    await emulator.configure({ record_rows: false });
    const rows = patches(spans);
    // Warm-up: the connection, the emulator's code paths.
    await spanpatchRun(client, rows.slice(0, 1000));
    const ours: number[] = [];
    const sdkPut: number[] = [];
    const sdkTotal: number[] = [];
    for (let round = 0; round < rounds; round++) {
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
    return { spans, rounds, oursMs: median(ours), sdkPutMs: median(sdkPut), sdkTotalMs: median(sdkTotal) };
  } finally {
    client.close();
    await emulator.stop();
  }
}

async function report() {
  const result = await runArizeBench();
  const rate = (ms: number) => `${Math.round((result.spans / ms) * 1000).toLocaleString('en-US')} spans/s`;
  const line = (label: string, ms: number) =>
    console.log(`  ${label.padEnd(58)}${rate(ms).padStart(16)}  (${Math.round(ms)} ms)`);
  console.log(
    `Arize Flight bench, ${result.spans.toLocaleString('en-US')} span patches of 5 keys to the emulator (median of ${result.rounds})`,
  );
  line('Spanpatch: writeSpanMetadata, a DoPut per 10,000 spans', result.oursMs);
  line('SDK reference: one DoPut of the Arrow table', result.sdkPutMs);
  line('SDK reference: dataframe → patches → table → DoPut', result.sdkTotalMs);
  console.log(`  ratio ${(result.sdkPutMs / result.oursMs).toFixed(2)} of the SDK's DoPut rate (aim ≥ 0.8)`);
  console.log(
    `  ratio ${(result.sdkTotalMs / result.oursMs).toFixed(2)} of the SDK's rate from its dataframe`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await report();
