// `npm run seed`: re-creates the demo project (about 5,000 deterministic LLM spans) in SPANPATCH_DB
// (default ./data/spanpatch.db), removing its earlier spans and submission history.
import { tsImport } from 'tsx/esm/api';

const { runSeed } = await tsImport('../src/server/demo/seed-command.ts', import.meta.url);
try {
  await runSeed(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
