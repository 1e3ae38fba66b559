import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { FAILED_TESTS_FILE } from './screenshots';

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's folder for screenshots (tests/e2e/screenshots.ts). */
    e2eScreenshotDir: string;
  }
}

/**
 * Builds the UI once for all browser tests, into its own folder so a running `npm start` is not disturbed, and
 * makes this run's screenshot folder: removed at the end when every test passed, kept (and named) when one failed.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await build({ logLevel: 'warn', build: { outDir: 'dist/ui-e2e', emptyOutDir: true, sourcemap: false } });
  const screenshots = await mkdtemp(join(tmpdir(), 'spanpatch-e2e-screenshots-'));
  project.provide('e2eScreenshotDir', screenshots);
  return async () => {
    const failed = await readFile(join(screenshots, FAILED_TESTS_FILE), 'utf8').catch(() => '');
    const taken = (await readdir(screenshots)).filter((name) => name.endsWith('.png'));
    if (failed === '' || taken.length === 0) {
      await rm(screenshots, { recursive: true, force: true });
      return;
    }
    console.log(
      `\nA browser test failed: this run's ${taken.length} screenshot(s) are kept in ${screenshots} ` +
        `(${FAILED_TESTS_FILE} there names the failed tests).`,
    );
  };
}
