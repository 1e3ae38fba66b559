import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_IN_COPY_TEXT } from '@/core/words';
import { type ArizeEmulator, startArizeEmulator } from '../arize/arize-emulator';
import { postJson } from '../server/test-server';
import { openWithProject, writeSheet } from './app-helpers';
import { type AppUnderTest, startApp } from './harness';

// A project linked to Arize AX in the browser (SPEC §14), against the emulator of Arize's Flight endpoint.

const SPACE = 'U3BhY2U6RTJF';
const KEY = 'ak-e2e-7e6d5c4b3a29-secret';
const IN_ARIZE = 'support-prod';
const TARGET = `Writes to Arize AX · space ${SPACE} · project ${IN_ARIZE}`;

let emulator: ArizeEmulator;
let app: AppUnderTest;

beforeAll(async () => {
  emulator = await startArizeEmulator({ spaceId: SPACE, apiKey: KEY, projects: [IN_ARIZE] });
  app = await startApp({
    seedDemo: false,
    arize: {
      links: new Map([['support', IN_ARIZE]]),
      spaceId: SPACE,
      apiKey: KEY,
      flight: { host: '127.0.0.1', port: emulator.port, scheme: 'grpc' },
    },
  });
});

afterAll(async () => {
  await app?.close();
  await emulator?.stop();
});

describe('a project linked to Arize AX in the app', () => {
  it('shows where it writes, previews from the copy, submits to Arize with its errors, and reverts there', async () => {
    await emulator.seed(IN_ARIZE, [{ span_id: '00000000000000a1', metadata: { quality: 1 } }]);
    const loaded = await postJson(`${app.url}/api/v1/projects/support/arize/load`, {
      start: '2023-11-14T00:00:00Z',
      end: '2023-11-15T00:00:00Z',
    });
    expect(loaded).toMatchObject({ status: 200, body: { spans_loaded: 1 } });
    const path = await writeSheet(
      app.dir,
      'arize.csv',
      ['context.span_id', 'attributes.metadata.quality', 'attributes.metadata.reviewer'],
      [
        ['00000000000000a1', '5', 'ana'],
        ['eeeeeeeeeeee0001', '5', 'ana'],
      ],
    );

    const { context, page } = await openWithProject(app, 'support');
    // The header says where the project writes; the key never reaches the page.
    await page.locator('.header-project').getByText(TARGET).waitFor();

    await page.getByLabel('Import file').setInputFiles(path);
    await page.getByRole('status', { name: 'Sheet summary' }).filter({ hasText: '2 rows' }).waitFor();
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByText('Compared with project support').waitFor();
    await page.locator('.preview-view .server-line').getByText(TARGET).waitFor();
    await page.locator('.submit-target').getByText(TARGET).waitFor();
    // A span the copy does not hold is left to Arize, never predicted "not found".
    const unknownCard = page.getByRole('article', { name: 'Span eeeeeeeeeeee0001' });
    await unknownCard.getByText(NOT_IN_COPY_TEXT).waitFor();
    expect(await unknownCard.textContent()).not.toContain('Predicted to fail');

    await page.getByRole('button', { name: 'Submit 2 spans' }).click();
    const summary = page.getByRole('status', { name: 'Submission summary' });
    await summary.waitFor();
    await expect.poll(() => summary.textContent()).toMatch(/Updated\s*1(?![\d,])/);
    await expect.poll(() => summary.textContent()).toMatch(/Failed\s*1(?![\d,])/);
    // Arize's own error, as it came.
    await expect
      .poll(() => page.getByRole('table', { name: 'Failed spans' }).textContent())
      .toContain(`No span with ID 'eeeeeeeeeeee0001' in project '${IN_ARIZE}'`);
    const inArize = async () =>
      (await emulator.spans(IN_ARIZE)).spans.find((span) => span.span_id === '00000000000000a1')?.metadata;
    expect(await inArize()).toEqual({ quality: 5, reviewer: 'ana' });

    await page.getByRole('tab', { name: 'History' }).click();
    const row = page
      .getByRole('table', { name: 'Submissions to project support' })
      .getByRole('row')
      .filter({ hasText: 'arize.csv' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Revert', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Revert submission' });
    const confirm = dialog.getByRole('button', { name: 'Revert 1 span', exact: true });
    await expect.poll(() => confirm.isEnabled()).toBe(true);
    // Arize cannot remove a key: the dry run names the key the submission added, which becomes null there.
    await expect
      .poll(() => dialog.getByRole('list', { name: 'Keys that become null in Arize AX' }).textContent())
      .toBe('00000000000000a1 reviewer');
    await confirm.click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toMatch(/^Reverted 1 span\./);
    expect(await inArize()).toEqual({ quality: 1, reviewer: null });
    expect(await page.content()).not.toContain(KEY);
    await context.close();
  });

  it("Settings' Test connection checks Arize too, and says plainly when it refuses the key", async () => {
    const { context, page } = await openWithProject(app, 'support');
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog');
    const status = dialog.locator('.settings-status');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => status.textContent())
      .toContain(`Arize AX answers and takes the key; it knows the project "${IN_ARIZE}".`);
    await emulator.configure({ refuse_key: true });
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => status.textContent()).toContain('Arize AX refused the key set on the server');
    expect(await status.textContent()).not.toContain(KEY);
    await emulator.reset();
    await context.close();
  });
});
