import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppUnderTest, fixture, startApp } from './harness';
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
/** A cell by its row (1 = first data row) and column (1 = first sheet column), as aria-rowindex/colindex count. */
const cell = (page: Page, row: number, column: number) =>
  grid(page).locator(
    `[role="row"][aria-rowindex="${row + 1}"] [role="gridcell"][aria-colindex="${column + 1}"]`,
  );
/** The value a cell shows. */
const text = (page: Page, row: number, column: number) =>
  cell(page, row, column).locator('.sheet-cell-text').textContent();

/** The page's gate on what its workers say (`installImportGate`). */
interface ImportGate {
  hold: boolean;
}

declare global {
  var spanpatchImportGate: ImportGate | undefined;
}

/**
 * Wraps the page's `Worker` message listeners before the app starts: while the gate holds, a worker's messages
 * other than progress reports never reach the app (the import's check, its sheet, its failure). Runs in the page:
 * it must not refer to anything outside itself, nor name a function (see save-probe.ts).
 */
function installImportGate(): void {
  const gate: ImportGate = { hold: false };
  globalThis.spanpatchImportGate = gate;
  const listen = Worker.prototype.addEventListener;
  Worker.prototype.addEventListener = function (
    this: Worker,
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ) {
    if (type !== 'message' || typeof listener !== 'function')
      return listen.call(this, type, listener, options);
    return listen.call(
      this,
      type,
      (event: Event) => {
        const data = (event as MessageEvent<{ type?: unknown } | null>).data;
        if (gate.hold && data?.type !== 'progress') return;
        listener.call(this, event);
      },
      options,
    );
  };
}

/** Holds (or lets through again) what the page's workers say after their progress, as `installImportGate` does. */
async function holdImportAnswers(page: Page, hold: boolean): Promise<void> {
  await page.evaluate((on) => {
    if (!globalThis.spanpatchImportGate) throw new Error('installImportGate was not run in this page');
    globalThis.spanpatchImportGate.hold = on;
  }, hold);
}

async function importFile(page: Page, name: string) {
  await page.getByLabel('Import file').setInputFiles(fixture(name));
}

async function typeInto(page: Page, row: number, column: number, text: string) {
  await cell(page, row, column).click();
  await page.keyboard.press('F2');
  const editor = page.getByRole('textbox', { name: 'Cell value' });
  await editor.fill(text);
  await editor.press('Enter');
}

