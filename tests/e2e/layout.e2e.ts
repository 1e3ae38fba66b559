import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoSpans } from '@/server/demo/demo-spans';
import { openWithProject } from './app-helpers';
import { type AppUnderTest, startApp } from './harness';
import { screenshot } from './screenshots';

let app: AppUnderTest;
let pandasCsv: string;

/** A key long enough to be cut in its header. */
const LONG_KEY = 'customer_support_escalation_reason_code';

/**
 * The CSV an analyst's pandas writes: an unnamed index column first, True/False booleans, a long key, and a
 * `user_id` that the server already holds as it is (so the Preview says "unchanged").
 */
function pandasExport(): string {
  const roots = buildDemoSpans()
    .filter((span) => typeof span.metadata === 'string' && span.metadata.includes('"user_id"'))
    .slice(0, 6);
  const header = [
    '',
    'context.span_id',
    'attributes.metadata.user_id',
    `attributes.metadata.${LONG_KEY}`,
    'attributes.metadata.reviewed',
    'attributes.metadata.channel',
    'attributes.metadata.reviewer',
  ];
  const lines = [header.join(',')];
  roots.forEach((span, index) => {
    const userId = String((JSON.parse(String(span.metadata)) as { user_id: string }).user_id);
    const reviewed = index % 2 === 0 ? 'True' : 'False';
    lines.push(`${index},${span.spanId},${userId},billing dispute,${reviewed},email,ana`);
  });
  return lines.join('\n');
}

beforeAll(async () => {
  app = await startApp();
  pandasCsv = join(app.dir, 'analyst-review.csv');
  await writeFile(pandasCsv, pandasExport());
});

afterAll(async () => {
  await app?.close();
});

const openAt = (width: number, height: number) =>
  openWithProject(app, 'demo', { context: { viewport: { width, height }, acceptDownloads: true } });

const summary = (page: Page) => page.getByRole('status', { name: 'Sheet summary' });

async function importPandas(page: Page) {
  await page.getByLabel('Import file').setInputFiles(pandasCsv);
  await summary(page).filter({ hasText: '6 rows' }).waitFor();
}

/** How far the page itself can scroll: zero both ways when the view fits the window. */
async function pageOverflow(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    return { x: root.scrollWidth - root.clientWidth, y: root.scrollHeight - root.clientHeight };
  });
}

/**
 * Words that the browser broke inside: a single word laid out on more than one line. Values and column names
 * (code, a patch entry's source column) may wrap anywhere and are left out.
 */
async function brokenWords(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((query) => {
    const broken: string[] = [];
    for (const element of document.querySelectorAll(query)) {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, {
        acceptNode: (node) =>
          node.parentElement?.closest('code, .entry-source, details')
            ? NodeFilter.FILTER_REJECT
            : NodeFilter.FILTER_ACCEPT,
      });
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const match of text.matchAll(/[A-Za-z]{4,}/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
          if (lines.size > 1) broken.push(match[0]);
        }
      }
    }
    return broken;
  }, selector);
}

