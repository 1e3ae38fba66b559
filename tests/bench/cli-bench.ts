/**
 * The command line (issue 15): 100,000 rows from a CSV file to the final summary, `spanpatch submit` as a real
 * process against the server, against the client alone (`logMetadata` of the same spans) in the same run; and the
 * peak memory of `spanpatch check` on a 1,000,000-row file, against the file's size. Reports, never pass/fail.
 */
import { spawn } from 'node:child_process';
import { appendFile, copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logMetadata } from '../../src/client/log-metadata';
import { startServer } from '../../src/server/start-server';
import { openSqliteStore } from '../../src/server/store';
import { llmSpan } from './patch-workload';

const PROJECT = 'bench';
const BIN = fileURLToPath(new URL('../../bin/spanpatch.mjs', import.meta.url));

const spanIdOf = (index: number) => (index + 1).toString(16).padStart(16, '0');
const reviewerOf = (index: number) => (index % 3 === 0 ? 'ana' : 'sam');

/** The sheet an analyst's review is: span ID, reviewed, reviewer, quality. */
function reviewCsv(rows: number): string {
  const lines = [
    'context.span_id,attributes.metadata.reviewed,attributes.metadata.reviewer,attributes.metadata.quality',
  ];
  for (let index = 0; index < rows; index++)
    lines.push(`${spanIdOf(index)},true,${reviewerOf(index)},${index % 5}`);
  return `${lines.join('\n')}\n`;
}

/** Writes a big CSV a piece at a time, so the bench itself never holds it whole. */
async function writeReviewCsv(path: string, rows: number): Promise<void> {
  const chunk = 100_000;
  await writeFile(path, reviewCsv(0));
  for (let start = 0; start < rows; start += chunk) {
    const lines: string[] = [];
    for (let index = start; index < Math.min(rows, start + chunk); index++)
      lines.push(`${spanIdOf(index)},true,${reviewerOf(index)},${index % 5}\n`);
    await appendFile(path, lines.join(''));
  }
}

/** Runs `spanpatch <args>`; resolves with its exit status, the time it took, and its peak RSS (bytes). */
function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ status: number | null; ms: number; peakRss: number; stderr: string }> {
  return runNode([BIN, ...args], cwd, env);
}

/** Runs `node <args>` as runCli does; `['-e', '']` is the baseline of a start. */
function runNode(
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ status: number | null; ms: number; peakRss: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const rssFile = join(cwd, `rss-${Date.now()}.txt`);
    // NOTE: the process's own high-water mark (all its threads), written as it exits.
    const recordRss =
      'data:text/javascript,import{writeFileSync}from"node:fs";' +
      'process.on("exit",()=>writeFileSync(process.env.SPANPATCH_BENCH_RSS,String(process.resourceUsage().maxRSS)))';
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', recordRss, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', SPANPATCH_BENCH_RSS: rssFile, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (status) => {
      const ms = performance.now() - started;
      readFile(rssFile, 'utf8').then(
        (kilobytes) => resolve({ status, ms, peakRss: Number(kilobytes) * 1024, stderr }),
        reject,
      );
    });
  });
}