describe('the sheet in a browser', () => {
  it('imports a CSV and shows its rows with the summary', async () => {
    const { context, page } = await app.openPage();
    await importFile(page, 'reviewed.csv');
    await expect.poll(() => summary(page).textContent()).toContain('3 rows');
    expect(await summary(page).textContent()).toContain('3 spans');
    expect(await text(page, 1, 1)).toBe('61dbffb32f20ddb6');
    expect(await grid(page).getAttribute('aria-rowcount')).toBe('4');
    await context.close();
  });

  it('imports a semicolon CSV with a byte order mark, and a JSONL file', async () => {
    const { context, page } = await app.openPage();
    await importFile(page, 'semicolon-bom.csv');
    await expect.poll(() => summary(page).textContent()).toContain('2 rows');
    expect(await page.getByRole('columnheader', { name: /attributes\.metadata\.reviewer/ }).count()).toBe(1);
    expect(await text(page, 2, 2)).toBe('bo; jr');
    // "0,5" is a decimal comma, not a number. The demo project types `score` as Float64, so the column reads as
    // numbers and that one cell is the error (its span held back), not the whole column turned into text.
    expect(
      await page.getByRole('columnheader', { name: /attributes\.metadata\.score/ }).textContent(),
    ).toContain('auto: number');
    await expect.poll(() => summary(page).textContent()).toMatch(/(^|\D)1 error/);

    await importFile(page, 'labels.jsonl');
    await expect.poll(() => text(page, 1, 3)).toBe('{"escalated":true}');
    await expect.poll(() => summary(page).textContent()).toContain('2 spans');
    await context.close();
  });

  it('maps an unrecognised column in the mapping step', async () => {
    const { context, page } = await app.openPage();
    await importFile(page, 'unknown-columns.csv');
    const dialog = page.getByRole('dialog', { name: /Map the columns of unknown-columns\.csv/ });
    await dialog.waitFor();
    const quality = dialog.getByRole('row', { name: 'Column quality' });
    expect(await quality.textContent()).toContain('3');
    await quality.getByLabel('Maps to').selectOption('metadata');
    await quality.getByLabel('Key').fill('quality');
    await quality.getByLabel('Key').press('Enter');
    await dialog.getByRole('button', { name: 'Import 2 rows' }).click();
    await expect.poll(() => summary(page).textContent()).toContain('2 spans');
    expect(await page.getByRole('columnheader', { name: /^quality/ }).textContent()).toContain(
      'auto: number',
    );
    await context.close();
  });

  it('shows an error as a cell is typed wrong and clears it when fixed; paste, undo, redo, filter', async () => {
    const { context, page } = await app.openPage();
    await importFile(page, 'reviewed.csv');
    await expect.poll(() => summary(page).textContent()).toContain('3 rows');

    // A patch_document that is not JSON is an error on its cell and in the summary. Add column asks for the key.
    await page.getByRole('button', { name: 'Add column' }).click();
    const addColumn = page.getByRole('dialog', { name: 'Add a column' });
    await addColumn.getByLabel('Metadata key').fill('note');
    await addColumn.getByLabel('Metadata key').press('Enter');
    await addColumn.waitFor({ state: 'detached' });
    await page
      .getByRole('columnheader', { name: /attributes\.metadata\.note/ })
      .getByRole('button')
      .click();
    const menu = page.getByRole('dialog', { name: /^Column / });
    await menu.getByLabel('Maps to').selectOption('patch_document');
    await menu.getByRole('button', { name: 'Done' }).click();
    await typeInto(page, 2, 4, '{"note": ');
    await expect.poll(() => summary(page).textContent()).toContain('1 error');
    expect(await cell(page, 2, 4).getAttribute('aria-invalid')).toBe('true');
    await cell(page, 2, 4).click();
    await expect
      .poll(() => page.locator('.cell-inspector').textContent())
      .toContain('patch_document is not valid JSON');

    await typeInto(page, 2, 4, '{"note": "checked"}');
    await expect.poll(() => summary(page).textContent()).toContain('0 errors');

    // Paste a block of two rows by two columns at row 3, column 2: values change in place.
    await cell(page, 3, 2).click();
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('text/plain', 'false\t1\ntrue\t2\n');
      document.activeElement?.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true }),
      );
    });
    await expect.poll(() => text(page, 3, 3)).toBe('1');
    expect(await text(page, 4, 2)).toBe('true');
    expect(await summary(page).textContent()).toContain('4 rows');
    // The pasted row 4 has no span ID yet: an error until it is typed.
    expect(await summary(page).textContent()).toContain('1 error');
    expect(await cell(page, 4, 1).getAttribute('aria-invalid')).toBe('true');

    await page.keyboard.press('Control+z');
    await expect.poll(() => text(page, 3, 3)).toBe('4');
    expect(await summary(page).textContent()).toContain('3 rows');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => text(page, 3, 3)).toBe('1');
    await typeInto(page, 4, 1, 'aaaabbbbccccdddd');
    await expect.poll(() => summary(page).textContent()).toContain('0 errors');

    // Make one row an error, then filter to rows with errors.
    await typeInto(page, 1, 1, '');
    await expect.poll(() => summary(page).textContent()).toContain('1 error');
    await page.getByLabel('Show').selectOption('errors');
    await expect.poll(() => grid(page).getAttribute('aria-rowcount')).toBe('2');
    await expect.poll(() => grid(page).getByRole('rowheader').first().textContent()).toContain('1');
    await page.getByLabel('Show').selectOption('all');
    await expect.poll(() => grid(page).getAttribute('aria-rowcount')).toBe('5');

    // New sheet asks before replacing edits; Cancel keeps them.
    await page.getByRole('button', { name: 'New sheet' }).click();
    const ask = page.getByRole('dialog', { name: 'Replace the current sheet?' });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    expect(await summary(page).textContent()).toContain('4 rows');

    // Reload: once the sheet is saved as it is now (its last edit: the first row's span ID emptied), it comes
    // back as it was.
    const saved = async () => {
      const restored = await savedSheet(page);
      if (!restored?.ok) return null;
      const { model } = restored;
      return { rows: model.rowCount, firstSpanId: model.cell(0, model.columns[0]?.id ?? '') ?? '' };
    };
    await expect.poll(saved).toEqual({ rows: 4, firstSpanId: '' });
    await page.reload();
    await expect.poll(() => summary(page).textContent()).toContain('4 rows');
    expect(await summary(page).textContent()).toContain('1 error');
    expect(await text(page, 2, 4)).toBe('{"note": "checked"}');
    await context.close();
  });

  it('shows progress for a large file, and Cancel leaves the sheet as it was', async () => {
    const { context, page } = await app.openPage({ beforeLoad: installImportGate });
    await importFile(page, 'reviewed.csv');
    await expect.poll(() => summary(page).textContent()).toContain('3 rows');

    const rows = Array.from(
      { length: 300_000 },
      (_, index) => `${index.toString(16).padStart(16, '0')},true,${index % 5}`,
    );
    const path = join(app.dir, 'large.csv');
    await writeFile(
      path,
      ['context.span_id,attributes.metadata.reviewed,attributes.metadata.quality', ...rows].join('\n'),
    );
    // The file is read, but what the import worker says after its progress is held back: the import stays in
    // its reading step, with its Cancel, however fast or slow this machine reads.
    await holdImportAnswers(page, true);
    await page.getByLabel('Import file').setInputFiles(path);
    const progress = page.getByRole('progressbar', { name: 'Importing large.csv' });
    await progress.waitFor();
    await expect.poll(async () => Number(await progress.getAttribute('value'))).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Cancel import' }).click();
    await page.getByRole('progressbar').waitFor({ state: 'detached' });
    await holdImportAnswers(page, false);
    expect(await summary(page).textContent()).toContain('3 rows');
    expect(await text(page, 1, 1)).toBe('61dbffb32f20ddb6');
    await context.close();
  });

  it('refuses a bad file with a clear message and leaves the sheet as it was', async () => {
    const { context, page } = await app.openPage();
    await importFile(page, 'reviewed.csv');
    await expect.poll(() => summary(page).textContent()).toContain('3 rows');

    await importFile(page, 'spreadsheet.csv');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/spreadsheet\.csv was not imported\..*binary/i);
    expect(await summary(page).textContent()).toContain('3 rows');

    await importFile(page, 'ragged.csv');
    await expect.poll(() => alert.textContent()).toMatch(/ragged\.csv was not imported\..*line 2/i);
    expect(await text(page, 1, 1)).toBe('61dbffb32f20ddb6');
    await context.close();
  });
});
