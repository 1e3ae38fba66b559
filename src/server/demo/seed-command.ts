import { resolve } from 'node:path';
import { loadConfig } from '@/server/config';
import { openSqliteStore } from '@/server/store';
import { seedDemoProject } from './seed-demo';

/** `npm run seed`: re-creates the demo project in the database SPANPATCH_DB names (default ./data/spanpatch.db). */
export async function runSeed(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const config = loadConfig(env);
  const dbPath = resolve(config.dbPath);
  const store = openSqliteStore(dbPath);
  try {
    const { project, spans } = await seedDemoProject(store);
    console.log(`Seeded project '${project}' with ${spans.toLocaleString('en-US')} spans in ${dbPath}`);
  } finally {
    await store.close();
  }
}
