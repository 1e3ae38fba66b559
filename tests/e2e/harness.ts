import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ArizeConfig } from '@/server/arize';
import type { ApiKey } from '@/server/http/auth';
import { type RunningServer, startServer } from '@/server/start-server';
import { findChromium } from '../../scripts/system-requirements.mjs';
import { guardPage } from './app-helpers';

/**
 * The browser the tests drive, found as `npm test`'s set-up finds it (scripts/system-requirements.mjs): the one
 * CHROME_PATH names, else Debian's /usr/bin/chromium or another usual place; never a downloaded browser.
 */
export const CHROMIUM_PATH: string | undefined = findChromium();

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launches headless Chromium with the flags this machine needs. */
export async function launchChromium(): Promise<Browser> {
  if (CHROMIUM_PATH === undefined) {
    throw new Error(
      'No Chromium or Chrome found for the browser tests: run `node scripts/test-setup.mjs` (npm test does), ' +
        'which says what to install, or set CHROME_PATH.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** The app served by the real server (demo project seeded) on an ephemeral 127.0.0.1 port, and a browser. */
export interface AppUnderTest {
  url: string;
  /** The running server; replaced by `startServerAgain`. */
  server: RunningServer;
  /** Stops the server for real: the port refuses connections until `startServerAgain`. */
  stopServer(): Promise<void>;
  /** Starts the server again on the same port and database. */
  startServerAgain(): Promise<void>;
  browser: Browser;
  dir: string;
  /**
   * A fresh browser context (empty storage) with a page on the app; `beforeLoad` runs in the page before the
   * app's scripts (Playwright's `addInitScript`).
   */
  openPage(options?: { beforeLoad?: () => void }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** Starts the server with the built UI and a browser for one test file; `apiKeys` as SPANPATCH_API_KEYS (none). */
export async function startApp(
  options: { seedDemo?: boolean; apiKeys?: ApiKey[]; arize?: ArizeConfig } = {},
): Promise<AppUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-e2e-'));
  const serve = (port: number) =>
    startServer({
      dbPath: join(dir, 'spans.db'),
      port,
      host: '127.0.0.1',
      staticDir: resolve('dist/ui-e2e'),
      seedDemo: options.seedDemo ?? true,
      ...(options.apiKeys ? { apiKeys: options.apiKeys } : {}),
      ...(options.arize ? { arize: options.arize } : {}),
      logLevel: 'silent',
    });
  const first = await serve(0);
  const browser = await launchChromium();
  let stopped = false;
  const app: AppUnderTest = {
    url: first.url,
    server: first,
    browser,
    dir,
    async stopServer() {
      await app.server.close();
      stopped = true;
    },
    async startServerAgain() {
      app.server = await serve(first.port);
      stopped = false;
    },
    async openPage({ beforeLoad } = {}) {
      const context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      if (beforeLoad) await page.addInitScript(beforeLoad);
      // The app must run under its own Content-Security-Policy without a single violation (SPEC §12).
      guardPage(page, { csp: true });
      await page.goto(first.url);
      return { context, page };
    },
    async close() {
      await browser.close();
      if (!stopped) await app.server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return app;
}

/** The fixture file's absolute path. */
export function fixture(name: string): string {
  return resolve('tests/fixtures/sheets', name);
}
