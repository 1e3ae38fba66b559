import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWithProject } from './app-helpers';
import { type AxeViolation, axeViolations, report } from './axe';
import { type AppUnderTest, startApp } from './harness';

/**
 * The app with a read-only API key (`name:key:read`): Settings says so, Submit is disabled with the reason beside
 * it, a revert's dry run still shows what it would do while "Revert N spans" is disabled with its reason; axe
 * finds nothing in any of it.
 */

const WRITER = 'sk-e2e-writer';
const READER = 'sk-e2e-reader';
let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp({
    apiKeys: [
      { name: 'writer', key: WRITER },
      { name: 'ci', key: READER, access: 'read' },
    ],
  });
  // A submission for History to revert, made with the key that may write.
  const answer = await fetch(`${app.url}/api/v1/projects/demo/spans/metadata`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${WRITER}` },
    body: JSON.stringify({
      spans: [{ span_id: '868f4ef4d7d17665', patch_document: { reviewed: 'yes' } }],
      submission: { id: 'sub-e2e-review', label: 'review.csv' },
    }),
  });
  expect(answer.status).toBe(200);
});

afterAll(async () => {
  await app?.close();
});

describe('a read-only key in the browser', () => {
  it('is said in Settings, disables Submit and Revert with the reason beside them, and axe finds nothing', async () => {
    const { context, page } = await openWithProject(app, 'demo', {
      apiKey: READER,
      context: { viewport: { width: 1280, height: 800 } },
      guards: { csp: true },
    });
    const found = new Map<string, AxeViolation[]>();
    const check = async (state: string) => {
      const violations = await axeViolations(page);
      if (violations.length > 0) found.set(state, violations);
    };

    // Settings: Test connection says the key is read-only.
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Connection settings' });
    await settings.getByRole('button', { name: 'Test connection' }).click();
    const status = settings.getByRole('status', { name: 'Connection test' });
    await status.filter({ hasText: /^Connected/ }).waitFor();
    expect(await status.textContent()).toMatch(
      /^Connected as 'ci' — a read-only key: you can find spans and preview, not submit\. Project demo, [\d,]+ spans\.$/,
    );
    await check('Settings, read-only key tested');
    await settings.getByRole('button', { name: 'Cancel' }).click();
    await settings.waitFor({ state: 'detached' });

    // Preview: Submit disabled, the reason beside it.
    await page.getByRole('button', { name: 'Tag reviewed traces' }).click();
    await page
      .getByRole('status', { name: 'Sheet summary' })
      .filter({ hasText: /[1-9]\d* spans?/ })
      .waitFor();
    await page.getByRole('tab', { name: 'Preview' }).click();
    const reason = page.getByText(
      "The API key 'ci' is read-only: it can find spans and preview, not submit. To submit, enter a key that may write in Settings.",
    );
    await reason.waitFor();
    const submit = page.getByRole('button', { name: /^Submit \d+ spans?$/ });
    expect(await submit.isDisabled()).toBe(true);
    expect(await submit.getAttribute('aria-describedby')).toBe(await reason.getAttribute('id'));
    await page.getByText('Compared with project demo').waitFor();
    await check('Preview, read-only key');

    // History: the dry run shows what a revert would do; the revert itself is disabled, with its reason.
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByText('review.csv').waitFor();
    await page.getByRole('button', { name: 'Revert', exact: true }).first().click();
    const revert = page.getByRole('dialog', { name: 'Revert submission' });
    const revertReason = revert.getByText(
      "The API key 'ci' is read-only: it can show what a revert would do, not revert. To revert, enter a key that may write in Settings.",
    );
    await revertReason.waitFor();
    expect(await revert.getByRole('status').textContent()).toBe(
      '1 span of 1 will go back to their values before this submission.',
    );
    const confirm = revert.getByRole('button', { name: 'Revert 1 span' });
    expect(await confirm.isDisabled()).toBe(true);
    expect(await confirm.getAttribute('aria-describedby')).toBe(await revertReason.getAttribute('id'));
    await check('Revert dialog, read-only key');

    await context.close();
    expect(report(found), `axe-core found violations in ${found.size} states`).toBe('');
  });
});
