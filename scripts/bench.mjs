#!/usr/bin/env node
// `npm run bench`: runs every benchmark in tests/bench and prints its numbers with ratios against a baseline
// measured in the same run. Benchmarks are reports, never pass/fail: these machines are shared and noisy.
// Words pick benchmarks by name (`npm run bench -- ui-sheet`); options (`--rows=100000`) go to each one run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('../tests/bench/', import.meta.url));
const args = process.argv.slice(2);
const only = args.filter((arg) => !arg.startsWith('--'));
const options = args.filter((arg) => arg.startsWith('--'));
const benches = readdirSync(benchDir)
  .filter((name) => name.endsWith('-bench.ts'))
  .filter((name) => only.length === 0 || only.some((wanted) => name.includes(wanted)))
  .sort();

let failed = 0;
for (const name of benches) {
  console.log(`\n== ${name}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `${benchDir}${name}`, ...options], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
