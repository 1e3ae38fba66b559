import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSheetCsv, ROWS_PER_REPEATED_SPAN, sheetSpanIdFor, spanIdFor } from '../bench/generate';
import { guardPage } from './app-helpers';
import { type AppUnderTest, startApp } from './harness';
import { savedCellEdits, savedRowCount } from './save-probe';

/**
 * Rows in the sheet: LARGE_SHEET_ROWS, else the full 1,000,000 (about 20 s here); the benchmark
 * (tests/bench/ui-sheet-bench.ts) measures the same sizes.
 */
const ROWS = Number(process.env.LARGE_SHEET_ROWS ?? 1_000_000);
if (!Number.isInteger(ROWS) || ROWS < 3) {
  throw new Error(
    `LARGE_SHEET_ROWS must be a whole number of rows, 3 or more; it was "${process.env.LARGE_SHEET_ROWS}"`,
  );
}
/**
 * How long any one step may take: generous (a busy 2-core CI machine), and more for more rows. Every step waits for
 * what it is about, so a step takes this long only when it fails.
 */
const STEP_MS = Math.max(120_000, ROWS * 0.6);
/** The last row's new span ID: the first row's, so the two rows patch one span and the summary counts one less. */
const EDITED_SPAN_ID = spanIdFor(0);

let app: AppUnderTest;

beforeAll(async () => {
  // No project: the test is about the sheet, and Preview lists the spans without a server to compare with.
  app = await startApp({ seedDemo: false });
});

afterAll(async () => {
  await app?.close();
});

const summary = (page: Page) => page.getByRole('status', { name: 'Sheet summary' });
const grid = (page: Page) => page.getByRole('grid', { name: 'Sheet' });
/** A summary counting exactly `count` of `what` ("200,000 rows", not "1,200,000 rows"). */
const counts = (count: number, what: string) =>
  new RegExp(`(^|[^\\d,])${count.toLocaleString('en-US')} ${what}`);
/** A data row by its number (from 1), named by its Delete button (shown on hover). */
const row = (page: Page, number: number) =>
  grid(page)
    .getByRole('row')
    .filter({
      has: page.getByRole('button', { name: `Delete row ${number}`, exact: true, includeHidden: true }),
    });
/** The span ID cell (the sheet's first column) of a data row. */
const spanIdCell = (page: Page, number: number) => row(page, number).getByRole('gridcell').first();
/** The cell of the quality column (the fourth: whole numbers 1–5) of a data row. */
const qualityCell = (page: Page, number: number) => row(page, number).getByRole('gridcell').nth(3);

/** Moves to the last cell of the last row (Ctrl+End) and waits until that row is inside the grid's view. */
async function goToLastRow(page: Page): Promise<void> {
  await grid(page).getByRole('gridcell').first().click();
  await page.keyboard.press('Control+End');
  const last = row(page, ROWS);
  await last.waitFor({ timeout: STEP_MS });
  // How far the row reaches past the grid's view, above and below (0 or less: inside). NOTE: the grid is its scroll
  // area; 32,000,000 px down, positions are exact to a pixel or two only (32-bit floats), hence the leeway: 1 px
  // above, 2 px below, as when this was measured on the grid's frame and its 1 px border.
  await expect
    .poll(
      async () => {
        const [frame, shown] = await Promise.all([grid(page).boundingBox(), last.boundingBox()]);
        if (frame === null || shown === null) return null;
        return { above: frame.y - shown.y, below: shown.y + shown.height - (frame.y + frame.height) };
      },
      { timeout: STEP_MS },
    )
    .toSatisfy((reach) => reach !== null && reach.above <= 1 && reach.below <= 2);
}

