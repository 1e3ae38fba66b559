import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Tests that need PostgreSQL itself (a store opened on it, several servers on one database, the cluster harness):
 * postgres project only.
 */
const postgresOnly = ['tests/server/postgres-*.test.ts'];

/**
 * Files of tests/server and tests/client the `postgres` project leaves out: the SQLite-specific ones and those that
 * start no server (running them twice would test nothing more).
 */
const notOnPostgres = [
  // SQLite-specific: by name (as postgres-*.test.ts are PostgreSQL-specific), the database file's lifecycle,
  // SQLite's failures (disk full, locked, corrupt).
  'tests/server/sqlite-*.test.ts',
  'tests/server/store-lifecycle.test.ts',
  'tests/server/store-failures.test.ts',
  // Open a SQLite store or file directly: the demo seed on a SQLite store, a restart on the same SQLite file.
  'tests/server/demo-seed.test.ts',
  'tests/client/server-restart.test.ts',
  // No server at all: configuration parsing, the pure patch planners, the OTLP counts, the client against fake
  // fetches.
  'tests/server/config.test.ts',
  'tests/server/patch/**',
  'tests/server/otlp/**',
  'tests/client/api-request.test.ts',
  'tests/client/log-metadata.test.ts',
];

/**
 * Two projects, both run by `vitest run` (so by `npm run test:unit` and `npm test`):
 * - `unit`: every test, the server ones on SQLite;
 * - `postgres`: the same server and client contract tests on a real PostgreSQL, a throwaway cluster started once
 *   for the run (or the one SPANPATCH_TEST_DATABASE_URL names), a database per test server. If it cannot start,
 *   the run fails with the reason; nothing is skipped.
 * One project alone: `npx vitest run --project unit` (or `postgres`).
 */
export default defineConfig({
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  test: {
    environment: 'node',
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
          exclude: ['tests/e2e/**', 'tests/bench/**', 'node_modules/**', ...postgresOnly, 'tests/support/**'],
          env: { SPANPATCH_TEST_STORE: 'sqlite' },
          // Longer waits for the component tests (jsdom) on a busy machine.
          setupFiles: ['tests/ui/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['tests/server/**/*.test.ts', 'tests/client/**/*.test.ts', 'tests/support/**/*.test.ts'],
          exclude: ['node_modules/**', ...notOnPostgres],
          env: { SPANPATCH_TEST_STORE: 'postgres' },
          globalSetup: ['tests/support/postgres-global-setup.ts'],
          setupFiles: ['tests/support/postgres-env.ts'],
        },
      },
    ],
  },
});
