import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Browser tests: the real server on an ephemeral port, Debian's Chromium driven by playwright-core. Timeouts are
 * for a busy 2-core CI machine (`npm run test:e2e:stress` runs the suite beside CPU-bound load): every wait is
 * for a condition, so a generous limit costs nothing when the condition comes.
 */
export default defineConfig({
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/global-setup.ts'],
    setupFiles: ['tests/e2e/test-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    expect: { poll: { timeout: 30_000 } },
  },
});
