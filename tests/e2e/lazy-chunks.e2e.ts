import { resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardPage } from './app-helpers';
import { type AppUnderTest, fixture, startApp } from './harness';

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
const focused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);

/** The URLs of the built chunk `name` (e.g. `parquet-import`) that the page, its workers included, asked for. */
function chunkRequests(page: Page, name: string): string[] {
  const urls: string[] = [];
  const chunk = new RegExp(`/assets/${name}-[^/]*\\.js$`);
  page.on('request', (request) => {
    if (chunk.test(request.url())) urls.push(request.url());
  });
  return urls;
}

describe('code loaded only when it is used, under the strict Content-Security-Policy', () => {
  it('fetches the Parquet reader into the import worker only when a Parquet file is read', async () => {
    const { context, page } = await app.openPage();
    guardPage(page, { pageError: false, csp: true });
    const requested = chunkRequests(page, 'parquet-import');

    // A JSONL file is read without the Parquet reader.
    await page.getByLabel('Import file').setInputFiles(fixture('labels.jsonl'));
    await expect.poll(() => summary(page).textContent()).toContain('2 rows');
    expect(requested).toStrictEqual([]);

    await page.getByLabel('Import file').setInputFiles(resolve('tests/fixtures/import/pandas-like.parquet'));
    await expect.poll(() => summary(page).textContent()).toContain('3 rows');
    await expect.poll(() => summary(page).textContent()).toContain('3 spans');
    expect(await text(page, 2, 1)).toBe('8f2a1c0d9e7b6a54');
    expect(requested).toHaveLength(1);
    await context.close();
  });

  it('opens the settings dialog from the keyboard after its code arrives, its first field focused', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    guardPage(page, { pageError: true, csp: true });
    const requested = chunkRequests(page, 'settings-dialog');
    // Hold the dialog's code until the button has been pressed, as on a slow connection.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/assets\/settings-dialog-[^/]*\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(app.url);
    const settings = page.getByRole('button', { name: 'Settings' });
    await settings.waitFor();
    expect(requested).toStrictEqual([]);

    await settings.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Connection settings' });
    await expect.poll(() => requested.length).toBe(1);
    expect(await dialog.count()).toBe(0);
    release();
    await dialog.waitFor();
    const serverUrl = dialog.getByLabel('Server URL');
    await expect.poll(() => focused(serverUrl)).toBe(true);

    await page.keyboard.type('not a url');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => focused(settings)).toBe(true);

    // Opened again, the code is already there: no second download.
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await expect.poll(() => focused(serverUrl)).toBe(true);
    expect(await serverUrl.inputValue()).toBe(app.url.replace(/\/+$/, ''));
    expect(requested).toHaveLength(1);
    await context.close();
  });

  it('leaves the tabs other than the Sheet out of the first download, and says so while a tab arrives', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    guardPage(page, { pageError: true, csp: true });
    const tabs = ['spans', 'preview', 'results', 'history'];
    const asked = new Map(tabs.map((name) => [name, chunkRequests(page, name)]));
    // Hold the History tab's code, as on a slow connection.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/assets\/history-[^/]*\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(app.url);
    await page.getByRole('grid', { name: 'Sheet' }).waitFor();
    for (const name of tabs) expect(asked.get(name), name).toStrictEqual([]);

    const history = page.getByRole('tab', { name: 'History' });
    await history.focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('tabpanel', { name: 'History' });
    const loading = panel.getByRole('status').filter({ hasText: 'Loading the History tab…' });
    await loading.waitFor();
    expect(asked.get('history')).toHaveLength(1);
    release();
    await panel.getByRole('button', { name: 'Refresh' }).waitFor();
    expect(await loading.count()).toBe(0);

    // The Spans tab's code comes with it, and its search keeps what was typed when the tab shows again.
    await page.getByRole('tab', { name: 'Spans' }).click();
    const search = page.getByRole('searchbox', { name: 'Search spans' });
    await search.fill('lookup');
    expect(asked.get('spans')).toHaveLength(1);
    await page.getByRole('tab', { name: 'Sheet' }).click();
    await page.getByRole('tab', { name: 'Spans' }).click();
    expect(await search.inputValue()).toBe('lookup');
    expect(asked.get('spans')).toHaveLength(1);
    await context.close();
  });
});
