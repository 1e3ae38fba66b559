import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { inject, type TestContext } from 'vitest';

/** The file in the screenshot folder that lists the tests that failed; the folder is kept when it exists. */
export const FAILED_TESTS_FILE = 'failed-tests.txt';

/**
 * Saves a screenshot of the page as `<name>.png` in this run's temporary folder (made by global-setup.ts): removed
 * when every test passed, kept and named at the end of the run when a test failed.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(inject('e2eScreenshotDir'), `${name}.png`) });
}

/** Notes a failed test in the screenshot folder, so the run keeps it (tests/e2e/test-setup.ts calls it). */
export async function noteFailure({ task }: TestContext): Promise<void> {
  const where = task.file.name;
  await appendFile(join(inject('e2eScreenshotDir'), FAILED_TESTS_FILE), `${where} > ${task.name}\n`);
}
