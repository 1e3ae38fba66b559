#!/usr/bin/env node
// `npx spanpatch <command>`: the command line (SPEC §13). Its code is TypeScript in src/cli, run through tsx.
import { importSource } from './load-source.mjs';

const { main } = await importSource('src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
