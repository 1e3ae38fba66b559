import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type Papa from 'papaparse';
import { build } from 'vite';
import { startServer } from '../../src/server/start-server';
import { launchChromium } from '../e2e/harness';
import { generateSheetCsv } from './generate';

declare global {
  interface Window {
    Papa: typeof Papa;
    editTimes: number[];
  }
}

/**
 * The sheet in headless Chromium at 100,000 rows: a generated CSV from file to a ready sheet (all validation
 * done) against a bare Papa.parse of the same text in the same page, and the time from a cell edit to the updated
 * summary.
 */
export async function runUiSheetBench(rows = 100_000) {
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-bench-'));
  await build({ logLevel: 'error', build: { outDir: join(dir, 'ui'), sourcemap: false, emptyOutDir: true } });
  const csvPath = join(dir, 'sheet.csv');
  const csv = generateSheetCsv(rows);
  await writeFile(csvPath, csv);
  const server = await startServer({
    dbPath: join(dir, 'spans.db'),
    port: 0,
    staticDir: join(dir, 'ui'),
    logLevel: 'silent',
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await page.addScriptTag({ path: resolve('node_modules/papaparse/papaparse.min.js') });
    const bareParse = await page.evaluate(async (text) => {
      const samples: number[] = [];
      for (let run = 0; run < 3; run++) {
        const start = performance.now();
        window.Papa.parse(text, { skipEmptyLines: true });
        samples.push(performance.now() - start);
      }
      return samples.sort((a, b) => a - b)[1] ?? 0;
    }, csv);

    const summary = page.getByRole('status', { name: 'Sheet summary' });
    const label = `${rows.toLocaleString('en-US')} rows`;
    const start = Date.now();
    await page.getByLabel('Import file').setInputFiles(csvPath);
    await summary.filter({ hasText: label }).waitFor({ timeout: 120_000 });
    const importTime = Date.now() - start;
    const rowElements = await page.locator('[role="row"]').count();

    // Edit a span ID cell back and forth between valid and blank: each commit changes the error count.
    await page.evaluate(() => {
      window.editTimes = [];
      let startedAt = 0;
      document.addEventListener(
        'keydown',
        (event) => {
          if (
            event.key === 'Enter' &&
            (event.target as HTMLElement).getAttribute('aria-label') === 'Cell value'
          ) {
            startedAt = performance.now();
          }
        },
        true,
      );
      const status = document.querySelector('[aria-label="Sheet summary"]');
      if (status)
        new MutationObserver(() => startedAt && window.editTimes.push(performance.now() - startedAt)).observe(
          status,
          { subtree: true, characterData: true, childList: true },
        );
    });
    const cell = page.locator('[role="row"][aria-rowindex="3"] [role="gridcell"][aria-colindex="2"]');
    for (let edit = 0; edit < 20; edit++) {
      await cell.click();
      await page.keyboard.press('F2');
      const editor = page.getByRole('textbox', { name: 'Cell value' });
      await editor.fill(edit % 2 === 0 ? '' : 'aaaabbbbccccdddd');
      await editor.press('Enter');
      await page.waitForTimeout(30);
    }
    const editTimes = (await page.evaluate(() => window.editTimes)).sort((a, b) => a - b);
    const editMedian = editTimes[Math.floor(editTimes.length / 2)] ?? Number.NaN;
    return { rows, bareParse, importTime, rowElements, editMedian, edits: editTimes.length };
  } finally {
    await browser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function report() {
  const result = await runUiSheetBench();
  console.log(`browser sheet bench, ${result.rows.toLocaleString('en-US')} rows, headless Chromium`);
  console.log(`  bare Papa.parse in the page          ${result.bareParse.toFixed(0)} ms`);
  console.log(
    `  file to ready sheet (all validation)  ${result.importTime.toFixed(0)} ms   ratio ${(result.importTime / result.bareParse).toFixed(2)}x the bare parse (aim: 2x)`,
  );
  console.log(`  row elements in the DOM              ${result.rowElements} (aim: fewer than 100)`);
  console.log(
    `  cell edit to updated summary         ${result.editMedian.toFixed(1)} ms median of ${result.edits} (aim: 16 ms)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await report();
