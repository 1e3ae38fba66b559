import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Submission } from '@/core/api';
import { submissionsResponseSchema } from '@/core/api/api-schema';
import { errorTypeLabel } from '@/core/words';
import { holdBatchesAfterFirst, ingestProject, openWithProject, writeSheet } from './app-helpers';
import { axeViolations } from './axe';
import { type AppUnderTest, startApp } from './harness';
import { savedOutcome } from './save-probe';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

const openApp = (project: string) =>
  openWithProject(app, project, { context: { acceptDownloads: true }, guards: { dialog: true } });

async function importSheet(page: Page, path: string, rows: number) {
  await page.getByLabel('Import file').setInputFiles(path);
  await sheetRows(page, rows);
}

async function sheetRows(page: Page, rows: number) {
  await page
    .getByRole('status', { name: 'Sheet summary' })
    .filter({ hasText: new RegExp(`^\\D*${rows.toLocaleString('en-US')} rows`) })
    .waitFor();
}

const resultsSummary = (page: Page) => page.getByRole('status', { name: 'Submission summary' });

/** The figures of the Results summary, by name: Sent, Updated, Failed, Blocked in the sheet, Not sent (cancelled). */
async function summaryFigures(page: Page): Promise<Record<string, number>> {
  const pairs = await resultsSummary(page)
    .locator('dl > div')
    .evaluateAll((items) =>
      items.map((item) => [
        item.querySelector('dt')?.textContent ?? '',
        item.querySelector('dd')?.firstChild?.textContent ?? '',
      ]),
    );
  return Object.fromEntries(pairs.map(([name, value]) => [name, Number(value?.replace(/,/g, ''))]));
}

/** The type filter's counts, by type, and how many of each the sheet blocked. */
async function filterCounts(
  page: Page,
): Promise<{ counts: Record<string, number>; blocked: Record<string, number> }> {
  const buttons = await page.getByRole('group', { name: 'Filter by error type' }).getByRole('button').all();
  const counts: Record<string, number> = {};
  const blocked: Record<string, number> = {};
  for (const button of buttons) {
    // The button says the type in words; its code is in the tooltip, for support.
    const label = (await button.textContent()) ?? '';
    const type = /^Details for support: (.+)$/.exec((await button.getAttribute('title')) ?? '')?.[1];
    const match = /^(.+) \(([\d,]+)\)(?: · ([\d,]+) blocked before sending)?$/.exec(label);
    if (!match?.[1] || !type || match[1] !== errorTypeLabel(type))
      throw new Error(`unexpected filter button ${label}`);
    counts[type] = Number(match[2]?.replace(/,/g, ''));
    if (match[3]) blocked[type] = Number(match[3].replace(/,/g, ''));
  }
  return { counts, blocked };
}

/** The number of spans the failures table lists (its body rows, virtualized or not). */
async function tableCount(page: Page): Promise<number> {
  const table = page.getByRole('table', { name: 'Failed spans' });
  if ((await table.count()) === 0) return 0;
  return Number(await table.getAttribute('aria-rowcount')) - 1;
}

/** The server's record of a project's submissions, as History lists them. */
async function submissionsOf(project: string): Promise<Submission[]> {
  const response = await fetch(`${app.server.url}/api/v1/submissions?project=${project}`);
  return submissionsResponseSchema.parse(await response.json()).submissions;
}

/** The summary, filters and table agree with each other and with the server's totals (History). */
async function expectFiguresAgree(page: Page, project: string) {
  const figures = await summaryFigures(page);
  const { counts, blocked } = await filterCounts(page);
  const listed = Object.values(counts).reduce((sum, count) => sum + count, 0);
  expect(figures.Sent).toBe((figures.Updated ?? 0) + (figures.Failed ?? 0));
  expect(listed).toBe((figures.Failed ?? 0) + (figures['Blocked in the sheet'] ?? 0));
  expect(Object.values(blocked).reduce((sum, count) => sum + count, 0)).toBe(figures['Blocked in the sheet']);
  expect(await tableCount(page)).toBe(listed);
  const neverDelivered = counts.connection_failure ?? 0;
  const text = (await resultsSummary(page).textContent()) ?? '';
  expect(text).toContain(`of which ${neverDelivered.toLocaleString('en-US')} never delivered`);

  const submissions = await submissionsOf(project);
  expect(submissions).toHaveLength(1);
  const [submission] = submissions;
  expect({
    processed: submission?.spans_processed,
    updated: submission?.spans_updated,
    failed: submission?.spans_failed,
  }).toEqual({
    processed: (figures.Sent ?? 0) - neverDelivered,
    updated: figures.Updated,
    failed: (figures.Failed ?? 0) - neverDelivered,
  });
  expect(text).toContain(`The server received ${submission?.spans_processed.toLocaleString('en-US')} span`);
  return { figures, counts, blocked, submission };
}