describe(`a large sheet (${ROWS.toLocaleString('en-US')} rows) in a browser`, () => {
  it(
    'imports, scrolls to the last row, takes an edit, previews, and comes back after a reload',
    async () => {
      const csvPath = join(app.dir, 'large.csv');
      await writeFile(csvPath, generateSheetCsv(ROWS));
      const context = await app.browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      // Every action (a click on a row a million rows down included) may take a step's time.
      page.setDefaultTimeout(STEP_MS);
      guardPage(page, { csp: true });
      await page.goto(app.url);

      await page.getByLabel('Import file').setInputFiles(csvPath);
      await expect
        .poll(() => summary(page).textContent(), { timeout: STEP_MS })
        .toMatch(counts(ROWS, 'rows'));
      expect(await summary(page).textContent()).toMatch(counts(ROWS, 'spans'));
      expect(await summary(page).textContent()).toMatch(counts(0, 'errors'));
      // Autosave keeps the imported sheet (its columns, once), whether or not it is edited; the edits below are
      // then appended to it, one save after another.
      await expect.poll(() => savedRowCount(page), { timeout: STEP_MS }).toBe(ROWS);

      // The grid scrolls to the last row and shows it.
      await goToLastRow(page);
      expect(await spanIdCell(page, ROWS).textContent()).toContain(spanIdFor(ROWS - 1));

      // An edit there (the first row's span ID) updates the summary: one span fewer, as many rows.
      await spanIdCell(page, ROWS).click();
      await page.keyboard.press('F2');
      const editor = page.getByRole('textbox', { name: 'Cell value' });
      await editor.fill(EDITED_SPAN_ID);
      await editor.press('Enter');
      await expect
        .poll(() => summary(page).textContent(), { timeout: STEP_MS })
        .toMatch(counts(ROWS - 1, 'spans'));
      expect(await summary(page).textContent()).toMatch(counts(ROWS, 'rows'));

      // Text in the column of numbers (quality, the fourth): the column reads as text now, every row anew. That
      // is rechecked off the page: the page says so, and shows the change once it is done.
      await qualityCell(page, ROWS).click();
      await page.keyboard.press('F2');
      await editor.fill('high');
      await editor.press('Enter');
      const checking = page.getByRole('status').filter({ hasText: /Checking [\d,]+ rows after this change/ });
      await checking.waitFor({ timeout: STEP_MS });
      await checking.waitFor({ state: 'detached', timeout: STEP_MS });
      await expect.poll(() => qualityCell(page, ROWS).textContent(), { timeout: STEP_MS }).toContain('high');
      expect(await summary(page).textContent()).toMatch(counts(ROWS - 1, 'spans'));

      // Preview opens and lists spans.
      await page.getByRole('tab', { name: 'Preview' }).click();
      const spans = page.getByRole('list', { name: 'Spans' }).getByRole('listitem');
      await spans.first().waitFor({ timeout: STEP_MS });
      expect(await spans.count()).toBeGreaterThan(0);

      // Wait until the saved sheet (in IndexedDB) holds both edits, which is what a reload gives back; then reload:
      // the same rows, the edits kept.
      await expect
        .poll(() => savedCellEdits(page), { timeout: STEP_MS })
        .toEqual(
          expect.arrayContaining([
            expect.objectContaining({ row: ROWS - 1, value: EDITED_SPAN_ID }),
            expect.objectContaining({ row: ROWS - 1, value: 'high' }),
          ]),
        );
      await page.reload();
      await page.getByRole('tab', { name: 'Sheet' }).click();
      await expect
        .poll(() => summary(page).textContent(), { timeout: STEP_MS })
        .toMatch(counts(ROWS, 'rows'));
      expect(await summary(page).textContent()).toMatch(counts(ROWS - 1, 'spans'));
      await goToLastRow(page);
      expect(await spanIdCell(page, ROWS).textContent()).toContain(EDITED_SPAN_ID);
      expect(await qualityCell(page, ROWS).textContent()).toContain('high');
      await context.close();
    },
    STEP_MS * 8,
  );

  it(
    'imports a file where each span ID is on several rows: a warning on every row, counted and said in words',
    async () => {
      const csvPath = join(app.dir, 'repeated.csv');
      await writeFile(csvPath, generateSheetCsv(ROWS, 7, 'repeated'));
      const context = await app.browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_MS);
      guardPage(page, { csp: true });
      await page.goto(app.url);

      await page.getByLabel('Import file').setInputFiles(csvPath);
      await expect
        .poll(() => summary(page).textContent(), { timeout: STEP_MS })
        .toMatch(counts(ROWS, 'rows'));
      const text = await summary(page).textContent();
      expect(text).toMatch(counts(Math.ceil(ROWS / ROWS_PER_REPEATED_SPAN), 'spans'));
      expect(text).toMatch(counts(0, 'errors'));
      // Every row is warned: its span is on other rows too.
      expect(text).toMatch(counts(ROWS, 'warnings'));

      // The page answers, and says the warning of a row in words when it is looked at.
      await spanIdCell(page, 2).click();
      const others = [1, 3, 4].filter((number) => number <= ROWS).join(', ');
      await expect
        .poll(() => page.locator('.cell-inspector').textContent(), { timeout: STEP_MS })
        .toContain(`Span "${sheetSpanIdFor('repeated', 1)}" also appears in rows ${others};`);
      await context.close();
    },
    STEP_MS * 3,
  );
});
