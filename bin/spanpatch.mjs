#!/usr/bin/env node
// `npx spanpatch <command>`: the command line (SPEC §13), src/cli/main.ts.
// NOTE: in the repository (src/ is there) it runs a bundle of the sources that is rebuilt whenever one of them
// changed (bin/dev-bundle.mjs), so `npm start` and the tests never run a build older than the code; an installed
// package has no src/ and runs the plain JavaScript that `npm pack` built into dist/cli (scripts/build-cli.mjs).
// Either way no compiler runs at start.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const { main } = existsSync(sources)
  ? await (await import('./dev-bundle.mjs')).importBundled('main')
  : await import(new URL('../dist/cli/main.js', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
