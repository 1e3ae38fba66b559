import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSubmissions, logMetadata, lookupSpans } from '@/client';
import { buildDemoSpans } from '@/server/demo/demo-spans';
import { ingestSpans, spanId } from '../server/test-server';
import { openWithProject } from './app-helpers';
import { axeViolations } from './axe';
import { type AppUnderTest, startApp } from './harness';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

async function openHistory(project: string): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await openWithProject(app, project);
  await opened.page.getByRole('tab', { name: 'History' }).click();
  return opened;
}

const submissionsTable = (page: Page, project: string) =>
  page.getByRole('table', { name: `Submissions to project ${project}` });

/** The list's row of the submission with this label. */
const rowOf = (page: Page, project: string, label: string): Locator =>
  submissionsTable(page, project)
    .getByRole('row')
    .filter({ has: page.locator('.history-label', { hasText: new RegExp(`^${escape(label)}$`) }) });

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text of each body row of a role=table, cell by cell. */
async function tableCells(table: Locator): Promise<string[][]> {
  const rows = await table.getByRole('row').all();
  const cells: string[][] = [];
  for (const row of rows.slice(1)) cells.push(await row.getByRole('cell').allTextContents());
  return cells;
}

describe('History in the browser', () => {
  it('a revert restores exactly the metadata before the submission (keys removed where they did not exist), a span edited since is reported revert_conflict and left alone, and a dry run writes nothing', async () => {
    const options = { baseUrl: app.url };
    const ids = buildDemoSpans()
      .filter(
        (span) =>
          span.kind === 'LLM' &&
          typeof span.metadata === 'string' &&
          span.metadata.includes('prompt_version'),
      )
      .slice(0, 3)
      .map((span) => span.spanId);
    expect(ids).toHaveLength(3);
    const [first = '', second = '', edited = ''] = ids;
    const before = Object.fromEntries(
      (await lookupSpans('demo', ids, options)).spans.map((span) => [span.span_id, span.metadata]),
    );
    const submitted = await logMetadata(
      'demo',
      ids.map((id) => ({ span_id: id, patch_document: { prompt_version: 'v9', e2e_reviewed: 'yes' } })),
      { ...options, submission: { label: 'revert-me.csv' } },
    );
    expect(submitted).toMatchObject({ spans_updated: 3, spans_failed: 0 });
    // Someone edits one of its spans afterwards.
    await logMetadata('demo', [{ span_id: edited, patch_document: { prompt_version: 'v7' } }], {
      ...options,
      submission: { label: 'later edit' },
    });
    const metadataNow = async () =>
      Object.fromEntries(
        (await lookupSpans('demo', ids, options)).spans.map((span) => [span.span_id, span.metadata]),
      );
    const submittedMetadata = await metadataNow();
    const submissionCount = async () =>
      (await listSubmissions({ project: 'demo', limit: 1000 }, options)).submissions.length;
    const countBefore = await submissionCount();

    const { context, page } = await openHistory('demo');
    const row = rowOf(page, 'demo', 'revert-me.csv');
    await row.waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      'revert-me.csv',
      'Patch',
      expect.any(String),
      'none',
      '3',
      '3',
      '0',
      'OpenRevert',
    ]);

    // Its changes: one key changed, one added.
    await row.getByRole('button', { name: 'Open', exact: true }).click();
    const detail = page.getByRole('region', { name: 'revert-me.csv' });
    const changes = detail.getByRole('table', { name: 'Changes' });
    await expect.poll(async () => (await tableCells(changes)).length).toBe(6);
    expect(await tableCells(changes)).toContainEqual([
      first,
      'prompt_version',
      JSON.stringify(before[first]?.prompt_version),
      '"v9"',
    ]);
    expect(await tableCells(changes)).toContainEqual([first, 'e2e_reviewed', 'did not exist', '"yes"']);

    // By keyboard: Enter opens the dialog with the focus inside, Esc closes it and gives the focus back.
    const rowRevert = row.getByRole('button', { name: 'Revert', exact: true });
    await rowRevert.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Revert submission' });
    const insideDialog = () => dialog.evaluate((element) => element.contains(document.activeElement));
    await dialog.getByRole('button', { name: 'Revert 2 spans', exact: true }).waitFor();
    await expect.poll(insideDialog).toBe(true);
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Revert 2 spans');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => rowRevert.evaluate((element) => element === document.activeElement)).toBe(true);

    // The dry run: two spans go back, the edited one is a conflict with its value now.
    await rowRevert.click();
    await dialog.waitFor();
    await expect.poll(insideDialog).toBe(true);
    const status = dialog.getByRole('status');
    await expect
      .poll(() => status.textContent())
      .toBe('2 spans of 3 will go back to their values before this submission. 1 span cannot, listed below.');
    await expect
      .poll(() => tableCells(dialog.getByRole('table', { name: 'Spans changed since' })))
      .toEqual([[edited, 'prompt_version', 'v7']]);
    const confirm = dialog.getByRole('button', { name: 'Revert 2 spans', exact: true });
    await expect.poll(() => confirm.isEnabled()).toBe(true);
    // The dry run wrote nothing.
    expect(await metadataNow()).toEqual(submittedMetadata);
    expect(await submissionCount()).toBe(countBefore);

    await confirm.click();
    await expect
      .poll(() => status.textContent())
      .toBe(
        'Reverted 2 spans. 1 span failed, listed below. The revert is now the newest submission in History.',
      );
    await expect
      .poll(() => tableCells(dialog.getByRole('table', { name: 'Spans changed since' })))
      .toEqual([[edited, 'prompt_version', 'v7']]);

    // Exactly the metadata before, with the added key removed; the span edited since is left as it is.
    const after = await metadataNow();
    expect(after[first]).toEqual(before[first]);
    expect(after[second]).toEqual(before[second]);
    expect(after[first]).not.toHaveProperty('e2e_reviewed');
    expect(after[edited]).toEqual({ ...before[edited], prompt_version: 'v7', e2e_reviewed: 'yes' });
    expect(await submissionCount()).toBe(countBefore + 1);

    // The list: the revert at the top, the original reverted by it with no active Revert.
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const top = submissionsTable(page, 'demo').getByRole('row').nth(1);
    await expect
      .poll(() => top.getByRole('cell').first().textContent())
      .toMatch(/^Revert of revert-me\.csvReverts revert-me\.csv/);
    expect(await top.getByRole('cell').nth(1).textContent()).toBe('Revert');
    expect(await top.getByRole('cell').nth(5).textContent()).toBe('2');
    expect(await top.getByRole('cell').nth(6).textContent()).toBe('1');
    await expect
      .poll(() => row.getByRole('cell').first().textContent())
      .toMatch(/^revert-me\.csvReverted by Revert of revert-me\.csv/);
    await expect.poll(() => row.getByRole('button', { name: 'Revert', exact: true }).isDisabled()).toBe(true);
    await expect
      .poll(() => detail.getByRole('button', { name: 'Revert', exact: true }).isDisabled())
      .toBe(true);
    // With the keyboard: Tab from Open reaches the reverted submission's Revert, which says why and does nothing.
    await row.getByRole('button', { name: 'Open', exact: true }).focus();
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.textContent()).toBe('Revert');
    expect(await focused.getAttribute('aria-disabled')).toBe('true');
    const described = await focused.evaluate((element) =>
      (element.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );
    expect(described).toContain('Reverted already: a submission is reverted once.');
    await page.keyboard.press('Enter');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    // The revert opens from the link, with its own changes: the added key removed.
    await row.getByRole('link', { name: /^Revert of revert-me\.csv/ }).click();
    const revertDetail = page.getByRole('region', { name: 'Revert of revert-me.csv' });
    const revertChanges = revertDetail.getByRole('table', { name: 'Changes' });
    await expect.poll(async () => (await tableCells(revertChanges)).length).toBe(4);
    expect(await tableCells(revertChanges)).toContainEqual([first, 'e2e_reviewed', '"yes"', 'removed']);
    await expect
      .poll(() => tableCells(revertDetail.getByRole('table', { name: 'Errors' })))
      .toEqual([[edited, 'Changed since', "'prompt_version' changed after this submission (now v7)"]]);
    await context.close();
  });

  it('History pages past 1,000 submissions', async () => {
    const project = 'paging';
    await ingestSpans(app, project, [{ spanId: spanId(1) }]);
    for (let i = 0; i < 1_005; i++) {
      await app.server.store.applyPatches({
        project,
        spans: [{ spanId: spanId(1), patch: { ok: true, stored: { n: i } } }],
        keyName: null,
        idempotencyKey: null,
        submission: { id: `paging-${i}`, label: `page-${i}.csv` },
      });
    }

    const { context, page } = await openHistory(project);
    const rows = submissionsTable(page, project).getByRole('row');
    await rowOf(page, project, 'page-1004.csv').waitFor();
    await expect.poll(() => rows.count()).toBe(101);
    const more = page.getByRole('button', { name: 'Load more submissions' });
    for (let shown = 100; shown < 1_005; shown += 100) {
      await more.click();
      await expect.poll(() => rows.count()).toBe(Math.min(shown + 100, 1_005) + 1);
    }
    await expect.poll(() => more.count()).toBe(0);
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('Showing all 1,005 submissions, newest first.');
    expect(await rows.last().getByRole('cell').first().textContent()).toBe('page-0.csv');
    expect(await rows.nth(1).getByRole('cell').first().textContent()).toBe('page-1004.csv');
    await context.close();
  });
});
