import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppUnderTest, startApp } from './harness';
import { screenshot } from './screenshots';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

async function openSample(page: Page, title: string) {
  await page.getByRole('button', { name: title }).click();
  await page
    .getByRole('status', { name: 'Sheet summary' })
    .filter({ hasText: /[1-9]\d* spans?/ })
    .waitFor();
}

describe('the preview in a browser, against the demo project', () => {
  it('shows each span before and after, and predicts failures from the server', async () => {
    const { context, page } = await app.openPage();
    await openSample(page, 'Spreadsheet export with problems');
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByText('Compared with project demo').waitFor();

    const card = page.getByRole('article', { name: 'Span 868f4ef4d7d17665' });
    const turn = card.getByRole('row', { name: /^turn/ });
    expect(await turn.textContent()).toMatch(/4.*4.*3.*changed/);
    expect(await card.textContent()).toContain('Kept as they are: user_id = "user_0138"');

    const conflict = page.getByRole('article', { name: 'Span 16546f0d4cb86d80' });
    expect(await conflict.innerText()).toContain(
      "Predicted to fail (type conflict): 'score' holds decimal numbers; this value is text.",
    );
    const unknown = page.getByRole('article', { name: 'Span ffffffffffffffff' });
    expect(await unknown.innerText()).toContain(
      "Predicted to fail (span not found): No span with ID 'ffffffffffffffff'",
    );

    const summary = page.getByRole('status', { name: 'Preview summary' });
    await expect.poll(() => summary.textContent()).toContain('Blocked: 1');
    await expect.poll(() => summary.textContent()).toContain('Predicted to fail: 2');
    await page.getByRole('button', { name: /^Blocked: 1/ }).click();
    await expect.poll(() => page.getByRole('article').count()).toBe(1);
    await expect
      .poll(() => page.getByRole('article').first().textContent())
      .toContain('patch_document is not valid JSON');
    await screenshot(page, 'preview');
    expect(await page.getByRole('button', { name: 'Submit 4 spans' }).isEnabled()).toBe(true);
    await context.close();
  });
});
