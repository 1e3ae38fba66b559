import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRoleMapping } from '@/core/api';
import { type RunningServer, startServer } from '@/server/start-server';
import { freePort } from '../support/browser-session';
import {
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_ROLE_MAPPING,
  type TestLogin,
  type TestProvider,
} from '../support/oidc-provider';
import { guardPage } from './app-helpers';
import { type AxeViolation, axeViolations, report } from './axe';
import { launchChromium } from './harness';

/**
 * Signing in through the identity provider's own login page (SPEC §16), in a real browser: an editor sees who they
 * are and makes a key on the Keys page; a viewer's Preview says why they cannot submit.
 */

let provider: TestProvider;
let server: RunningServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spanpatch-e2e-'));
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  provider = await startTestProvider([`${publicUrl}/auth/callback`]);
  server = await startServer({
    dbPath: join(dir, 'spans.db'),
    port,
    host: '127.0.0.1',
    staticDir: resolve('dist/ui-e2e'),
    seedDemo: true,
    logLevel: 'silent',
    signIn: {
      issuer: provider.issuer,
      clientId: TEST_CLIENT_ID,
      clientSecret: TEST_CLIENT_SECRET,
      publicUrl,
      roleClaim: 'groups',
      roleRules: parseRoleMapping(TEST_ROLE_MAPPING),
      scopes: 'openid profile email groups',
      sessionSecret: 'a-session-secret-of-at-least-thirty-two-characters',
    },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await provider?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Opens the app on the demo project and signs in as `login` on the provider's own login page. */
async function signIn(login: TestLogin): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    localStorage.setItem(
      'spanpatch.connection',
      JSON.stringify({ serverUrl: location.origin, project: 'demo', rememberApiKey: false }),
    );
  });
  const page = await context.newPage();
  guardPage(page);
  await page.goto(server.url);
  await page.getByRole('link', { name: 'Sign in' }).click();
  // The provider's own page.
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  await page.waitForURL(`${server.url}/**`);
  return { context, page };
}

describe('signing in in the browser', () => {
  it('signs an editor in through the provider; the header says who; the Keys page makes a key shown once', async () => {
    const { context, page } = await signIn('ana');
    try {
      await page.getByText('Signed in as').filter({ hasText: 'Ana Editor' }).waitFor();
      expect(await page.locator('.account-role').textContent()).toBe('(editor)');
      await page.getByRole('button', { name: 'Keys' }).click();
      const keys = page.getByRole('dialog', { name: 'Your API keys' });
      await keys.getByLabel('Name').fill('laptop');
      await keys.getByRole('button', { name: 'Make a key' }).click();
      const shown = keys.locator('.keys-secret');
      await shown.waitFor();
      expect(await shown.textContent()).toMatch(/^spk_[0-9a-f]{16}_/);
      await keys.getByRole('button', { name: 'Revoke laptop' }).waitFor();
      await keys.getByRole('button', { name: 'Close' }).click();
      await keys.waitFor({ state: 'detached' });

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('link', { name: 'Sign in' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('tells a viewer on Preview that viewers can preview, and disables Submit', async () => {
    const { context, page } = await signIn('vic');
    try {
      await page.getByText('Signed in as').filter({ hasText: 'Vic Viewer' }).waitFor();
      await page.getByRole('button', { name: 'Tag reviewed traces' }).click();
      await page
        .getByRole('status', { name: 'Sheet summary' })
        .filter({ hasText: /[1-9]\d* spans?/ })
        .waitFor();
      await page.getByRole('tab', { name: 'Preview' }).click();
      await page.getByText('Viewers can preview; ask an admin to make you an editor to submit.').waitFor();
      const submit = page.getByRole('button', { name: /^Submit \d+ spans?$/ });
      expect(await submit.isDisabled()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('filters History by who made each submission, from the keyboard, and passes axe-core', async () => {
    for (const login of ['ana', 'adm'] as const) {
      const { context, page } = await signIn(login);
      try {
        await page.getByText('Signed in as').waitFor();
        await page.getByRole('button', { name: 'Tag reviewed traces' }).click();
        await page
          .getByRole('status', { name: 'Sheet summary' })
          .filter({ hasText: /[1-9]\d* spans?/ })
          .waitFor();
        await page.getByRole('tab', { name: 'Preview' }).click();
        await page.getByRole('button', { name: /^Submit \d+ spans?$/ }).click();
        await page
          .getByRole('status', { name: 'Submission summary' })
          .filter({ hasText: /Sent\s*[1-9]/ })
          .waitFor();
      } finally {
        await context.close();
      }
    }
    const { context, page } = await signIn('adm');
    try {
      await page.getByText('Signed in as').filter({ hasText: 'Adm Admin' }).waitFor();
      await page.getByRole('tab', { name: 'History' }).click();
      const everyone = page.getByRole('table', { name: 'Submissions to project demo', exact: true });
      await everyone.getByRole('row').filter({ hasText: 'Ana Editor' }).first().waitFor();
      await everyone.getByRole('row').filter({ hasText: 'Adm Admin' }).first().waitFor();

      const madeBy = page.getByRole('combobox', { name: 'Made by' });
      await madeBy.focus();
      await page.keyboard.press('ArrowDown');
      const chosen = await madeBy.evaluate(
        (select) => (select as HTMLSelectElement).selectedOptions[0]?.text,
      );
      expect(chosen).toMatch(/^(Ana Editor|Adm Admin) </);
      const who = chosen ?? '';
      const theirs = page.getByRole('table', { name: `Submissions to project demo made by ${who}` });
      await theirs.waitFor();
      await expect.poll(() => theirs.getByRole('row').count()).toBeGreaterThan(1);
      const rows = await theirs.locator('tbody tr').allTextContents();
      expect(rows.every((row) => row.includes(who.split(' <')[0] ?? who))).toBe(true);
      const violations = await axeViolations(page);
      expect(report(new Map(violations.length > 0 ? [['History by person', violations]] : [])), 'axe').toBe(
        '',
      );
    } finally {
      await context.close();
    }
  });

  it('passes axe-core signed in: the header with who, the Keys dialog with a key, the Audit dialog', async () => {
    const { context, page } = await signIn('adm');
    try {
      const found = new Map<string, AxeViolation[]>();
      const check = async (state: string) => {
        const violations = await axeViolations(page);
        if (violations.length > 0) found.set(state, violations);
      };
      await page.getByText('Signed in as').filter({ hasText: 'Adm Admin' }).waitFor();
      await check('header signed in');

      await page.getByRole('button', { name: 'Keys' }).click();
      const keys = page.getByRole('dialog', { name: 'Your API keys' });
      await keys.getByLabel('Name').fill('ci');
      await keys.getByRole('button', { name: 'Make a key' }).click();
      await keys.getByRole('button', { name: 'Revoke ci' }).waitFor();
      await check('Keys dialog with a key');
      await keys.getByRole('button', { name: 'Close' }).click();
      await keys.waitFor({ state: 'detached' });

      await page.getByRole('button', { name: 'Audit' }).click();
      const audit = page.getByRole('dialog', { name: 'Audit' });
      await audit
        .getByRole('table', { name: 'Audit events' })
        .getByRole('row')
        .filter({ hasText: 'key created' })
        .filter({ hasText: 'Adm Admin' })
        .waitFor();
      await check('Audit dialog');
      expect(report(found), `axe-core found violations in ${found.size} states`).toBe('');
    } finally {
      await context.close();
    }
  });
});
