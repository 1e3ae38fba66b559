import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWithProject } from './app-helpers';
import { type AxeViolation, axeViolations, report } from './axe';
import { type AppUnderTest, fixture, startApp } from './harness';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

/** axe runs under the app's real Content-Security-Policy: a violation would mean the check changed the page. */
const openApp = (project: string) =>
  openWithProject(app, project, {
    context: { viewport: { width: 1280, height: 800 } },
    guards: { csp: true },
  });

describe('accessibility: axe-core in every tab, dialog, popover and filtered state', () => {
  it('finds no violation', async () => {
    const { context, page } = await openApp('demo');
    const found = new Map<string, AxeViolation[]>();
    const states: string[] = [];
    const check = async (state: string) => {
      states.push(state);
      const violations = await axeViolations(page);
      if (violations.length > 0) found.set(state, violations);
    };
    const tab = (name: string) => page.getByRole('tab', { name, exact: true });

    // Every tab, empty.
    await page.getByRole('grid', { name: 'Sheet' }).waitFor();
    await check('Sheet, empty');
    await tab('Preview').click();
    await page.getByText('No spans to show.').waitFor();
    await check('Preview, empty');
    await tab('Results').click();
    await page.getByText('Submit the sheet to see per-span results here.').waitFor();
    await check('Results, empty');
    await tab('History').click();
    await page.getByText('No submissions to project demo yet.').waitFor();
    await check('History, empty');
    await tab('Spans').click();
    const matching = page.getByRole('status', { name: 'Matching spans' });
    await matching.filter({ hasText: /spans match/ }).waitFor();
    await page.getByRole('searchbox', { name: 'Search spans' }).fill('no-span-is-called-this');
    await matching.filter({ hasText: 'No spans match in project demo.' }).waitFor();
    await check('Spans, nothing matches');

    // Settings.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: /settings/i }).waitFor();
    await check('Settings dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // Spans with data, a span's detail, and Add to sheet.
    await page.getByRole('searchbox', { name: 'Search spans' }).fill('');
    await matching.filter({ hasText: /spans match/ }).waitFor();
    await check('Spans, with data');
    const table = page.getByRole('table', { name: 'Spans' });
    await table
      .getByRole('button', { name: /^Open span / })
      .first()
      .click();
    const detail = page.getByRole('dialog', { name: /^Span / });
    await detail.getByRole('table').first().waitFor();
    await check('Span detail dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    for (const box of (await table.getByRole('checkbox', { name: /^Select span / }).all()).slice(0, 2)) {
      await box.check();
    }
    await page.getByRole('button', { name: 'Add 2 spans to sheet' }).click();
    await page.getByRole('dialog', { name: 'Add 2 spans to sheet' }).waitFor();
    await check('Add to sheet dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // The mapping step of a file with a column it does not know.
    await tab('Sheet').click();
    await page.getByLabel('Import file').setInputFiles(fixture('unknown-columns.csv'));
    const mapping = page.getByRole('dialog', { name: /Map the columns of unknown-columns\.csv/ });
    await mapping.waitFor();
    await check('Mapping dialog');
    // Mapping the unknown column to a blank key shows the dialog's problems.
    const quality = page.getByRole('row', { name: 'Column quality' });
    await quality.getByLabel('Maps to').selectOption('metadata');
    await quality.getByLabel('Key').fill('');
    await quality.getByLabel('Key').press('Tab');
    await mapping.getByRole('alert').filter({ hasText: 'Name the key of column quality' }).waitFor();
    await check('Mapping dialog with a problem');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // The sheet with data, and a column's menu.
    await page.getByRole('button', { name: 'Spreadsheet export with problems' }).click();
    await page
      .getByRole('status', { name: 'Sheet summary' })
      .filter({ hasText: /[1-9]\d* spans?/ })
      .waitFor();
    await check('Sheet, with data');
    await page.getByRole('columnheader').nth(1).getByRole('button').first().click();
    await page.getByRole('dialog', { name: /^Column / }).waitFor();
    await check('Column menu');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // Preview, compared with the server, then filtered.
    await tab('Preview').click();
    await page.getByText('Compared with project demo').waitFor();
    await check('Preview, with data');
    const predicted = page.getByRole('button', { name: /^Predicted to fail/ });
    await predicted.click();
    await expect.poll(() => predicted.getAttribute('aria-pressed')).toBe('true');
    const shownCount = page.getByText(/^Showing \d+ of \d+ spans/);
    await expect.poll(() => shownCount.textContent()).toMatch(/^Showing 2 of \d+ spans/);
    await check('Preview, filtered to predicted failures');
    // Every span of the sample has a score: the search keeps both.
    await page.getByRole('searchbox', { name: 'Search the preview' }).fill('score');
    await expect.poll(() => shownCount.textContent()).toMatch(/^Showing 2 of \d+ spans/);
    await check('Preview, searched');

    // Submit, then Results, filtered by a type.
    await page.getByRole('button', { name: /^Submit \d+ spans?$/ }).click();
    const summary = page.getByRole('status', { name: 'Submission summary' });
    await summary.waitFor();
    await check('Results, with data');
    const typeConflict = page
      .getByRole('group', { name: 'Filter by error type' })
      .getByRole('button', { name: /^Type conflict/ });
    await typeConflict.click();
    await expect.poll(() => typeConflict.getAttribute('aria-pressed')).toBe('true');
    await check('Results, filtered by a type');

    // History with the submission, and its Revert dialog.
    await tab('History').click();
    await page.getByText(/Showing all 1 submission/).waitFor();
    await check('History, with data');
    await page.getByRole('button', { name: 'Open', exact: true }).first().click();
    await page.locator('#submission-detail').getByRole('table').first().waitFor();
    await check('History, a submission open');
    await page.getByRole('button', { name: 'Revert', exact: true }).first().click();
    const revert = page.getByRole('dialog', { name: 'Revert submission' });
    await revert.getByRole('button', { name: /^Revert \d+ spans?$/ }).waitFor();
    await check('Revert dialog');
    await page.keyboard.press('Escape');

    await context.close();
    expect(states.length).toBeGreaterThanOrEqual(20);
    expect(report(found), `axe-core found violations in ${found.size} states`).toBe('');
  });
});
