import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { logMetadata } from '../../src/client/log-metadata';
import { startServer } from '../../src/server/start-server';
import { openSqliteStore } from '../../src/server/store';
import { launchChromium } from '../e2e/harness';
import { projectContext } from './bench-page';
import { llmSpan } from './patch-workload';
import { atLeast, longTaskText, msText, printTable } from './report-table';

const PROJECT = 'bench';

const spanIdOf = (index: number) => (index + 1).toString(16).padStart(16, '0');

declare global {
  interface Window {
    benchLongTasks: { start: number; duration: number }[];
  }
}

/** Runs in the page before its scripts: keeps every long task (50 ms and up) of the main thread. */
function observeLongTasks(): void {
  const tasks: { start: number; duration: number }[] = [];
  window.benchLongTasks = tasks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/**
 * 100,000 spans end to end through the UI in headless Chromium: from a loaded sheet, Submit, to the results
 * summary; against the client alone sending the same patches to the same server, in the same run. Also the
 * longest main-thread task during the submit.
 */
export async function runUiSubmitBench(spans = 100_000) {
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-bench-'));
  try {
    await build({
      logLevel: 'error',
      build: { outDir: join(dir, 'ui'), sourcemap: false, emptyOutDir: true },
    });
    const template = join(dir, 'template.db');
    const store = openSqliteStore(template);
    await store.ingestSpans(
      PROJECT,
      Array.from({ length: spans }, (_, index) => llmSpan(index, spanIdOf(index))),
    );
    await store.close();
    const csvPath = join(dir, 'sheet.csv');
    const lines = [
      'context.span_id,attributes.metadata.reviewed,attributes.metadata.reviewer,attributes.metadata.quality',
    ];
    for (let index = 0; index < spans; index++)
      lines.push(`${spanIdOf(index)},true,${index % 3 === 0 ? 'ana' : 'sam'},${index % 5}`);
    await writeFile(csvPath, lines.join('\n'));

    // The client alone, on its own copy of the store; first once unmeasured on a throwaway copy, so the server
    // code is as warm for it as it is for the UI run after it.
    const patches = Array.from({ length: spans }, (_, index) => ({
      span_id: spanIdOf(index),
      patch_document: { reviewed: 'true', reviewer: index % 3 === 0 ? 'ana' : 'sam', quality: index % 5 },
    }));
    const clientRun = async (name: string) => {
      await copyFile(template, join(dir, name));
      const clientServer = await startServer({ dbPath: join(dir, name), port: 0, logLevel: 'silent' });
      try {
        const start = performance.now();
        await logMetadata(PROJECT, patches, { baseUrl: clientServer.url });
        return performance.now() - start;
      } finally {
        await clientServer.close();
      }
    };
    await clientRun('warm-up.db');
    const clientMs = await clientRun('client.db');

    // The UI, on another copy.
    await copyFile(template, join(dir, 'ui.db'));
    const server = await startServer({
      dbPath: join(dir, 'ui.db'),
      port: 0,
      staticDir: join(dir, 'ui'),
      logLevel: 'silent',
    });
    const browser = await launchChromium();
    try {
      const context = await projectContext(browser, PROJECT, [observeLongTasks]);
      const page = await context.newPage();
      await page.goto(server.url);
      await page.getByLabel('Import file').setInputFiles(csvPath);
      const label = spans.toLocaleString('en-US');
      await page
        .getByRole('status', { name: 'Sheet summary' })
        .filter({ hasText: `${label} rows` })
        .waitFor({ timeout: 120_000 });
      await page.getByRole('tab', { name: 'Preview' }).click();
      await page.getByRole('button', { name: `Submit ${label} spans` }).click();
      const confirm = page.getByRole('dialog').getByRole('button', { name: `Submit ${label} spans` });
      await confirm.waitFor();
      const uiStart = performance.now();
      const pageStart = await page.evaluate(() => performance.now());
      await confirm.click();
      await page
        .getByRole('status', { name: 'Submission summary' })
        .filter({ hasText: new RegExp(`Updated\\s*${label}(?![\\d,])`) })
        .waitFor({ timeout: 300_000 });
      const uiMs = performance.now() - uiStart;
      const longestTask = await page.evaluate(
        (from) =>
          Math.max(
            0,
            ...window.benchLongTasks
              .filter((task) => task.start + task.duration > from)
              .map((task) => task.duration),
          ),
        pageStart,
      );
      return { spans, clientMs, uiMs, longestTask };
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function report() {
  const { spans, clientMs, uiMs, longestTask } = await runUiSubmitBench();
  const rate = (ms: number) => `${Math.round((spans / ms) * 1000).toLocaleString('en-US')} spans/s`;
  const ratio = clientMs / uiMs;
  printTable(
    `end-to-end submit bench, ${spans.toLocaleString('en-US')} spans, headless Chromium`,
    [`${spans.toLocaleString('en-US')} spans`],
    [
      ['client only (logMetadata → server)', [[`${rate(clientMs)} (${msText(clientMs)})`, null]]],
      ['UI: Submit → results summary', [[`${rate(uiMs)} (${msText(uiMs)})`, null]]],
      ['UI rate / client-only rate', [[ratio.toFixed(2), atLeast(0.85, '').judge(ratio)]]],
      ['longest main-thread task in the submit', [[longTaskText(longestTask), null]]],
    ],
  );
  console.log(
    '  long tasks are PerformanceObserver "longtask" entries (50 ms and up) on the page\'s main thread.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await report();
