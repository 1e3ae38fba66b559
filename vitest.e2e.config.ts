import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Browser tests: the real server on an ephemeral port, Debian's Chromium driven by playwright-core. */
export default defineConfig({
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
