import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppUnderTest, startApp } from './harness';
import { savedSheet } from './save-probe';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

const summary = (page: Page) => page.getByRole('status', { name: 'Sheet summary' });
const grid = (page: Page) => page.getByRole('grid', { name: 'Sheet' });
const needsAttention = (page: Page) => page.getByRole('list', { name: 'Needs attention' });
const header = (page: Page, name: RegExp) => grid(page).getByRole('columnheader', { name });

/** Pastes text on the grid, as Ctrl+V from a spreadsheet does. */
async function paste(page: Page, text: string) {
  await page.evaluate((pasted) => {
    const data = new DataTransfer();
    data.setData('text/plain', pasted);
    document.activeElement?.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true }),
    );
  }, text);
}

describe('signal over noise: column notices (issue 12)', () => {
  it("imports the analyst's pandas file with column notices, and one Accept per column clears them", async () => {
    const { context, page } = await app.openPage();
    await page.getByLabel('Import file').setInputFiles(resolve('tests/fixtures/import/pandas-review.csv'));
    await expect.poll(() => summary(page).textContent()).toContain('40 rows');

    // Two column notices, not 66 warnings: what needs attention is the three real problems.
    await expect.poll(() => summary(page).textContent()).toContain('2 column notices');
    const text = (await summary(page).textContent()) ?? '';
    expect(text).toContain('1 error');
    expect(text).toContain('3 warnings');
    expect(text).toContain('2 column notices');
    expect(await page.getByRole('option', { name: 'Rows with warnings (3)' }).count()).toBe(1);
    const notices = needsAttention(page).getByRole('listitem');
    expect(await notices.count()).toBe(2);
    expect(await notices.nth(0).textContent()).toContain('36 true/false values are stored as the text');
    expect(await notices.nth(0).textContent()).toContain('Row 1: False is stored as "false".');
    expect(await notices.nth(1).textContent()).toMatch(
      /ticket_id: Read as text: 30 values look like a number/,
    );
    expect(await header(page, /attributes\.metadata\.reviewed/).textContent()).toContain('1 column notice');
    // The header of the ID-like column still says how it is read, and its cells carry no warning.
    expect(await header(page, /attributes\.metadata\.ticket_id/).textContent()).toContain('auto: text');
    const ticketCells = grid(page).locator('[role="gridcell"][aria-colindex="5"]');
    expect(await ticketCells.count()).toBeGreaterThan(10);
    expect(await grid(page).locator('[role="gridcell"][aria-colindex="5"][aria-describedby]').count()).toBe(
      0,
    );

    // One Accept per column.
    await notices.nth(0).getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => notices.count()).toBe(1);
    await notices.nth(0).getByRole('button', { name: 'Accept' }).click();
    await needsAttention(page).waitFor({ state: 'detached' });
    await expect.poll(() => summary(page).textContent()).toContain('Accepted: 2 conversions');
    expect(await summary(page).textContent()).not.toContain('column notice');
    expect(await header(page, /attributes\.metadata\.reviewed/).textContent()).toContain(
      '1 accepted conversion',
    );

    // Remembered with the sheet: once both Accepts are saved, a reload brings the sheet back with them.
    const acceptedSaved = async () => {
      const saved = await savedSheet(page);
      return saved?.ok ? saved.model.columnNotices().filter((notice) => notice.accepted).length : 0;
    };
    await expect.poll(acceptedSaved).toBe(2);
    await page.reload();
    await expect.poll(() => summary(page).textContent()).toContain('Accepted: 2 conversions');
    expect(await needsAttention(page).count()).toBe(0);
    await page.getByText('Accepted conversions: 2 column notices').click();
    const accepted = page.getByRole('list', { name: 'Accepted conversions' });
    expect(await accepted.getByRole('button', { name: 'Show again' }).count()).toBe(2);
    await context.close();
  });

  it("pastes a block with a header row through the mapping step, offering the project's keys", async () => {
    const { context, page } = await app.openPage();
    await page.getByRole('button', { name: 'Settings' }).waitFor();
    // A new sheet asks for its key: the focus is on it, with the project's keys offered.
    await page.getByRole('button', { name: 'New sheet' }).click();
    const keyInput = needsAttention(page).getByLabel("Name this column's key");
    await expect.poll(() => keyInput.evaluate((element) => element === document.activeElement)).toBe(true);
    await expect.poll(() => page.locator('datalist option[value="reviewed"]').count()).toBeGreaterThan(0);

    await grid(page).locator('[role="gridcell"]').first().click();
    await paste(page, 'span_id\tReviewed\tpriority\n61dbffb32f20ddb6\tTrue\thigh\n');
    const dialog = page.getByRole('dialog', { name: 'Map the columns of the pasted block' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("A column is offered as the project's key reviewed");
    const reviewed = dialog.getByRole('row', { name: 'Column Reviewed' });
    expect(await reviewed.getByLabel('Maps to').inputValue()).toBe('metadata');
    expect(await reviewed.getByLabel('Key').inputValue()).toBe('reviewed');
    // A header the project does not know is not dropped silently: it is there to map, ignored until it is.
    // A plain header the project does not know is taken as the key it names, and the step says so (issue 25).
    const priority = dialog.getByRole('row', { name: 'Column priority' });
    expect(await priority.getByLabel('Maps to').inputValue()).toBe('metadata');
    expect(await priority.getByLabel('Key').inputValue()).toBe('priority');
    expect(await dialog.textContent()).toContain(
      'A column is mapped to attributes.metadata.priority: plain headers are taken as metadata keys.',
    );
    await dialog.getByRole('button', { name: 'Import 1 row' }).click();
    await dialog.waitFor({ state: 'detached' });

    await expect.poll(() => summary(page).textContent()).toContain('1 span');
    expect(await summary(page).textContent()).toContain('0 errors');
    expect(await page.locator('.sheet-source').textContent()).toContain('Pasted sheet');
    expect(await needsAttention(page).textContent()).toContain(
      '1 true/false value is stored as the text "true" or "false"',
    );
    await context.close();
  });

  it('reads a column of a key the project types Int64 as numbers: one text cell blocks its span only (issue 25)', async () => {
    // The analyst's pandas file with a `turn` column, which the demo project stores as Int64; row 5 says N/A.
    const lines = (await readFile(resolve('tests/fixtures/import/pandas-review.csv'), 'utf8'))
      .trimEnd()
      .split('\n');
    const withTurn = lines.map((line, index) =>
      index === 0 ? `${line},attributes.metadata.turn` : `${line},${index === 5 ? 'N/A' : index % 7}`,
    );
    const path = join(app.dir, 'pandas-review-turn.csv');
    await writeFile(path, `${withTurn.join('\n')}\n`);
    const { context, page } = await app.openPage();
    await page.getByLabel('Import file').setInputFiles(path);
    await expect.poll(() => summary(page).textContent()).toContain('40 rows');
    // Read with the project's types: the N/A is an error on its cell, not a column of text that fails every span.
    await expect.poll(() => summary(page).textContent()).toContain('2 errors');
    const text = (await summary(page).textContent()) ?? '';
    expect(text).toContain('1 span blocked');
    expect(text).toContain('3 warnings');
    const turn = header(page, /\bturn\b/);
    expect(await turn.textContent()).toContain('auto: number');
    const column = await turn.getAttribute('aria-colindex');
    const invalid = grid(page).locator(`[role="gridcell"][aria-colindex="${column}"][aria-invalid="true"]`);
    expect(await invalid.count()).toBe(1);
    expect(await invalid.textContent()).toContain('N/A');
    await context.close();
  });
});