/** The median time and peak RSS of `runs` starts of a command. */
async function medianStart(
  run: () => ReturnType<typeof runCli>,
  runs = 7,
): Promise<{ ms: number; peakRss: number }> {
  const times: number[] = [];
  const memory: number[] = [];
  for (let index = 0; index < runs; index++) {
    const result = await run();
    if (result.status !== 0) throw new Error(`a start exited ${result.status}:\n${result.stderr}`);
    times.push(result.ms);
    memory.push(result.peakRss);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return { ms: median(times), peakRss: median(memory) };
}

export async function runCliBench(spans = 100_000, bigRows = 1_000_000) {
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-cli-bench-'));
  try {
    const template = join(dir, 'template.db');
    const store = openSqliteStore(template);
    await store.ingestSpans(
      PROJECT,
      Array.from({ length: spans }, (_, index) => llmSpan(index, spanIdOf(index))),
    );
    await store.close();
    const csvPath = join(dir, 'review.csv');
    await writeFile(csvPath, reviewCsv(spans));

    // A start that does nothing, `spanpatch --version`, against a bare `node -e ''` (a first run builds what a
    // start needs, as a user's second run finds it).
    await runCli(['--version'], dir, {});
    const startup = await medianStart(() => runCli(['--version'], dir, {}));
    const bareNode = await medianStart(() => runNode(['-e', ''], dir, {}));

    // The client alone, on its own copy of the store.
    await copyFile(template, join(dir, 'client.db'));
    const clientServer = await startServer({ dbPath: join(dir, 'client.db'), port: 0, logLevel: 'silent' });
    const patches = Array.from({ length: spans }, (_, index) => ({
      span_id: spanIdOf(index),
      patch_document: { reviewed: 'true', reviewer: reviewerOf(index), quality: index % 5 },
    }));
    const clientStart = performance.now();
    const clientResult = await logMetadata(PROJECT, patches, { baseUrl: clientServer.url });
    const clientMs = performance.now() - clientStart;
    await clientServer.close();
    if (clientResult.spans_updated !== spans)
      throw new Error('the client-only run did not update every span');

    // The command line, on another copy (warmed up by the starts above).
    await copyFile(template, join(dir, 'cli.db'));
    const server = await startServer({ dbPath: join(dir, 'cli.db'), port: 0, logLevel: 'silent' });
    let cli;
    try {
      cli = await runCli(['submit', csvPath, '--project', PROJECT, '--yes'], dir, {
        SPANPATCH_URL: server.url,
      });
    } finally {
      await server.close();
    }
    if (cli.status !== 0) throw new Error(`spanpatch submit exited ${cli.status}:\n${cli.stderr}`);

    // Peak memory reading and checking a 1,000,000-row file.
    const bigPath = join(dir, 'big.csv');
    await writeReviewCsv(bigPath, bigRows);
    const bigSize = (await stat(bigPath)).size;
    const check = await runCli(['check', bigPath, '--max-issues', '10'], dir, {});
    if (check.status !== 0) throw new Error(`spanpatch check exited ${check.status}:\n${check.stderr}`);
    return {
      startup,
      bareNode,
      spans,
      clientMs,
      cliMs: cli.ms,
      cliRss: cli.peakRss,
      bigRows,
      bigSize,
      checkMs: check.ms,
      checkRss: check.peakRss,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function report() {
  const result = await runCliBench();
  const rate = (ms: number) => `${Math.round((result.spans / ms) * 1000).toLocaleString('en-US')} spans/s`;
  const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(0)} MB`;
  console.log(`command line bench, ${result.spans.toLocaleString('en-US')} rows submitted from a CSV file`);
  console.log(
    `  start: spanpatch --version ${Math.round(result.startup.ms)} ms, peak RSS ${mb(result.startup.peakRss)}; ` +
      `node -e '' ${Math.round(result.bareNode.ms)} ms, ${mb(result.bareNode.peakRss)} ` +
      `(${(result.startup.ms / result.bareNode.ms).toFixed(1)}× the time, ` +
      `+${mb(result.startup.peakRss - result.bareNode.peakRss)}; medians of 7)`,
  );
  console.log(
    `  client only (logMetadata → server)          ${rate(result.clientMs).padStart(16)}  (${Math.round(result.clientMs)} ms)`,
  );
  console.log(
    `  spanpatch submit: file → final summary      ${rate(result.cliMs).padStart(16)}  (${Math.round(result.cliMs)} ms, process start included; peak RSS ${mb(result.cliRss)})`,
  );
  console.log(`  ratio ${(result.clientMs / result.cliMs).toFixed(2)} of the client-only rate (aim ≥ 0.95)`);
  console.log(
    `  spanpatch check of ${result.bigRows.toLocaleString('en-US')} rows (${mb(result.bigSize)} file): ` +
      `${(result.checkMs / 1000).toFixed(1)} s, peak RSS ${mb(result.checkRss)} = ` +
      `${(result.checkRss / result.bigSize).toFixed(1)}× the file (aim < 3×)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await report();
