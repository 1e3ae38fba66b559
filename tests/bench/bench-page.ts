import type { Browser, BrowserContext } from 'playwright-core';

/**
 * A browser context for a benchmark: a 1400×900 window, the app connected to `project` on the server it is
 * served from (as Settings would have saved it), and `scripts` run in every page before its own.
 */
export async function projectContext(
  browser: Browser,
  project: string,
  scripts: readonly (() => void)[] = [],
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript((name) => {
    localStorage.setItem(
      'spanpatch.connection',
      JSON.stringify({ serverUrl: location.origin, project: name, rememberApiKey: false }),
    );
  }, project);
  for (const script of scripts) await context.addInitScript(script);
  return context;
}
