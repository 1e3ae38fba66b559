import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { type AppUnderTest, startApp } from './harness';

// Issue 25, item 5: the support engineer finds spans and adds them with the keyboard alone, in few keys. Every
// action is a key press (page.keyboard); locators only say what has the focus and what is shown.

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

const focused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);

/** The focused element's role or tag and accessible name, for messages. */
const focusedText = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    return `${element?.getAttribute('role') ?? element?.tagName.toLowerCase() ?? 'none'} ${
      element?.getAttribute('aria-label') ?? element?.textContent?.slice(0, 40) ?? ''
    }`;
  });

/** Presses Tab (Shift+Tab when `backwards`) until `target` has the focus; returns how many presses it took. */
async function tabTo(page: Page, target: Locator, backwards = false): Promise<number> {
  for (let presses = 0; presses < 60; presses += 1) {
    if (await focused(target)) return presses;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${String(target)}; the focus is on ${await focusedText(page)}`);
}

/** The grid's active cell (its aria-activedescendant): row and column index. */
const activeCell = (page: Page) =>
  page.evaluate(() => {
    const id = document.querySelector('[role="grid"]')?.getAttribute('aria-activedescendant');
    const cell = id ? document.getElementById(id) : null;
    return {
      row: cell?.closest('[role="row"]')?.getAttribute('aria-rowindex') ?? null,
      column: cell?.getAttribute('aria-colindex') ?? null,
    };
  });

describe('finding and adding spans with the keyboard alone', () => {
  it('/ goes to the search; the first result is a few Tabs away, or one skip link; after Add the first new cell has the focus', async () => {
    const { context, page } = await app.openPage();
    try {
      await page.getByRole('button', { name: 'Settings' }).waitFor();
      const search = page.getByRole('searchbox', { name: 'Search spans' });
      const matching = page.getByRole('status', { name: 'Matching spans' });

      // `/` from the Sheet tab (the first tab shown) goes to the Spans tab's search box.
      await page.keyboard.press('/');
      await expect.poll(() => focused(search)).toBe(true);
      expect(await page.getByRole('tab', { name: 'Spans' }).getAttribute('aria-selected')).toBe('true');
      expect(await search.inputValue()).toBe('');
      await matching.filter({ hasText: /spans match/ }).waitFor();
      const table = page.getByRole('table', { name: 'Spans' });
      const first = table.getByRole('checkbox', { name: /^Select span / }).first();
      await first.waitFor();
      expect(await axeViolations(page)).toEqual([]);

      // The skip link is the first Tab from the search box, and goes to the first result.
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to results' });
      await expect.poll(() => focused(skip)).toBe(true);
      expect(await skip.isVisible()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press('Enter');
      await expect.poll(() => focused(first)).toBe(true);
      await page.keyboard.press('Space');
      await page
        .getByRole('status', { name: 'Selected spans' })
        .filter({ hasText: '1 span selected' })
        .waitFor();

      // `/` from a checkbox goes back to the search; Tab alone reaches the first result in a few presses (it took
      // about 35 before: nine kind checkboxes and two date fields came first). On the way: the skip link, Filters,
      // Metadata columns, Select all, Clear selection and Add (enabled now that a span is selected), the table.
      await page.keyboard.press('/');
      await expect.poll(() => focused(search)).toBe(true);
      const presses = await tabTo(page, first);
      expect(presses).toBeLessThanOrEqual(8);

      // The filters are one button; opened, they are clean for axe too.
      await tabTo(page, page.getByRole('button', { name: 'Filters' }), true);
      await page.keyboard.press('Enter');
      await page.getByRole('checkbox', { name: 'LLM' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press('Enter');
      await page.getByRole('checkbox', { name: 'LLM' }).waitFor({ state: 'hidden' });

      // Add the selected span; in the dialog, a new key for it.
      await tabTo(page, page.getByRole('button', { name: 'Add 1 span to sheet' }));
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Add 1 span to sheet' });
      await dialog.waitFor();
      await tabTo(page, dialog.getByRole('button', { name: 'Add a new key' }));
      await page.keyboard.press('Enter');
      await expect.poll(() => focused(dialog.getByLabel('Name of new key 1'))).toBe(true);
      await page.keyboard.type('keyboard_tag');
      await page.keyboard.press('Tab');
      await page.keyboard.type('yes');
      await tabTo(page, dialog.getByRole('button', { name: 'Add 1 span to sheet' }));
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });

      // The Sheet tab, its grid focused on the first new cell (the page's body before).
      const grid = page.getByRole('grid', { name: 'Sheet' });
      await expect.poll(() => focused(grid)).toBe(true);
      expect(await page.getByRole('tab', { name: 'Sheet' }).getAttribute('aria-selected')).toBe('true');
      await expect.poll(() => activeCell(page)).toEqual({ row: '2', column: '2' });
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
