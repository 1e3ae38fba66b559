/**
 * The Python client (issue 23): 100,000 rows × 5 metadata columns from a pandas DataFrame to the final response
 * (`Client.log_metadata`), against the Node client (`logMetadata`) sending the same spans in the same run; and the
 * Python client's time to read the frame apart from sending it. Each client runs in its own process against a
 * server process of its own, on a copy of the same stored spans. Reports, never pass/fail.
 * Needs the Python test environment: `node scripts/test-setup.mjs` makes it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testVenvDir, venvPython } from '../../scripts/system-requirements.mjs';
import { logMetadata } from '../../src/client/log-metadata';
import { openSqliteStore } from '../../src/server/store';
import { startServerProcess, stopServerProcess } from '../support/server-process';
import { llmSpan, patchOf, spanIdOf } from './patch-workload';

const PROJECT = 'bench';
const PYTHON_SIDE = fileURLToPath(new URL('./python_client_bench.py', import.meta.url));

interface PythonRun {
  read_seconds: number;
  total_seconds: number;
  spans_updated: number;
  spans_failed: number;
}

/** Runs the Python side against a server; resolves with its JSON line. */
function runPython(python: string, url: string, rows: number): Promise<PythonRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [PYTHON_SIDE, '--url', url, '--project', PROJECT, '--rows', String(rows)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (status) => {
      if (status !== 0) reject(new Error(`the Python side exited ${status}:\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as PythonRun);
    });
  });
}

/** Starts a server process on a fresh copy of the template database; `run` gets its URL. */
async function withServer<T>(dir: string, template: string, name: string, run: (url: string) => Promise<T>) {
  const db = join(dir, `${name}.db`);
  await copyFile(template, db);
  const server = await startServerProcess({ SPANPATCH_DB: db, SPANPATCH_DEMO: '0' });
  try {
    return await run(server.url);
  } finally {
    await stopServerProcess(server);
  }
}

export async function runPythonClientBench(spans = 100_000, rounds = 2) {
  const python = venvPython(testVenvDir());
  if (!existsSync(python)) {
    throw new Error(
      `The Python test environment is missing (${python}): run node scripts/test-setup.mjs first.`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-python-bench-'));
  try {
    const template = join(dir, 'template.db');
    const store = openSqliteStore(template);
    await store.ingestSpans(
      PROJECT,
      Array.from({ length: spans }, (_, index) => llmSpan(index, spanIdOf(index))),
    );
    await store.close();
    const patches = Array.from({ length: spans }, (_, index) => ({
      span_id: spanIdOf(index),
      patch_document: patchOf(index),
    }));

    // NOTE: the best of each, in alternating rounds: these machines are shared and noisy.
    let nodeMs = Infinity;
    let best: PythonRun | null = null;
    for (let round = 0; round < rounds; round++) {
      nodeMs = Math.min(
        nodeMs,
        await withServer(dir, template, `node-${round}`, async (url) => {
          const started = performance.now();
          const result = await logMetadata(PROJECT, patches, { baseUrl: url });
          const ms = performance.now() - started;
          if (result.spans_updated !== spans) throw new Error('the Node client did not update every span');
          return ms;
        }),
      );
      const run = await withServer(dir, template, `python-${round}`, (url) => runPython(python, url, spans));
      if (run.spans_updated !== spans)
        throw new Error(`the Python client updated ${run.spans_updated} spans`);
      if (best === null || run.total_seconds < best.total_seconds) best = run;
    }
    if (best === null) throw new Error('no round ran');
    return { spans, nodeMs, pythonMs: best.total_seconds * 1000, readMs: best.read_seconds * 1000 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function report() {
  const rowsOption = process.argv.find((arg) => arg.startsWith('--rows='));
  const result = await runPythonClientBench(
    rowsOption ? Number(rowsOption.slice('--rows='.length)) : undefined,
  );
  const rate = (ms: number) => `${Math.round((result.spans / ms) * 1000).toLocaleString('en-US')} spans/s`;
  const sendMs = result.pythonMs - result.readMs;
  console.log(
    `Python client bench, ${result.spans.toLocaleString('en-US')} rows × 5 metadata columns, best of 2 rounds`,
  );
  console.log(
    `  Node client (logMetadata → server)             ${rate(result.nodeMs).padStart(16)}  (${Math.round(result.nodeMs)} ms)`,
  );
  console.log(
    `  Python client (DataFrame → final response)     ${rate(result.pythonMs).padStart(16)}  (${Math.round(result.pythonMs)} ms)`,
  );
  console.log(
    `  ratio ${(result.nodeMs / result.pythonMs).toFixed(2)} of the Node client's rate (aim ≥ 0.8)`,
  );
  console.log(
    `  reading the frame ${Math.round(result.readMs)} ms, sending ${Math.round(sendMs)} ms: ` +
      `reading is ${(result.readMs / sendMs).toFixed(2)}× the send (aim ≤ 1)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await report();
