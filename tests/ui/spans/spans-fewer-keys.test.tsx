// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { setConnectionSettings } from '@/ui/settings';
import { SheetStore } from '@/ui/sheet';
import { SpansStore, SpansView } from '@/ui/spans';
import { render } from '../render';
import { makeSpans, stubSpansServer } from './fake-spans-server';

// Issue 25: fewer keys on Spans (item 5), the span in full (item 7), and where a search that finds nothing here
// would find something (item 4).

const SPANS = makeSpans(30);

function renderSpans(sheet = new SheetStore()) {
  const store = new SpansStore();
  const onOpenSheet = vi.fn();
  render(<SpansView store={store} sheet={sheet} onOpenSheet={onOpenSheet} />);
  return { store, sheet, onOpenSheet };
}

const matching = () => screen.getByRole('status', { name: 'Matching spans' });
const spansTable = () => screen.getByRole('table', { name: 'Spans' });
const searchBox = () => screen.getByRole('searchbox', { name: 'Search spans' });

async function waitForMatches(text: string) {
  await waitFor(() => expect(matching().textContent).toBe(text));
}

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
});

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  setConnectionSettings({
    serverUrl: window.location.origin,
    apiKey: '',
    project: 'demo',
    rememberApiKey: false,
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('fewer keys on Spans', () => {
  it('puts the first result a few Tab presses after the search box, with the filters folded under one button', async () => {
    stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    renderSpans();
    await waitForMatches('30 spans match');
    const filters = screen.getByRole('button', { name: 'Filters' });
    expect(filters.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('checkbox', { name: 'LLM' })).toBeNull();

    const first = screen.getByRole('checkbox', { name: `Select span ${SPANS[0]?.span_id}` });
    searchBox().focus();
    let presses = 0;
    while (document.activeElement !== first && presses < 40) {
      await user.tab();
      presses++;
    }
    expect(document.activeElement).toBe(first);
    expect(presses).toBeLessThanOrEqual(6);

    await user.click(filters);
    expect(filters.getAttribute('aria-expanded')).toBe('true');
    await user.click(screen.getByRole('checkbox', { name: 'LLM' }));
    await waitForMatches('10 spans match');
    expect(filters.textContent).toBe('Filters (1 set)');
  });

  it('has a "Skip to results" link right after the search box that puts the focus on the first result', async () => {
    stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    renderSpans();
    await waitForMatches('30 spans match');
    searchBox().focus();
    await user.tab();
    const skip = screen.getByRole('link', { name: 'Skip to results' });
    expect(document.activeElement).toBe(skip);
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(
      within(spansTable()).getByRole('checkbox', { name: `Select span ${SPANS[0]?.span_id}` }),
    );
  });

  it('asks the grid to focus the first new cell once spans are added, after the rows already there', async () => {
    stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    const { sheet, onOpenSheet } = renderSpans();
    await waitForMatches('30 spans match');
    await user.click(screen.getByRole('checkbox', { name: `Select span ${SPANS[0]?.span_id}` }));
    await user.click(screen.getByRole('button', { name: 'Add 1 span to sheet' }));
    const dialog = screen.getByRole('dialog', { name: 'Add 1 span to sheet' });
    await user.click(within(dialog).getByRole('checkbox', { name: 'Bring turn' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add 1 span to sheet' }));
    await waitFor(() => expect(onOpenSheet).toHaveBeenCalledTimes(1));
    expect(sheet.getState().focusRequest).toEqual({ row: 0, column: 0 });

    sheet.clearFocusRequest();
    await user.click(screen.getByRole('checkbox', { name: `Select span ${SPANS[1]?.span_id}` }));
    await user.click(screen.getByRole('button', { name: 'Add 1 span to sheet' }));
    const again = screen.getByRole('dialog', { name: 'Add 1 span to sheet' });
    await user.click(within(again).getByRole('checkbox', { name: 'Bring turn' }));
    await user.click(within(again).getByRole('button', { name: 'Add 1 span to sheet' }));
    await waitFor(() => expect(onOpenSheet).toHaveBeenCalledTimes(2));
    expect(sheet.model.rowCount).toBe(2);
    expect(sheet.getState().focusRequest).toEqual({ row: 1, column: 0 });
  });
});

describe('where a search that finds nothing here would', () => {
  it('says no spans match in this project, and how many match in the others', async () => {
    const server = stubSpansServer({
      spans: SPANS,
      elsewhere: [
        { project: 'staging', total: 2 },
        { project: 'nightly', total: 1 },
      ],
    });
    const user = userEvent.setup();
    renderSpans();
    await waitForMatches('30 spans match');
    await user.type(searchBox(), '4417');
    await waitForMatches(
      'No spans match in project demo. 3 spans match in other projects: staging (2), nightly (1).',
    );
    const count = server.requests.find((request) => request.path === '/api/v1/spans/count');
    expect(count?.body).toEqual({ filter: { text: '4417' } });
  });
});

describe('the span in full', () => {
  it('tells spans of one name apart by the first line of their input', async () => {
    stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    renderSpans();
    await user.type(searchBox(), 'chat');
    await waitForMatches('10 spans match');
    const rows = within(spansTable()).getAllByRole('row').slice(1, 3);
    expect(
      rows.map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      ),
    ).toEqual([
      [
        expect.any(String),
        SPANS[1]?.span_id,
        SPANS[1]?.trace_id,
        'chat gpt-4o',
        'LLM',
        expect.any(String),
        'Where is order 4400?',
      ],
      [
        expect.any(String),
        SPANS[4]?.span_id,
        SPANS[4]?.trace_id,
        'chat gpt-4o',
        'LLM',
        expect.any(String),
        'Where is order 4401?',
      ],
    ]);
  });

  it("shows the span's input and output, cut with Show all, and its attributes", async () => {
    stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    renderSpans();
    await waitForMatches('30 spans match');
    const span = SPANS[1];
    await user.click(screen.getByRole('button', { name: `Open span ${span?.span_id}` }));
    const dialog = screen.getByRole('dialog', { name: `Span ${span?.span_id}` });
    const input = await within(dialog).findByRole('region', { name: 'Input' });
    expect(input.textContent).toContain('Where is order 4400?');
    const full = `Where is order 4400?\n${'Order details. '.repeat(100)}`;
    expect(input.querySelector('pre')?.textContent).toBe(`${full.slice(0, 600)}…`);
    await user.click(within(input).getByRole('button', { name: 'Show all of the input (1,521 characters)' }));
    expect(input.querySelector('pre')?.textContent).toBe(full);
    expect(
      within(input).getByRole('button', { name: 'Show less of the input' }).getAttribute('aria-expanded'),
    ).toBe('true');
    const output = within(dialog).getByRole('region', { name: 'Output' });
    expect(output.querySelector('pre')?.textContent).toBe(`Order of ${span?.span_id} shipped.`);
    expect(within(output).queryByRole('button')).toBeNull();
    expect(within(dialog).getByRole('heading', { name: 'Attributes (2 attributes)' })).toBeTruthy();
  });

  it('adds every span of its trace to the sheet, in the order they started, named after the trace', async () => {
    const server = stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    const { sheet, store, onOpenSheet } = renderSpans();
    await waitForMatches('30 spans match');
    await user.click(screen.getByRole('checkbox', { name: `Select span ${SPANS[9]?.span_id}` }));
    const span = SPANS[4];
    await user.click(screen.getByRole('button', { name: `Open span ${span?.span_id}` }));
    const detail = screen.getByRole('dialog', { name: `Span ${span?.span_id}` });
    await user.click(await within(detail).findByRole('button', { name: 'Add this trace to sheet' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add 3 spans to sheet' });
    expect(
      server
        .queries()
        .some((query) => query.ids_only === true && query.filter?.trace_ids?.[0] === span?.trace_id),
    ).toBe(true);
    await user.click(within(dialog).getByRole('button', { name: 'Add a new key' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Name of new key 1' }), 'reviewed');
    await user.type(within(dialog).getByRole('textbox', { name: 'Value of new key 1' }), 'true');
    await user.click(within(dialog).getByRole('button', { name: 'Add 3 spans to sheet' }));
    await waitFor(() => expect(onOpenSheet).toHaveBeenCalledTimes(1));

    expect(sheet.source).toEqual({ name: `Trace ${span?.trace_id.slice(0, 8)}…`, kind: 'spans' });
    // Oldest first (in the fake data a span with a greater index started earlier).
    expect(sheet.model.rowCells().map((row) => row[0])).toEqual(
      [SPANS[5], SPANS[4], SPANS[3]].map((one) => one?.span_id),
    );
    // The selection was not what was added: it stays.
    expect([...store.getState().selected]).toEqual([SPANS[9]?.span_id]);
  });

  it('names a sheet built from a search after the search', async () => {
    stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    const { sheet, onOpenSheet } = renderSpans();
    await user.type(searchBox(), 'lookup');
    await waitForMatches('10 spans match');
    await user.click(screen.getByRole('checkbox', { name: `Select span ${SPANS[29]?.span_id}` }));
    await user.click(screen.getByRole('button', { name: 'Add 1 span to sheet' }));
    const dialog = screen.getByRole('dialog', { name: 'Add 1 span to sheet' });
    await user.click(within(dialog).getByRole('checkbox', { name: 'Bring turn' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add 1 span to sheet' }));
    await waitFor(() => expect(onOpenSheet).toHaveBeenCalledTimes(1));
    expect(sheet.source).toEqual({ name: "Search 'lookup'", kind: 'spans' });
  });
});