/** The History tab's row of the project's one submission, as the user sees it. */
async function historyRow(page: Page, project: string): Promise<string> {
  await page.getByRole('tab', { name: 'History' }).click();
  const table = page.getByRole('table', { name: `Submissions to project ${project}` });
  await table.waitFor();
  const rows = table.locator('tbody tr');
  await expect.poll(() => rows.count()).toBe(1);
  return (await rows.first().textContent()) ?? '';
}

async function exportedLines(page: Page): Promise<string[]> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export failed rows' }).click(),
  ]);
  const text = await readFile((await download.path()) ?? '', 'utf8');
  return text.replace(/^\ufeff/, '').split(/\r?\n/);
}

describe('results that last, with numbers that agree', () => {
  it('a 12,000-span Submit is one History entry; Results survive a reload and a new sheet, blocked rows included', async () => {
    const project = 'results';
    const known = await ingestProject(app, project, 'r', 11_996);
    const unknown = ['ffffffffffff0001', 'ffffffffffff0002', 'ffffffffffff0003', 'ffffffffffff0004'];
    const badJson = Array.from({ length: 5 }, (_, index) => `bbbbbbbbbbbb000${index}`);
    const notObject = ['cccccccccccc0001', 'cccccccccccc0002'];
    const path = await writeSheet(
      app.dir,
      'big-review.csv',
      ['context.span_id', 'attributes.metadata.reviewed', 'patch_document'],
      [
        ...known.map((spanId) => [spanId, 'yes', '']),
        ...unknown.map((spanId) => [spanId, 'yes', '']),
        ...badJson.map((spanId) => [spanId, 'yes', '{"score": 0.9']),
        ...notObject.map((spanId) => [spanId, 'yes', '[1, 2]']),
      ],
    );
    const { context, page } = await openApp(project);
    await importSheet(page, path, 12_007);

    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByRole('button', { name: 'Submit 12,000 spans' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Submit 12,000 spans' }).click();

    const summary = resultsSummary(page);
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.textContent()).toMatch(/^Results of big-review\.csv, submitted /);
    const first = await expectFiguresAgree(page, project);
    expect(first.figures).toEqual({
      Sent: 12_000,
      Updated: 11_996,
      Failed: 4,
      'Blocked in the sheet': 7,
      'Not sent (cancelled)': 0,
    });
    expect(first.counts).toMatchObject({ parse_failure: 5, patch_failure: 2, segment_not_found: 4 });
    expect(first.blocked).toEqual({ parse_failure: 5, patch_failure: 2 });
    expect(first.submission).toMatchObject({ label: 'big-review.csv', batches: 3, kind: 'patch' });

    // History lists it once, with the same totals.
    const row = await historyRow(page, project);
    expect(row).toContain('big-review.csv');
    expect(row).toContain('12,000');
    expect(row).toContain('11,996');

    // A reload brings the results back: summary, filters, table, Export and Fix in sheet. First wait until this
    // browser has saved them (IndexedDB), which is what a reload reads.
    await expect
      .poll(() => savedOutcome(page))
      .toMatchObject({ label: 'big-review.csv', result: { spans_updated: 11_996 } });
    await page.reload();
    await page.getByRole('tab', { name: 'Results' }).click();
    await summary.waitFor();
    const restored = await expectFiguresAgree(page, project);
    expect(restored.figures).toEqual(first.figures);
    expect(restored.counts).toEqual(first.counts);
    await page.getByRole('button', { name: 'Not valid JSON (5) · 5 blocked before sending' }).click();
    await expect.poll(() => tableCount(page)).toBe(5);
    await page.getByRole('button', { name: 'Clear filters' }).click();

    // A new sheet: Results still belong to big-review.csv, and work from the rows saved with them.
    await page.getByRole('tab', { name: 'Sheet' }).click();
    await page.getByRole('button', { name: 'New sheet' }).click();
    await sheetRows(page, 0);
    await page.getByRole('tab', { name: 'Results' }).click();
    expect(await summary.textContent()).toMatch(/^Results of big-review\.csv/);
    await page.getByText(/^The sheet has been replaced since \(it is now “New sheet”\)/).waitFor();

    const lines = await exportedLines(page);
    expect(lines[0]).toBe('context.span_id,attributes.metadata.reviewed,patch_document');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual([...unknown, ...badJson, ...notObject]);
    expect(lines).toContain(`${badJson[0]},yes,"{""score"": 0.9"`);

    await page.getByRole('button', { name: 'Fix in sheet' }).click();
    const dialog = page.getByRole('dialog', {
      name: 'Replace the current sheet with the 11 rows to fix from big-review.csv?',
    });
    expect(await dialog.textContent()).toContain('The current sheet (“New sheet”) is replaced');
    await dialog.getByRole('button', { name: 'Replace the sheet' }).click();
    await sheetRows(page, 11);
    const grid = (await page.getByRole('grid', { name: 'Sheet' }).textContent()) ?? '';
    for (const spanId of [...unknown, ...badJson, ...notObject]) expect(grid).toContain(spanId);
    await context.close();
  }, 180_000);

  it('an outage mid-submit, a Retry that fails again, then one that completes: every figure agrees', async () => {
    const project = 'outage';
    const spanIds = await ingestProject(app, project, 'o', 9_997);
    const unknown = ['fffffffffffff001', 'fffffffffffff002', 'fffffffffffff003'];
    const path = await writeSheet(
      app.dir,
      'outage.csv',
      ['context.span_id', 'attributes.metadata.batch'],
      [...unknown, ...spanIds].map((spanId, index) => [spanId, String(index)]),
    );
    const { context, page } = await openApp(project);
    await importSheet(page, path, 10_000);

    // The first batch is delivered and answered; the others wait until the server is really stopped.
    const { firstBatchDone, release } = await holdBatchesAfterFirst(page);
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByRole('button', { name: 'Submit 10,000 spans' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Submit 10,000 spans' }).click();
    await firstBatchDone;
    // Delivered spans only: the batch held back does not advance it.
    await page
      .getByText(/^Submitting to outage: 5,000 of 10,000 spans delivered \(1 of 2 batches\)/)
      .waitFor();
    await app.stopServer();
    release();

    const summary = resultsSummary(page);
    await summary.waitFor({ timeout: 60_000 });
    const outage = await summaryFigures(page);
    expect(outage).toEqual({
      Sent: 10_000,
      Updated: 4_997,
      Failed: 5_003,
      'Blocked in the sheet': 0,
      'Not sent (cancelled)': 0,
    });
    expect(await summary.textContent()).toContain('Failed5,003 of which 5,000 never delivered');
    expect((await filterCounts(page)).counts).toMatchObject({
      connection_failure: 5_000,
      segment_not_found: 3,
    });
    expect(await tableCount(page)).toBe(5_003);

    // Retry while the server is still down: progress and Cancel, then it says plainly that it failed again.
    await page.unroute('**/spans/metadata');
    await page.getByRole('button', { name: 'Retry 5,000 spans' }).click();
    await page.getByRole('progressbar', { name: 'Retry progress' }).waitFor();
    await page.getByRole('button', { name: 'Cancel retry' }).waitFor();
    await page
      .getByRole('alert')
      .filter({
        hasText: 'Retry failed again: 5,000 spans could not be delivered — the server is still unreachable.',
      })
      .waitFor({ timeout: 60_000 });
    expect(await summaryFigures(page)).toEqual(outage);

    await app.startServerAgain();
    const atOutage = await expectFiguresAgree(page, project);
    expect(atOutage.submission?.spans_processed).toBe(5_000);

    await page.getByRole('button', { name: 'Retry 5,000 spans' }).click();
    await page.getByText('Retry delivered 5,000 spans; the figures above include them.').waitFor({
      timeout: 60_000,
    });
    const after = await expectFiguresAgree(page, project);
    expect(after.figures).toEqual({
      Sent: 10_000,
      Updated: 9_997,
      Failed: 3,
      'Blocked in the sheet': 0,
      'Not sent (cancelled)': 0,
    });
    expect(after.counts).toMatchObject({ connection_failure: 0, segment_not_found: 3 });
    expect(after.submission).toMatchObject({
      spans_processed: 10_000,
      spans_updated: 9_997,
      label: 'outage.csv',
    });

    const row = await historyRow(page, project);
    expect(row).toContain('outage.csv');
    expect(row).toContain('10,000');
    expect(row).toContain('9,997');

    const stored = await app.server.store.lookupSpans(project, spanIds);
    expect(stored.missing).toEqual([]);
    const batchOf = new Map(stored.spans.map((span) => [span.span_id, span.metadata.batch]));
    expect(spanIds.every((spanId, index) => batchOf.get(spanId) === index + 3)).toBe(true);
    await context.close();
  }, 180_000);
});

describe('where the app works, and leaving out what is predicted to fail', () => {
  it('switch the project in the header, submit leaving out the span predicted to fail, open it in History: by keyboard, axe clean', async () => {
    const spanIds = await ingestProject(app, 'leave-e2e', 'e2', 2);
    await ingestProject(app, 'elsewhere-e2e', 'e3', 1);
    const missing = 'e2ffffffffffffff';
    const dir = await mkdtemp(join(tmpdir(), 'spanpatch-leave-'));
    const path = await writeSheet(
      dir,
      'leave.csv',
      ['context.span_id', 'attributes.metadata.reviewed'],
      [...spanIds, missing].map((spanId) => [spanId, 'yes']),
    );
    const { context, page } = await openApp('elsewhere-e2e');

    // The header names the project on every tab; the keyboard switches it.
    const switcher = page.getByRole('banner').getByRole('combobox', { name: 'Project' });
    await expect.poll(() => switcher.inputValue()).toBe('elsewhere-e2e');
    await expect.poll(() => switcher.locator('option').count()).toBeGreaterThan(1);
    await switcher.focus();
    await page.keyboard.type('leave-e2e');
    await expect.poll(() => switcher.inputValue()).toBe('leave-e2e');
    expect(await axeViolations(page)).toEqual([]);

    await importSheet(page, path, 3);
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByRole('button', { name: 'Predicted to fail: 1' }).waitFor();
    const leaveOut = page.getByRole('button', { name: 'Submit 2 spans; leave out 1 predicted to fail' });
    expect(await page.getByRole('button', { name: 'Submit 3 spans' }).count()).toBe(1);
    await leaveOut.focus();
    await page.keyboard.press('Enter');

    await resultsSummary(page).waitFor();
    await expect
      .poll(() => summaryFigures(page))
      .toMatchObject({
        Sent: 2,
        Updated: 2,
        'Not sent (left out, predicted to fail)': 1,
      });
    const row = page
      .getByRole('table', { name: 'Failed spans' })
      .getByRole('row')
      .filter({ hasText: missing });
    expect(await row.textContent()).toContain('Left out, predicted to fail');
    expect(await page.getByRole('button', { name: 'Send the 1 span left out' }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    const started = await resultsSummary(page).locator('time').first().textContent();

    // Results to History, on this submission, by keyboard; the same start time there.
    await page.getByRole('button', { name: 'Open in History' }).focus();
    await page.keyboard.press('Enter');
    const detail = page.getByRole('region', { name: 'leave.csv' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('submission-detail-title');
    await expect
      .poll(() => detail.locator('dt', { hasText: 'Started' }).locator('+ dd').textContent())
      .toBe(started);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
    await rm(dir, { recursive: true, force: true });
  });
});
