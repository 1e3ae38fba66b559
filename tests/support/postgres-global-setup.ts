import type { TestProject } from 'vitest/node';
import { withoutPassword } from '../../scripts/system-requirements.mjs';
import { databasePrefix, dropRunDatabases, newRunId, startPostgresCluster } from './postgres-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The tests' PostgreSQL: a database to connect to for CREATE DATABASE. */
    postgresUrl: string;
    /** The prefix of every database this run creates. */
    postgresDatabasePrefix: string;
    /** True when the run started its own cluster; false on the server SPANPATCH_TEST_DATABASE_URL names. */
    postgresThrowaway: boolean;
  }
}

/**
 * The `postgres` project's global set-up: starts the throwaway cluster once for the run (or checks the server
 * SPANPATCH_TEST_DATABASE_URL names) and hands its URL to the test files (tests/support/postgres-env.ts). When it
 * cannot, the run fails here with the reason: the PostgreSQL tests are never skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster();
  const prefix = databasePrefix(newRunId());
  project.provide('postgresUrl', cluster.url);
  project.provide('postgresDatabasePrefix', prefix);
  project.provide('postgresThrowaway', cluster.throwaway);
  if (!cluster.throwaway) console.log(`PostgreSQL tests on ${withoutPassword(cluster.url)}`);
  return async () => {
    if (!cluster.throwaway) await dropRunDatabases(cluster.url, prefix);
    await cluster.stop();
  };
}
