import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkbook, writeWorkbook } from '../support/workbook';
import { guardPage, ingestProject, openWithProject } from './app-helpers';
import { type AppUnderTest, startApp } from './harness';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

const summary = (page: Page) => page.getByRole('status', { name: 'Sheet summary' });
/** The value a cell shows, by its row (1 = first data row) and column (1 = first sheet column). */
const text = (page: Page, row: number, column: number) =>
  page
    .getByRole('grid', { name: 'Sheet' })
    .locator(`[role="row"][aria-rowindex="${row + 1}"] [role="gridcell"][aria-colindex="${column + 1}"]`)
    .locator('.sheet-cell-text')
    .textContent();

describe('Excel in and out', () => {
  it('imports the sheet picked of a two-sheet workbook, and exports the failed rows as a marked workbook', async () => {
    const project = 'excel';
    const known = await ingestProject(app, project, 'e', 2);
    const unknown = 'ffffffffffff0e01';
    const path = join(app.dir, 'analyst.xlsx');
    // Written by openpyxl, a real spreadsheet writer: notes first, the spans on the second sheet.
    writeWorkbook(path, [
      { name: 'Notes', rows: [['about'], ['reviewed on Monday']] },
      {
        name: 'Spans',
        rows: [
          ['context.span_id', 'attributes.metadata.score', 'attributes.metadata.day'],
          [known[0] ?? '', 0.9, { date: '2024-03-01' }],
          [known[1] ?? '', 4, { date: '2024-03-02' }],
          [unknown, 0.7, { date: '2024-03-03' }],
        ],
      },
    ]);
    const { context, page } = await openWithProject(app, project, { context: { acceptDownloads: true } });
    // The Excel reader is fetched into the import worker only when a workbook is read (as the Parquet reader).
    const readerRequests: string[] = [];
    page.on('request', (request) => {
      if (/\/assets\/xlsx-import-[^/]*\.js$/.test(request.url())) readerRequests.push(request.url());
    });
    await page.getByLabel('Import file').waitFor();
    expect(readerRequests).toStrictEqual([]);
    await page.getByLabel('Import file').setInputFiles(path);

    const picker = page.getByRole('dialog', { name: 'Choose a sheet' });
    await picker.waitFor();
    expect(readerRequests).toHaveLength(1);
    expect(
      await picker
        .getByRole('radio')
        .evaluateAll((radios) => radios.map((radio) => (radio as HTMLInputElement).value)),
    ).toEqual(['Notes', 'Spans']);
    await picker.getByRole('radio', { name: 'Spans' }).check();
    await picker.getByRole('button', { name: 'Import this sheet' }).click();

    await expect.poll(() => summary(page).textContent()).toContain('3 rows');
    expect(await text(page, 1, 1)).toBe(known[0]);
    expect(await text(page, 1, 2)).toBe('0.9');
    expect(await text(page, 3, 3)).toBe('2024-03-03');

    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByRole('button', { name: 'Submit 3 spans' }).click();
    const results = page.getByRole('status', { name: 'Submission summary' });
    await results.waitFor();
    await expect.poll(() => results.textContent()).toMatch(/Failed\s*1(?![\d,])/);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export as Excel (.xlsx)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('analyst-failed-rows.xlsx');
    const saved = join(app.dir, 'analyst-failed-rows.xlsx');
    await download.saveAs(saved);
    const [sheet] = readWorkbook(saved);
    const byRef = new Map(sheet?.cells.map((cell) => [cell.ref, cell]));
    expect(['A1', 'B1', 'C1', 'D1'].map((ref) => byRef.get(ref)?.value)).toEqual([
      'context.span_id',
      'attributes.metadata.score',
      'attributes.metadata.day',
      'Error',
    ]);
    // The one failed row: the span the project does not have. Its ID cell is marked, the message its comment.
    expect(byRef.get('A2')?.value).toBe(unknown);
    expect(byRef.get('B2')?.value).toBe(0.7);
    const error = byRef.get('D2')?.value;
    expect(typeof error === 'string' && error.length > 0).toBe(true);
    expect(byRef.get('A2')).toMatchObject({ fill: 'FFC7CE', comment: error });
    expect(sheet?.cells.filter((cell) => cell.fill !== null).map((cell) => cell.ref)).toEqual(['A2']);
    expect(byRef.has('A3')).toBe(false);
    await context.close();
  });

  it('reads a workbook large enough that its parts unzip off the page, under the strict Content-Security-Policy', async () => {
    const path = join(app.dir, 'large.xlsx');
    writeWorkbook(path, [
      {
        name: 'Spans',
        rows: [
          ['context.span_id', 'attributes.metadata.note', 'attributes.metadata.score'],
          {
            repeat: 40_000,
            row: ['61dbffb32f20ddb6', 'a note long enough to make the sheet part large', 0.25],
          },
        ],
      },
    ]);
    const context = await app.browser.newContext();
    const page = await context.newPage();
    guardPage(page, { pageError: true, csp: true });
    await page.goto(app.url);
    await page.getByLabel('Import file').setInputFiles(path);
    await expect.poll(() => summary(page).textContent(), { timeout: 60_000 }).toContain('40,000 rows');
    await context.close();
  });
});
