import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_IN_COPY_TEXT } from '@/core/words';
import { type ArizeEmulator, startArizeEmulator } from '../arize/arize-emulator';
import { ingestSpans, postJson } from '../server/test-server';
import { axeViolations } from './axe';
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

  it('loads the last 24 hours from Arize on the Spans tab, by keyboard: new spans, then what changed in Arize', async () => {
    const hourAgoNs = (Date.now() - 3_600_000) * 1_000_000;
    await emulator.seed(IN_ARIZE, [
      { span_id: '00000000000000b1', name: 'triage', metadata: { queue: 'billing' }, start_ns: hourAgoNs },
      { span_id: '00000000000000b2', name: 'answer', start_ns: hourAgoNs + 1_000_000 },
    ]);
    const { context, page } = await openWithProject(app, 'support');
    await page.getByRole('tab', { name: 'Spans' }).click();
    const open = page.getByRole('button', { name: 'Load spans from Arize' });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Load spans from Arize' });
    await dialog.waitFor();
    expect(await dialog.getByRole('radio', { name: 'The last 24 hours' }).isChecked()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Load', exact: true }).focus();
    await page.keyboard.press('Enter');
    const status = dialog.getByRole('status', { name: 'Loading from Arize' });
    await expect.poll(() => status.textContent()).toBe('Loaded 2 spans: 2 new, 0 updated.');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // The Spans tab reads the copy again: the loaded spans are listed.
    await page.getByRole('table', { name: 'Spans' }).getByText('00000000000000b1').waitFor();

    // Someone changed a span's metadata in Arize: loading again updates it in the copy.
    await emulator.seed(IN_ARIZE, [
      { span_id: '00000000000000b1', name: 'triage', metadata: { queue: 'refunds' }, start_ns: hourAgoNs },
    ]);
    await open.click();
    await dialog.getByRole('button', { name: 'Load', exact: true }).click();
    await expect.poll(() => status.textContent()).toBe('Loaded 2 spans: 0 new, 1 updated, 1 unchanged.');
    const lookup = await postJson(`${app.url}/api/v1/projects/support/spans/lookup`, {
      span_ids: ['00000000000000b1'],
    });
    expect(lookup.body).toMatchObject({ spans: [{ metadata: { queue: 'refunds' } }] });

    // Arize refusing the key is said in plain words, never with the key.
    await emulator.configure({ refuse_key: true });
    await dialog.getByRole('button', { name: 'Load again', exact: true }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toMatch(
        /^Arize AX refused the API key set on the Spanpatch server \(ARIZE_API_KEY\)\..*Nothing was loaded\.$/,
      );
    expect(await page.content()).not.toContain(KEY);
    await emulator.reset();
    await context.close();
  });

  it('offers no load from Arize for a project that writes to Spanpatch itself', async () => {
    await ingestSpans(app, 'local-only', [{ spanId: '00000000000000c1' }]);
    const { context, page } = await openWithProject(app, 'local-only');
    await page.locator('.header-project').getByText("Writes to Spanpatch's store").waitFor();
    await page.getByRole('tab', { name: 'Spans' }).click();
    await page.getByRole('table', { name: 'Spans' }).getByText('00000000000000c1').waitFor();
    expect(await page.getByRole('button', { name: 'Load spans from Arize' }).count()).toBe(0);
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
