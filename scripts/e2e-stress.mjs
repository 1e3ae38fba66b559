#!/usr/bin/env node
// The browser suite under load, as on a busy 2-core CI machine: CPU-bound processes run beside it while the suite
// runs several times in a row. Exits non-zero when any run failed, saying which tests failed in which run.
//
//   npm run test:e2e:stress                                  two busy processes, three runs of the whole suite
//   npm run test:e2e:stress -- --runs=5 --load=3             five runs beside three busy processes
//   npm run test:e2e:stress -- tests/e2e/layout.e2e.ts       other arguments go to vitest (e.g. test files)
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const USAGE = 'Usage: npm run test:e2e:stress -- [--runs=N] [--load=N] [vitest arguments, e.g. test files]';

/** Reads `--runs=N` and `--load=N` (whole numbers, at least `min`); everything else goes to vitest. */
function parseArguments(args) {
  const options = { runs: 3, load: 2, vitest: [] };
  for (const arg of args) {
    const match = /^--(runs|load)=(.*)$/.exec(arg);
    if (!match) {
      options.vitest.push(arg);
      continue;
    }
    const [, name, text] = match;
    const value = Number(text);
    const min = name === 'runs' ? 1 : 0;
    if (!/^\d+$/.test(text) || value < min) {
      console.error(`--${name} must be a whole number, ${min} or more; it was "${text}".\n${USAGE}`);
      process.exit(2);
    }
    options[name] = value;
  }
  return options;
}

/**
 * A busy loop in a process of its own. It spins in slices and yields between them, so it notices when this script
 * goes away (its IPC channel closes, even on SIGKILL) and ends itself: the load never outlives the run.
 */
const BUSY_LOOP = `
process.on('disconnect', () => process.exit(0));
let sink = 0;
const spin = () => {
  const until = Date.now() + 100;
  while (Date.now() < until) sink = (sink * 31 + 7) % 1000003;
  setImmediate(spin);
};
spin();
`;

/** The processes this script started and has not seen end: the load and the current vitest run. */
const running = new Set();

function start(command, args, options) {
  const child = spawn(command, args, options);
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

/** The temporary folder of this run's JSON reports, removed at the end. */
let reports = null;

/**
 * Ends every process this script started, by its own handle, and removes the reports' folder. Synchronous, so it
 * also works on `exit`.
 */
function stopAll() {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  if (reports !== null) rmSync(reports, { recursive: true, force: true });
  reports = null;
}

process.on('exit', stopAll);
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
]) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the load and the browser suite.`);
    stopAll();
    process.exit(code);
  });
}

const VITEST = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

/** Runs the browser suite once with a JSON report in `reportPath`; gives vitest's exit code (or its signal). */
function runSuite(reportPath, vitestArgs) {
  return new Promise((resolve) => {
    const child = start(
      process.execPath,
      [
        VITEST,
        'run',
        '-c',
        'vitest.e2e.config.ts',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${reportPath}`,
        ...vitestArgs,
      ],
      { stdio: 'inherit' },
    );
    child.on('error', (error) => resolve({ code: 1, error: error.message }));
    child.on('exit', (code, signal) => resolve({ code: code ?? 1, signal }));
  });
}

const firstLine = (text) =>
  String(text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '') ?? '';

/** The tests of one run, and the failures in words: "file > describe > test: first line of the error". */
async function readReport(reportPath) {
  let report;
  try {
    report = JSON.parse(await readFile(reportPath, 'utf8'));
  } catch {
    return null;
  }
  const failures = [];
  let tests = 0;
  for (const file of report.testResults ?? []) {
    const name = relative(process.cwd(), file.name ?? '');
    const results = file.assertionResults ?? [];
    tests += results.length;
    const failed = results.filter((result) => result.status === 'failed');
    for (const result of failed) {
      const title = result.fullName ?? [...(result.ancestorTitles ?? []), result.title].join(' > ');
      failures.push(`${name} > ${title}: ${firstLine(result.failureMessages?.[0])}`);
    }
    // A file can fail with no failed test: its set-up (beforeAll) or its import threw.
    if (file.status === 'failed' && failed.length === 0) {
      failures.push(`${name}: ${firstLine(file.message) || 'failed outside its tests'}`);
    }
  }
  return { tests, failures };
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  reports = await mkdtemp(join(tmpdir(), 'spanpatch-e2e-stress-'));
  const outcomes = [];
  try {
    for (let index = 0; index < options.load; index += 1) {
      start(process.execPath, ['-e', BUSY_LOOP], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    }
    console.log(
      `Browser suite under load: ${options.load} busy process${options.load === 1 ? '' : 'es'} beside it, ` +
        `${options.runs} run${options.runs === 1 ? '' : 's'} in a row.`,
    );
    for (let run = 1; run <= options.runs; run += 1) {
      console.log(`\n=== Run ${run} of ${options.runs} ===\n`);
      const reportPath = join(reports, `run-${run}.json`);
      const started = Date.now();
      const { code, signal, error } = await runSuite(reportPath, options.vitest);
      const seconds = Math.round((Date.now() - started) / 1000);
      const report = await readReport(reportPath);
      const failures = report?.failures ?? [];
      if (code !== 0 && failures.length === 0) {
        failures.push(
          error
            ? `vitest could not start: ${error}`
            : `vitest ended with ${signal ? `signal ${signal}` : `exit code ${code}`}` +
                (report ? ' (no test failed: see its output above)' : ' and wrote no report'),
        );
      }
      outcomes.push({ run, seconds, tests: report?.tests ?? 0, failures });
    }
  } finally {
    stopAll();
  }

  console.log(`\n=== Browser suite under load: ${options.runs} run(s) ===`);
  for (const { run, seconds, tests, failures } of outcomes) {
    if (failures.length === 0) {
      console.log(`Run ${run}: passed, ${tests} tests in ${seconds} s`);
    } else {
      console.log(`Run ${run}: FAILED, in ${seconds} s:`);
      for (const failure of failures) console.log(`  ${failure}`);
    }
  }
  const failedRuns = outcomes.filter((outcome) => outcome.failures.length > 0).length;
  console.log(failedRuns === 0 ? 'Every run passed.' : `${failedRuns} of ${options.runs} run(s) failed.`);
  process.exitCode = failedRuns === 0 ? 0 : 1;
}

await main();
