import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSpanIds } from '@/server/demo/demo-spans';
import { openWithProject } from './app-helpers';
import { type AppUnderTest, startApp } from './harness';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

/** Opens the Preview and waits until it has compared the sheet with the server. */
async function previewAgainstServer(page: Page) {
  await page.getByRole('tab', { name: 'Preview' }).click();
  await page.getByText('Compared with project demo').waitFor();
}

/** The status a span's Preview card shows. */
const statusOf = (page: Page, spanId: string) =>
  page
    .getByRole('article', { name: `Span ${spanId}` })
    .locator('.status-pill')
    .textContent();

describe('a resubmission that would change nothing', () => {
  it('an unchanged resubmission sends nothing', async () => {
    const spanIds = demoSpanIds().slice(10, 13);
    const path = join(app.dir, 'unchanged.csv');
    await writeFile(
      path,
      ['context.span_id,attributes.metadata.e2e_check', ...spanIds.map((spanId) => `${spanId},checked`)].join(
        '\n',
      ),
    );

    const { context, page } = await openWithProject(app, 'demo');
    const metadataPosts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/spans/metadata')) {
        metadataPosts.push(request.url());
      }
    });

    await page.getByLabel('Import file').setInputFiles(path);
    await page.getByRole('status', { name: 'Sheet summary' }).filter({ hasText: '3 rows' }).waitFor();

    // The first time, every key is new: all three spans are sent.
    await previewAgainstServer(page);
    for (const spanId of spanIds) {
      expect(await statusOf(page, spanId)).toBe('Ready');
    }
    await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/spans/metadata')),
      page.getByRole('button', { name: 'Submit 3 spans' }).click(),
    ]);
    await page.getByRole('tab', { name: 'Results', selected: true }).waitFor();
    expect(metadataPosts.length).toBe(1);

    // The same sheet again: the server already stores every key as asked.
    await previewAgainstServer(page);
    await page.getByText('All 3 spans are already up to date: nothing to submit').waitFor();
    for (const spanId of spanIds) {
      expect(await statusOf(page, spanId)).toBe('Already up to date');
    }
    expect(await page.getByRole('status', { name: 'Preview summary' }).textContent()).toContain(
      'Already up to date: 3',
    );
    const submit = page.getByRole('button', { name: 'Submit 0 spans' });
    expect(await submit.isDisabled()).toBe(true);
    await submit.click({ force: true });
    // A round trip after the click: had it sent anything, the request would have been seen before this answer.
    await page.evaluate(() => fetch('/healthz').then((response) => response.status));
    expect(metadataPosts.length).toBe(1);
    await context.close();
  });
});