describe('layout in the browser', () => {
  for (const [width, height] of [
    [1024, 768],
    [1280, 800],
  ] as const) {
    it(`has no page scrollbar on Sheet and Preview at ${width}×${height}`, async () => {
      const { context, page } = await openAt(width, height);
      await page.getByRole('grid', { name: 'Sheet' }).waitFor();
      await expect.poll(() => pageOverflow(page)).toEqual({ x: 0, y: 0 });
      await importPandas(page);
      await expect.poll(() => pageOverflow(page)).toEqual({ x: 0, y: 0 });
      await page.getByRole('tab', { name: 'Preview' }).click();
      await page.getByText('Compared with project demo').waitFor();
      await expect.poll(() => pageOverflow(page)).toEqual({ x: 0, y: 0 });
      await context.close();
    });
  }

  it('keeps the row numbers in view sideways, cuts headers at their end, and keeps the pandas index narrow', async () => {
    const { context, page } = await openAt(1024, 768);
    await importPandas(page);
    const grid = page.getByRole('grid', { name: 'Sheet' });

    // The pandas index column is ignored, and narrow.
    const index = grid.getByRole('columnheader', { name: /\(unnamed\)/ });
    expect(await index.textContent()).toContain('ignored');
    expect((await index.boundingBox())?.width).toBeLessThanOrEqual(130);

    // A long header is cut at its end: its first characters show, the full name is its title and its name.
    const long = grid.getByRole('columnheader', { name: new RegExp(`attributes\\.metadata\\.${LONG_KEY}`) });
    const cut = await long.locator('.column-head-name').evaluate((element) => {
      const text = element.firstElementChild ?? element;
      return {
        overflows: element.scrollWidth > element.clientWidth,
        startsInside: text.getBoundingClientRect().left >= element.getBoundingClientRect().left - 1,
        title: element.getAttribute('title'),
      };
    });
    expect(cut).toEqual({ overflows: true, startsInside: true, title: `attributes.metadata.${LONG_KEY}` });

    // Scrolled sideways, the row numbers and statuses stay at the grid's left edge.
    const rowHeader = grid.getByRole('rowheader').first();
    const before = await rowHeader.boundingBox();
    await page.locator('.sheet-grid-scroll').evaluate((element) => {
      element.scrollLeft = element.scrollWidth;
    });
    await expect
      .poll(() => page.locator('.sheet-grid-scroll').evaluate((element) => element.scrollLeft))
      .toBeGreaterThan(200);
    const after = await rowHeader.boundingBox();
    expect(after?.x).toBe(before?.x);
    const statusHead = await grid.getByRole('columnheader').first().boundingBox();
    expect(statusHead?.x).toBe(before?.x);
    await screenshot(page, 'layout-sheet-scrolled-1024');
    await context.close();
  });

  it('shows a metadata header key first at 1440 px, and keeps its name (issue 25, item 9)', async () => {
    const { context, page } = await openAt(1440, 900);
    await importPandas(page);
    const grid = page.getByRole('grid', { name: 'Sheet' });
    for (const key of ['reviewed', 'reviewer', 'channel', 'user_id']) {
      const header = grid.getByRole('columnheader', {
        name: new RegExp(`^attributes\\.metadata\\.${key}(\\s|$)`),
      });
      // The name is the column's name as one word, as the browser reads it (no space after the prefix).
      expect(await header.count(), key).toBe(1);
      expect(await header.ariaSnapshot(), key).toMatch(
        new RegExp(`^- '?columnheader "attributes\\.metadata\\.${key}[\\s"]`),
      );
      // What shows, left to right: the key whole, then the prefix, quieter.
      const drawn = await header.locator('.column-head-name').evaluate((name) => {
        const box = name.getBoundingClientRect();
        const parts = [...name.querySelectorAll<HTMLElement>('[aria-hidden="true"]')].map((part) => {
          const rect = part.getBoundingClientRect();
          const text = getComputedStyle(part, '::before').content.replace(/^"|"$/g, '');
          return { text, left: rect.left, right: rect.right, color: getComputedStyle(part).color };
        });
        parts.sort((a, b) => a.left - b.left);
        return {
          text: parts.map((part) => part.text).join(' '),
          keyStartsAtLeft: Math.abs((parts[0]?.left ?? -99) - box.left) <= 1,
          keyWhole: (parts[0]?.right ?? Infinity) <= box.right + 0.5,
          prefixQuieter: parts[0]?.color !== parts[1]?.color,
        };
      });
      expect(drawn, key).toEqual({
        text: `${key} attributes.metadata.`,
        keyStartsAtLeft: true,
        keyWhole: true,
        prefixQuieter: true,
      });
    }
    await screenshot(page, 'layout-headers-key-first-1440');
    await context.close();
  });

  it('fits the blank-policy select inside the column menu', async () => {
    const { context, page } = await openAt(1024, 768);
    await importPandas(page);
    await page
      .getByRole('columnheader', { name: /attributes\.metadata\.reviewed/ })
      .getByRole('button')
      .first()
      .click();
    const menu = page.getByRole('dialog', { name: /^Column / });
    await menu.waitFor();
    // The menu is whole in the grid's view (the grid scrolls to show it, once it is open), and each field inside
    // the menu.
    const rightEdge = async (locator: Locator) => {
      const box = await locator.boundingBox();
      return box === null ? null : box.x + box.width;
    };
    const gridRight = await rightEdge(page.locator('.sheet-grid-scroll'));
    expect(gridRight).not.toBeNull();
    await expect.poll(() => rightEdge(menu)).toBeLessThanOrEqual(gridRight ?? 0);
    const menuRight = await rightEdge(menu);
    expect(menuRight).not.toBeNull();
    for (const field of ['Maps to', 'Key', 'Type', 'Blank cells']) {
      const right = await rightEdge(menu.getByLabel(field, { exact: true }));
      expect(right, field).not.toBeNull();
      expect(right, field).toBeLessThanOrEqual(menuRight ?? 0);
    }
    await screenshot(page, 'layout-column-menu-1024');
    await context.close();
  });

  it('breaks no word in the Preview at 1024 px', async () => {
    const { context, page } = await openAt(1024, 768);
    await importPandas(page);
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByText('Compared with project demo').waitFor();
    const first = page.getByRole('article').first();
    await first.getByRole('cell', { name: 'unchanged' }).waitFor();
    expect(await brokenWords(page, '.preview-view')).toEqual([]);
    await screenshot(page, 'layout-preview-1024');
    await context.close();
  });

  it('shows problems first in the Preview, each with its own badge, and searches it', async () => {
    const { context, page } = await openAt(1024, 768);
    await page.getByRole('button', { name: 'Spreadsheet export with problems' }).click();
    await summary(page)
      .filter({ hasText: /[1-9]\d* spans?/ })
      .waitFor();
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByText('Compared with project demo').waitFor();

    const cards = page.getByRole('article');
    const badges = () => cards.locator('.status-pill').allTextContents();
    // Two predicted failures, then the blocked span, then the rest.
    await expect
      .poll(async () => (await badges()).slice(0, 3))
      .toEqual(['Predicted to fail', 'Predicted to fail', 'Blocked']);
    expect((await badges()).slice(3)).not.toContain('Predicted to fail');
    expect((await badges()).slice(3)).not.toContain('Blocked');
    const conflict = page.getByRole('article', { name: 'Span 16546f0d4cb86d80' });
    await expect.poll(() => conflict.locator('.status-pill').textContent()).toBe('Predicted to fail');
    // In words; the server's own message only in the collapsed details for support.
    expect(await conflict.innerText()).toContain(
      "Predicted to fail (type conflict): 'score' holds decimal numbers; this value is text.",
    );
    expect(await conflict.innerText()).not.toContain('Float64');
    expect(await conflict.locator('details').textContent()).toContain(
      "[type_conflict] Type conflict on 'score': stored Float64, patch has Utf8",
    );

    await screenshot(page, 'layout-preview-problems-1024');

    // NOTE: the list follows the search a moment after it is typed (a deferred render): wait for the cards the
    // search asks for, never for a count the list before it may already have.
    const search = page.getByRole('searchbox', { name: 'Search the preview' });
    const shownSpans = () =>
      cards.evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')));
    await search.fill('ffffffff');
    await expect.poll(shownSpans).toEqual(['Span ffffffffffffffff']);
    await search.fill('refund issued');
    await expect.poll(shownSpans).toEqual(['Span 8053890f674ef839']);
    await search.fill('ticket_id');
    await expect.poll(() => cards.count()).toBeGreaterThan(1);
    await search.fill('');

    // The list scrolls from the keyboard: it is a named, focusable region.
    const list = page.getByRole('region', { name: 'Spans in the preview' });
    await list.focus();
    await expect.poll(() => list.evaluate((element) => element === document.activeElement)).toBe(true);

    // The failed rows are exported under the sheet's name.
    await page.getByRole('button', { name: /^Submit \d+ spans?$/ }).click();
    await page.getByRole('status', { name: 'Submission summary' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export failed rows' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('spreadsheet-export-failed-rows.csv');
    await screenshot(page, 'layout-results-1024');
    await context.close();
  });
});
