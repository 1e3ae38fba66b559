import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorTypeLabel } from '@/core/words';
import { buildDemoSpans } from '@/server/demo/demo-spans';
import { holdBatchesAfterFirst, ingestProject, openWithProject, writeSheet } from './app-helpers';
import { type AppUnderTest, startApp } from './harness';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

const HTML_PAYLOAD = '<img src=x onerror=alert(1)>';

const openApp = (project: string) =>
  openWithProject(app, project, {
    context: { acceptDownloads: true },
    guards: { pageError: false, dialog: true },
  });

async function importSheet(page: Page, path: string, rows: number) {
  await page.getByLabel('Import file').setInputFiles(path);
  await page
    .getByRole('status', { name: 'Sheet summary' })
    .filter({ hasText: `${rows.toLocaleString('en-US')} rows` })
    .waitFor();
}

const resultsSummary = (page: Page) => page.getByRole('status', { name: 'Submission summary' });

describe('submitting and working through failures', () => {
  it('reports each server-side failure type, filters, exports and fixes them, and shows HTML as text', async () => {
    const demo = buildDemoSpans().filter(
      (span) =>
        span.kind === 'CHAIN' && typeof span.metadata === 'string' && span.metadata.includes('"turn"'),
    );
    const valid = demo
      .slice(0, 30)
      .map((span, index) => [span.spanId, 'true', index === 0 ? HTML_PAYLOAD : 'ok', '']);
    const conflicts = demo.slice(30, 32).map((span) => [span.spanId, 'true', 'ok', '{"turn": "three"}']);
    const unknown = ['eeeeeeeeeeee0001', 'eeeeeeeeeeee0002', 'eeeeeeeeeeee0003'].map((spanId, index) => [
      spanId,
      'true',
      index === 0 ? '=SUM(A1)' : index === 1 ? HTML_PAYLOAD : 'ok',
      '',
    ]);
    const manyKeys = JSON.stringify(
      Object.fromEntries(Array.from({ length: 995 }, (_, index) => [`k${index}`, index])),
    );
    const rejected = [[demo[32]?.spanId ?? '', 'true', 'ok', manyKeys]];
    const path = await writeSheet(
      app.dir,
      'failures.csv',
      ['context.span_id', 'attributes.metadata.reviewed', 'attributes.metadata.note', 'patch_document'],
      [...valid, ...conflicts, ...unknown, ...rejected],
    );

    const { context, page } = await openApp('demo');
    await importSheet(page, path, 36);
    expect(await page.getByRole('grid', { name: 'Sheet' }).textContent()).toContain(HTML_PAYLOAD);

    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByText('Compared with project demo').waitFor();
    // Problems come first in the Preview: the search brings the first row's span into view.
    const previewSearch = page.getByRole('searchbox', { name: 'Search the preview' });
    await previewSearch.fill(valid[0]?.[0] ?? '');
    expect(await page.getByRole('article', { name: `Span ${valid[0]?.[0]}` }).textContent()).toContain(
      JSON.stringify(HTML_PAYLOAD),
    );
    await previewSearch.fill('');
    await page.getByRole('button', { name: 'Submit 36 spans' }).click();

    const summary = resultsSummary(page);
    await summary.waitFor();
    await expect.poll(() => summary.textContent()).toMatch(/Sent\s*36(?![\d,])/);
    await expect.poll(() => summary.textContent()).toMatch(/Updated\s*30(?![\d,])/);
    await expect.poll(() => summary.textContent()).toMatch(/Failed\s*6(?![\d,])/);

    for (const [type, count] of [
      ['parse_failure', 0],
      ['patch_failure', 0],
      ['type_conflict', 2],
      ['segment_not_found', 3],
      ['connection_failure', 0],
      ['druid_rejection', 1],
    ] as const) {
      expect(await page.getByRole('button', { name: `${errorTypeLabel(type)} (${count})` }).count()).toBe(1);
    }

    const failedRows = () =>
      page
        .getByRole('table', { name: 'Failed spans' })
        .getByRole('row')
        .filter({ hasText: /Type conflict|Span not found|Rejected by the store/ });
    await expect.poll(() => failedRows().count()).toBe(6);
    await page.getByRole('button', { name: 'Span not found (3)' }).click();
    await expect.poll(() => failedRows().count()).toBe(3);
    await page.getByLabel('Search failed spans').fill('eeeeeeeeeeee0002');
    await expect.poll(() => failedRows().count()).toBe(1);
    expect(await failedRows().first().textContent()).toContain('eeeeeeeeeeee0002');
    await page.getByLabel('Search failed spans').fill('');
    await expect.poll(() => failedRows().count()).toBe(3);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export failed rows' }).click(),
    ]);
    const exported = await readFile((await download.path()) ?? '', 'utf8');
    // A byte order mark first, so Excel reads UTF-8.
    expect(exported.split(/\r?\n/)[0]).toBe(
      '\ufeffcontext.span_id,attributes.metadata.reviewed,attributes.metadata.note,patch_document',
    );
    expect(exported).toContain("'=SUM(A1)");
    expect(exported).toContain(HTML_PAYLOAD);
    expect(exported).not.toContain(demo[0]?.spanId ?? 'none');

    // History: the submission's changes, with the HTML payload as text.
    await page.getByRole('tab', { name: 'History' }).click();
    await page
      .getByRole('button', { name: /^Open( submission)?$/ })
      .first()
      .click();
    await page.locator('#submission-detail').getByText(HTML_PAYLOAD).first().waitFor();
    expect(await page.locator('img').count()).toBe(0);

    // Fix in sheet: the failed rows become the sheet.
    await page.getByRole('tab', { name: 'Results' }).click();
    await page.getByRole('button', { name: 'Fix in sheet' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /Replace|Fix/ })
      .click();
    await page.getByRole('tab', { name: 'Sheet' }).click();
    await page
      .getByRole('status', { name: 'Sheet summary' })
      .filter({ hasText: /^\D*[36] rows/ })
      .waitFor();
    expect(await page.getByRole('grid', { name: 'Sheet' }).textContent()).toContain('eeeeeeeeeeee0001');
    expect(await page.locator('img').count()).toBe(0);
    await context.close();
  });

  it('reports undelivered batches as connection_failure when the server stops, and Retry completes them', async () => {
    const count = 10_000;
    const spanIds = await ingestProject(app, 'e2e', 'e2e', count);
    const path = await writeSheet(
      app.dir,
      'big.csv',
      ['context.span_id', 'attributes.metadata.batch'],
      spanIds.map((spanId, index) => [spanId, String(index)]),
    );
    const { context, page } = await openApp('e2e');
    await importSheet(page, path, count);

    // The first batch is delivered and answered; the others wait until the server is really stopped.
    const { firstBatchDone, release } = await holdBatchesAfterFirst(page);
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByRole('button', { name: 'Submit 10,000 spans' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Submit 10,000 spans' }).click();
    await firstBatchDone;
    await app.stopServer();
    release();

    const summary = resultsSummary(page);
    await summary.waitFor({ timeout: 60_000 });
    await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toMatch(/Failed\s*5,000(?![\d,])/);
    expect(await summary.textContent()).toMatch(/Updated\s*5,000(?![\d,])/);
    expect(await page.getByRole('button', { name: 'Not delivered (5,000)' }).count()).toBe(1);

    await app.startServerAgain();
    await page.unroute('**/spans/metadata');
    await page.getByRole('button', { name: /^Retry 5,000 spans/ }).click();
    await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toMatch(/Updated\s*10,000(?![\d,])/);
    expect(await summary.textContent()).toMatch(/Failed\s*0(?![\d,])/);

    const stored = await app.server.store.lookupSpans('e2e', spanIds);
    expect(stored.missing).toEqual([]);
    const batchOf = new Map(stored.spans.map((span) => [span.span_id, span.metadata.batch]));
    expect(spanIds.every((spanId, index) => batchOf.get(spanId) === index)).toBe(true);
    await context.close();
  });
});
