import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { AppUnderTest } from './harness';

/** Which of the page's own faults make the test fail at once. */
export interface PageGuards {
  /** An uncaught error in the page's scripts (default on). */
  pageError?: boolean;
  /** A Content-Security-Policy violation reported on the console (SPEC §12). */
  csp?: boolean;
  /** A script opening alert/confirm/prompt. */
  dialog?: boolean;
}

/** Makes the page's uncaught errors, CSP violations or dialogs fail the test, as `guards` asks. */
export function guardPage(page: Page, guards: PageGuards = {}): void {
  if (guards.pageError ?? true) {
    page.on('pageerror', (error) => {
      throw error;
    });
  }
  if (guards.csp) {
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        throw new Error(`CSP violation: ${message.text()}`);
      }
    });
  }
  if (guards.dialog) {
    page.on('dialog', (dialog) => {
      throw new Error(`A script opened a dialog: ${dialog.message()}`);
    });
  }
}

/**
 * Opens the app in a fresh browser context whose saved connection (localStorage) already names `project` on
 * this server (and `apiKey`, remembered, when given), so the app starts connected to it.
 */
export async function openWithProject(
  app: AppUnderTest,
  project: string,
  options: { context?: BrowserContextOptions; guards?: PageGuards; apiKey?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await app.browser.newContext(options.context);
  await context.addInitScript(
    ({ name, apiKey }) => {
      localStorage.setItem(
        'spanpatch.connection',
        JSON.stringify(
          apiKey === null
            ? { serverUrl: location.origin, project: name, rememberApiKey: false }
            : { serverUrl: location.origin, project: name, apiKey, rememberApiKey: true },
        ),
      );
    },
    { name: project, apiKey: options.apiKey ?? null },
  );
  const page = await context.newPage();
  guardPage(page, options.guards);
  await page.goto(app.url);
  return { context, page };
}

/** A CSV cell, quoted as a spreadsheet would. */
const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** Writes a CSV sheet named `name` into `dir`, and gives its path. */
export async function writeSheet(
  dir: string,
  name: string,
  header: string[],
  rows: string[][],
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n'));
  return path;
}

/**
 * Lets the page's first `POST /spans/metadata` batch through and answered (`firstBatchDone`), and holds every
 * later one until `release()`, then sends it on (refused once the server is stopped).
 */
export async function holdBatchesAfterFirst(
  page: Page,
): Promise<{ firstBatchDone: Promise<void>; release: () => void }> {
  let requests = 0;
  let release: () => void = () => undefined;
  let firstAnswered: () => void = () => undefined;
  const serverStopped = new Promise<void>((resolve) => (release = resolve));
  const firstBatchDone = new Promise<void>((resolve) => (firstAnswered = resolve));
  await page.route('**/spans/metadata', async (route) => {
    requests++;
    if (requests === 1) {
      await route.fulfill({ response: await route.fetch() });
      firstAnswered();
      return;
    }
    await serverStopped;
    await route.continue().catch(() => route.abort('connectionrefused'));
  });
  return { firstBatchDone, release };
}

/**
 * Stores `count` LLM spans in `project`, their IDs `prefix` then a hex counter (16 characters), and gives the IDs.
 */
export async function ingestProject(
  app: AppUnderTest,
  project: string,
  prefix: string,
  count: number,
): Promise<string[]> {
  const spanIds = Array.from(
    { length: count },
    (_, index) => `${prefix}${index.toString(16).padStart(16 - prefix.length, '0')}`,
  );
  await app.server.store.ingestSpans(
    project,
    spanIds.map((spanId, index) => ({
      spanId,
      traceId: (index + 1).toString(16).padStart(32, '0'),
      parentSpanId: null,
      name: 'chat gpt-4o',
      kind: 'LLM',
      startTime: new Date(Date.UTC(2025, 4, 5) + index).toISOString(),
      endTime: null,
      metadata: undefined,
    })),
  );
  return spanIds;
}
