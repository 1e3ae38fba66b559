import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoSpans } from '@/server/demo/demo-spans';
import type { IncomingSpan } from '@/server/patch/plan-ingest';
import { openWithProject } from './app-helpers';
import { type AppUnderTest, startApp } from './harness';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

const openApp = (project: string) => openWithProject(app, project, { guards: { csp: true } });

/** "1,284 spans match", as the Spans tab says it. */
const matchText = (count: number) =>
  count === 0
    ? 'No spans match.'
    : `${count.toLocaleString('en-US')} ${count === 1 ? 'span matches' : 'spans match'}`;

/** The demo project's spans, newest first, as the Spans tab lists them. */
function demoNewestFirst(): IncomingSpan[] {
  return buildDemoSpans().sort((a, b) =>
    a.startTime === b.startTime ? (a.spanId < b.spanId ? 1 : -1) : a.startTime < b.startTime ? 1 : -1,
  );
}

function metadataOf(span: IncomingSpan): Record<string, unknown> {
  return typeof span.metadata === 'string' ? (JSON.parse(span.metadata) as Record<string, unknown>) : {};
}

describe('finding spans and tagging them from the Spans tab, against the demo project', () => {
  it('searches by ID prefix, name and metadata, selects, adds to the sheet, submits, and shows the change', async () => {
    const demo = demoNewestFirst();
    const root = demo.find((span) => span.parentSpanId === null && 'session_id' in metadataOf(span));
    if (!root) throw new Error('The demo project has no root span with a session_id');
    const session = String(metadataOf(root).session_id);
    const sessionRoots = demo.filter((span) => metadataOf(span).session_id === session);
    const reranks = demo.filter((span) => span.name.includes('rerank'));
    const picked = reranks.slice(0, 3);

    const { context, page } = await openApp('demo');
    await page.getByRole('tab', { name: 'Spans' }).click();
    const matching = page.getByRole('status', { name: 'Matching spans' });
    const selected = page.getByRole('status', { name: 'Selected spans' });
    const table = page.getByRole('table', { name: 'Spans' });
    await expect.poll(() => matching.textContent()).toBe(matchText(demo.length));

    // By the start of a span ID.
    const search = page.getByRole('searchbox', { name: 'Search spans' });
    const prefix = root.spanId.slice(0, 6);
    const byPrefix = demo.filter((span) => span.spanId.startsWith(prefix) || span.traceId.startsWith(prefix));
    await search.fill(prefix);
    await expect.poll(() => matching.textContent()).toBe(matchText(byPrefix.length));
    await table.getByRole('button', { name: `Open span ${root.spanId}` }).waitFor();

    // By part of a name; three spans picked by hand.
    await search.fill('RERANK');
    await expect.poll(() => matching.textContent()).toBe(matchText(reranks.length));
    for (const span of picked)
      await table.getByRole('checkbox', { name: `Select span ${span.spanId}` }).check();
    await expect.poll(() => selected.textContent()).toBe('3 spans selected');

    // By a metadata condition, with "Select all N matching".
    await search.fill('');
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.getByRole('button', { name: 'Add a condition' }).click();
    await page.getByLabel('Key of condition 1').fill('session_id');
    await page.getByLabel('Value of condition 1').fill(session);
    await expect.poll(() => matching.textContent()).toBe(matchText(sessionRoots.length));
    await page.getByRole('button', { name: `Select all ${sessionRoots.length} matching` }).click();
    const total = 3 + sessionRoots.length;
    await expect.poll(() => selected.textContent()).toBe(`${total} spans selected`);

    // Into the sheet, with their session_id and a new key for all.
    await page.getByRole('button', { name: `Add ${total} spans to sheet` }).click();
    const dialog = page.getByRole('dialog', { name: `Add ${total} spans to sheet` });
    await dialog.getByRole('checkbox', { name: 'Bring session_id' }).check();
    await dialog.getByRole('button', { name: 'Add a new key' }).click();
    await dialog.getByLabel('Name of new key 1').fill('ticket');
    await dialog.getByLabel('Value of new key 1').fill('T-1042');
    await dialog.getByRole('button', { name: `Add ${total} spans to sheet` }).click();

    await page.getByRole('tab', { name: 'Sheet', selected: true }).waitFor();
    await page
      .getByRole('status', { name: 'Sheet summary' })
      .filter({ hasText: `${total} rows` })
      .waitFor();
    const grid = page.getByRole('grid', { name: 'Sheet' });
    expect(await grid.textContent()).toContain('attributes.metadata.ticket');
    expect(await grid.textContent()).toContain(session);

    // Preview, with each span's name and kind beside its ID, and submit.
    await page.getByRole('tab', { name: 'Preview' }).click();
    const firstPicked = picked[0];
    if (firstPicked) {
      const card = page.getByRole('article', { name: `Span ${firstPicked.spanId}` });
      await card.waitFor();
      expect(await card.textContent()).toContain(firstPicked.name);
      expect(await card.textContent()).toContain(firstPicked.kind);
    }
    await page.getByRole('button', { name: `Submit ${total} spans` }).click();
    const summary = page.getByRole('status', { name: 'Submission summary' });
    await summary.waitFor();
    await expect.poll(() => summary.textContent()).toMatch(new RegExp(`Updated\\s*${total}(?![\\d,])`));

    // The span's detail shows the change, before and after.
    const changed = picked[0]?.spanId ?? '';
    await page.getByRole('tab', { name: 'Spans' }).click();
    await page.getByRole('button', { name: 'Clear search and filters' }).click();
    await search.fill(changed);
    await expect.poll(() => matching.textContent()).toBe(matchText(1));
    const open = table.getByRole('button', { name: `Open span ${changed}` });
    await open.click();
    const detail = page.getByRole('dialog', { name: `Span ${changed}` });
    const history = detail.getByRole('table').filter({ hasText: 'Before' });
    await history.getByRole('row').filter({ hasText: 'ticket' }).waitFor();
    expect(await history.getByRole('row').filter({ hasText: 'ticket' }).textContent()).toMatch(
      /ticket\s*did not exist\s*"T-1042"/,
    );
    expect(await detail.textContent()).toContain('"T-1042"');
    expect(await detail.textContent()).toContain('rerank_documents');

    // Its trace: the parent opens in the same dialog; Esc closes it and gives focus back.
    const parent = picked[0]?.parentSpanId ?? '';
    await detail.getByRole('button', { name: `Open parent span ${parent}` }).click();
    await page
      .getByRole('dialog', { name: `Span ${parent}` })
      .getByText('none: a root span')
      .waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(() => open.evaluate((element) => element === document.activeElement)).toBe(true);
    await context.close();
  });
  it('selects a range with Shift+click, and moves between the checkboxes with the keyboard', async () => {
    const demo = demoNewestFirst();
    const listed = (index: number) => {
      const span = demo[index];
      if (!span) throw new Error(`The demo project has no span ${index + 1}`);
      return `Select span ${span.spanId}`;
    };
    const { context, page } = await openApp('demo');
    await page.getByRole('tab', { name: 'Spans' }).click();
    const matching = page.getByRole('status', { name: 'Matching spans' });
    const selected = page.getByRole('status', { name: 'Selected spans' });
    const table = page.getByRole('table', { name: 'Spans' });
    await expect.poll(() => matching.textContent()).toBe(matchText(demo.length));
    const box = (index: number) => table.getByRole('checkbox', { name: listed(index) });
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);
    /** True when the focused checkbox is in view: below the table's sticky header, above its bottom edge. */
    const focusedInView = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        const scroller = element?.closest('[role="table"]');
        const head = scroller?.querySelector('[role="rowgroup"]');
        if (!element || !scroller || !head) return false;
        const box = element.getBoundingClientRect();
        return (
          box.top >= head.getBoundingClientRect().bottom - 1 &&
          box.bottom <= scroller.getBoundingClientRect().bottom + 1
        );
      });

    // A click, then Shift+click three rows down: the four rows from one to the other are selected, no others.
    await box(1).click();
    await box(4).click({ modifiers: ['Shift'] });
    await expect.poll(() => selected.textContent()).toBe('4 spans selected');
    for (const index of [1, 2, 3, 4]) expect(await box(index).isChecked()).toBe(true);
    for (const index of [0, 5]) expect(await box(index).isChecked()).toBe(false);

    // The arrow keys move between the checkboxes; with Shift they select from the row clicked last.
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe(listed(5));
    expect(await selected.textContent()).toBe('4 spans selected');
    await page.keyboard.press('Shift+ArrowDown');
    await expect.poll(focused).toBe(listed(6));
    await page.keyboard.press('Shift+ArrowDown');
    await expect.poll(focused).toBe(listed(7));
    await expect.poll(() => selected.textContent()).toBe('7 spans selected');

    // PageDown scrolls a page down, Home back to the first row, each in view below the header.
    await page.keyboard.press('PageDown');
    await expect.poll(focused).not.toBe(listed(7));
    expect(await focusedInView()).toBe(true);
    await page.keyboard.press('Home');
    await expect.poll(focused).toBe(listed(0));
    await expect.poll(focusedInView).toBe(true);
    expect(await selected.textContent()).toBe('7 spans selected');
    await context.close();
  });
});
