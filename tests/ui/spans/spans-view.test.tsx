// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpanDetail } from '@/core/api';
import { standardColumns } from '@/core/columns';
import { SheetModel, spanOrigins } from '@/core/sheet';
import { setConnectionSettings } from '@/ui/settings';
import { SheetStore } from '@/ui/sheet';
import { SpansStore, SpansView } from '@/ui/spans';
import { render } from '../render';
import { filterSpans, makeSpans, stubSpansServer, stubUnreachable } from './fake-spans-server';

const SPANS = makeSpans(450);

function useProject(project: string) {
  setConnectionSettings({ serverUrl: window.location.origin, apiKey: '', project, rememberApiKey: false });
}

function renderSpans(sheet = new SheetStore()) {
  const store = new SpansStore();
  const onOpenSheet = vi.fn();
  const view = render(<SpansView store={store} sheet={sheet} onOpenSheet={onOpenSheet} />);
  return { store, sheet, onOpenSheet, view };
}

const matching = () => screen.getByRole('status', { name: 'Matching spans' });
const selection = () => screen.getByRole('status', { name: 'Selected spans' });
const spansTable = () => screen.getByRole('table', { name: 'Spans' });

/** The text of each listed row's cells, without the checkbox column. */
function listedRows(): string[][] {
  return within(spansTable())
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .slice(1)
        .map((cell) => cell.textContent ?? ''),
    );
}

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
  useProject('demo');
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the Spans tab: finding spans', () => {
  it('lists the newest spans first with the total count, in a table named Spans', async () => {
    const server = stubSpansServer({ spans: SPANS });
    renderSpans();
    await waitForMatches('450 spans match');
    expect(
      within(spansTable())
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Selected', 'Span ID', 'Trace ID', 'Name', 'Kind', 'Start time', 'Input']);
    const first = SPANS[0];
    expect(listedRows()[0]?.slice(0, 4)).toEqual([
      first?.span_id,
      first?.trace_id,
      'support_agent.run',
      'CHAIN',
    ]);
    expect(spansTable().getAttribute('aria-rowcount')).toBe('201');
    expect(server.queries()[0]).toMatchObject({ filter: {}, limit: 200, count: true });
  });

  it('searches as the user types, cancelling the search before, by part of a name or an ID prefix', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = stubSpansServer({
      spans: SPANS,
      hold: (query) => (query.filter?.text === 'chat' ? held : undefined),
    });
    const user = userEvent.setup();
    renderSpans();
    await waitForMatches('450 spans match');
    const box = screen.getByRole('searchbox', { name: 'Search spans' });

    await user.type(box, 'chat');
    await waitFor(() => expect(server.queries().some((query) => query.filter?.text === 'chat')).toBe(true));
    expect(matching().textContent).toBe('Searching…');
    await user.clear(box);
    await user.type(box, 'LOOKUP');
    await waitForMatches('150 spans match');
    const chat = server.queries().find((query) => query.filter?.text === 'chat');
    expect(chat?.signal?.aborted).toBe(true);
    release();
    expect(new Set(listedRows().map((row) => row[2]))).toEqual(new Set(['lookup_order']));
    expect(server.queries().at(-1)?.filter).toEqual({ text: 'LOOKUP' });

    await user.clear(box);
    await user.type(box, '000000000000001');
    await waitForMatches('16 spans match');
    expect(listedRows().map((row) => row[0])).toEqual(
      Array.from({ length: 16 }, (_, index) => (0x10 + index).toString(16).padStart(16, '0')),
    );
  });

  it('filters by kind, roots only and metadata conditions, suggesting the keys of the project', async () => {
    const server = stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    renderSpans();
    await waitForMatches('450 spans match');

    // The filters are folded under one button.
    await user.click(screen.getByRole('button', { name: 'Filters' }));
    await user.click(screen.getByRole('checkbox', { name: 'LLM' }));
    await waitForMatches('150 spans match');
    await user.click(screen.getByRole('checkbox', { name: 'Root spans only' }));
    await waitForMatches('No spans match in project demo. No other project has a match.');
    await user.click(screen.getByRole('checkbox', { name: 'LLM' }));
    await waitForMatches('150 spans match');

    await user.click(screen.getByRole('button', { name: 'Add a condition' }));
    await waitForMatches('150 spans match (1 incomplete condition not applied: it needs a key and a value)');
    const key = screen.getByRole('combobox', { name: 'Key of condition 1' });
    const suggestions = document.getElementById(key.getAttribute('list') ?? '');
    expect([...(suggestions?.querySelectorAll('option') ?? [])].map((option) => option.value).sort()).toEqual(
      ['score', 'turn', 'user_id'],
    );
    await user.type(key, 'user_id');
    await user.type(screen.getByRole('textbox', { name: 'Value of condition 1' }), 'user_0003');
    const expected = filterSpans(SPANS, {
      roots_only: true,
      metadata: [{ key: 'user_id', op: 'eq', value: 'user_0003' }],
    }).length;
    expect(expected).toBe(21);
    await waitForMatches('21 spans match');
    expect(server.queries().at(-1)?.filter).toEqual({
      roots_only: true,
      metadata: [{ key: 'user_id', op: 'eq', value: 'user_0003' }],
    });

    await user.selectOptions(screen.getByRole('combobox', { name: 'Operator of condition 1' }), 'is not set');
    expect(screen.queryByRole('textbox', { name: 'Value of condition 1' })).toBeNull();
    await waitForMatches('No spans match in project demo. No other project has a match.');
    expect(server.queries().at(-1)?.filter).toEqual({
      roots_only: true,
      metadata: [{ key: 'user_id', op: 'missing' }],
    });

    await user.click(screen.getByRole('button', { name: 'Remove condition 1' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add a condition' }));
    await waitForMatches('150 spans match');
    await user.click(screen.getByRole('button', { name: 'Clear search and filters' }));
    await waitForMatches('450 spans match');
  });

  it('shows the metadata keys chosen as columns', async () => {
    stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    renderSpans();
    await waitForMatches('450 spans match');
    await user.click(screen.getByText('Metadata columns'));
    await user.click(screen.getByRole('checkbox', { name: 'Show column user_id' }));
    await user.click(screen.getByRole('checkbox', { name: 'Show column turn' }));
    expect(
      within(spansTable())
        .getAllByRole('columnheader')
        .map((header) => header.textContent)
        .slice(7),
    ).toEqual(['user_id', 'turn']);
    expect(listedRows()[0]?.slice(6)).toEqual([SPANS[0]?.metadata.user_id, String(SPANS[0]?.metadata.turn)]);
    expect(listedRows()[1]?.slice(6)).toEqual(['', '']);
  });

  it('says when the server cannot be reached, and asks for a project first', async () => {
    stubUnreachable();
    const { view } = renderSpans();
    expect((await screen.findByRole('alert')).textContent).toBe(
      `Could not search the spans. Cannot reach the server at ${window.location.origin}. Check the address and that the server is running.`,
    );
    view.unmount();
    useProject('');
    const { view: withoutProject } = renderSpans();
    expect(withoutProject.container.textContent).toBe('Choose a project in Settings to find its spans.');
  });
});

describe('the Spans tab: selecting spans', () => {
  it('keeps the selection across pages, loads the next page near the end, and selects all matching', async () => {
    const server = stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    renderSpans();
    await waitForMatches('450 spans match');
    expect(selection().textContent).toBe('0 spans selected');
    expect(screen.getByRole('button', { name: 'Add 0 spans to sheet' }).hasAttribute('disabled')).toBe(true);

    const id = SPANS[1]?.span_id ?? '';
    await user.click(screen.getByRole('checkbox', { name: `Select span ${id}` }));
    expect(selection().textContent).toBe('1 span selected');

    // Scrolling near the end of the listed spans asks for the next page.
    const table = spansTable();
    table.scrollTop = 190 * 36;
    fireEvent.scroll(table);
    await waitFor(() => expect(table.getAttribute('aria-rowcount')).toBe('401'));
    expect(server.queries().at(-1)).toMatchObject({ cursor: '200', limit: 200 });
    // The button does the same, for the keyboard.
    await user.click(screen.getByRole('button', { name: 'Load more spans' }));
    await waitFor(() => expect(table.getAttribute('aria-rowcount')).toBe('451'));
    expect(screen.queryByRole('button', { name: 'Load more spans' })).toBeNull();

    table.scrollTop = 0;
    fireEvent.scroll(table);
    const box = await screen.findByRole('checkbox', { name: `Select span ${id}` });
    expect((box as HTMLInputElement).checked).toBe(true);
    expect(selection().textContent).toBe('1 span selected');

    await user.click(screen.getByRole('button', { name: 'Select all 450 matching' }));
    await waitFor(() => expect(selection().textContent).toBe('450 spans selected'));
    expect(server.queries().at(-1)).toMatchObject({ filter: {}, ids_only: true, limit: 100_000 });
    screen.getByText('Selected 450 matching spans, 449 of them new.');
    expect(screen.getByRole('button', { name: 'Select all 450 matching' })).toHaveProperty('disabled', false);

    // A new search keeps the selection; Clear selection empties it.
    await user.type(screen.getByRole('searchbox', { name: 'Search spans' }), 'lookup');
    await waitForMatches('150 spans match');
    expect(selection().textContent).toBe('450 spans selected');
    await user.click(screen.getByRole('button', { name: 'Clear selection' }));
    expect(selection().textContent).toBe('0 spans selected');
  });
});

describe("the Spans tab: a span's detail", () => {
  const spanId = SPANS[1]?.span_id ?? '';
  const parentId = SPANS[0]?.span_id ?? '';
  const CHANGES: Record<string, SpanDetail['changes']> = {
    [spanId]: [
      {
        submission_id: 'sub-1',
        submission_label: 'Spans from project demo',
        submission_kind: 'patch',
        at: '2025-05-06T10:00:00.000Z',
        key: 'reviewed',
        existed_before: false,
        before: null,
        after: 'true',
        removed: false,
      },
      {
        submission_id: 'sub-1',
        submission_label: 'Spans from project demo',
        submission_kind: 'patch',
        at: '2025-05-06T10:00:00.000Z',
        key: 'score',
        existed_before: true,
        before: 0.5,
        after: 0.75,
        removed: false,
      },
    ],
  };

  it('shows its fields, trace, metadata and change history, opens its parent, and gives focus back on close', async () => {
    stubSpansServer({ spans: SPANS, changes: CHANGES });
    const user = userEvent.setup();
    renderSpans();
    await waitForMatches('450 spans match');
    const open = screen.getByRole('button', { name: `Open span ${spanId}` });
    await user.click(open);

    const dialog = screen.getByRole('dialog', { name: `Span ${spanId}` });
    await within(dialog).findByRole('heading', { name: 'Change history (2 changes)' });
    expect(dialog.textContent).toContain(SPANS[1]?.trace_id);
    const tables = within(dialog).getAllByRole('table');
    const cells = (table: HTMLElement) =>
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map((row) =>
          within(row)
            .getAllByRole('cell')
            .map((cell) => cell.textContent),
        );
    expect(cells(tables[0] as HTMLElement).map((row) => [row[0], row[1], row[2]])).toEqual([
      ['parent', parentId, 'support_agent.run'],
      ['this span', spanId, 'chat gpt-4o'],
      ['sibling', SPANS[2]?.span_id, 'lookup_order'],
    ]);
    expect(cells(tables[1] as HTMLElement)).toEqual([['score', '0.5']]);
    expect(cells(tables[2] as HTMLElement)).toEqual([
      ['llm.model_name', 'gpt-4o'],
      ['openinference.span.kind', 'LLM'],
    ]);
    expect(cells(tables[3] as HTMLElement).map((row) => row.slice(1))).toEqual([
      ['Spans from project demo', 'reviewed', 'did not exist', '"true"'],
      ['Spans from project demo', 'score', '0.5', '0.75'],
    ]);

    await user.click(within(dialog).getByRole('button', { name: `Open parent span ${parentId}` }));
    expect(screen.getByRole('dialog', { name: `Span ${parentId}` })).toBe(dialog);
    await within(dialog).findByText('none: a root span');
    expect(dialog.textContent).toContain('No submission has changed');
    await user.click(within(dialog).getByRole('button', { name: `Back to span ${spanId}` }));
    await within(dialog).findByRole('heading', { name: 'Change history (2 changes)' });

    // Esc cancels the dialog; focus goes back to the button that opened it.
    fireEvent(dialog, new Event('cancel', { cancelable: true }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(open);
  });
});

describe('the Spans tab: adding spans to the sheet', () => {
  it('fills an empty sheet with the selected spans, their current values and a new key, then opens it', async () => {
    const server = stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    const { sheet, onOpenSheet, store } = renderSpans();
    await waitForMatches('450 spans match');
    const [a, b] = [SPANS[0], SPANS[1]];
    await user.click(screen.getByRole('checkbox', { name: `Select span ${a?.span_id}` }));
    await user.click(screen.getByRole('checkbox', { name: `Select span ${b?.span_id}` }));
    await user.click(screen.getByRole('button', { name: 'Add 2 spans to sheet' }));

    const dialog = screen.getByRole('dialog', { name: 'Add 2 spans to sheet' });
    expect(dialog.textContent).toContain('The sheet is empty: these spans become the sheet.');
    await user.click(within(dialog).getByRole('button', { name: 'Add 2 spans to sheet' }));
    expect(within(dialog).getByRole('alert').textContent).toBe(
      'Choose a key to bring as a column, or add a new key.',
    );
    await user.click(within(dialog).getByRole('checkbox', { name: 'Bring turn' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'Bring score' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add a new key' }));
    expect(document.activeElement).toBe(within(dialog).getByRole('textbox', { name: 'Name of new key 1' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Name of new key 1' }), 'reviewed');
    await user.click(within(dialog).getByRole('button', { name: 'Add 2 spans to sheet' }));
    expect(within(dialog).getByRole('alert').textContent).toBe("New key 1 ('reviewed') has no value.");
    await user.type(within(dialog).getByRole('textbox', { name: 'Value of new key 1' }), 'true');
    await user.click(within(dialog).getByRole('button', { name: 'Add 2 spans to sheet' }));

    await waitFor(() => expect(onOpenSheet).toHaveBeenCalledTimes(1));
    expect(sheet.source).toEqual({ name: 'Spans of demo', kind: 'spans' });
    expect(sheet.model.columns.map((column) => column.name)).toEqual([
      'context.span_id',
      'name',
      'span_kind',
      'attributes.metadata.turn',
      'attributes.metadata.score',
      'attributes.metadata.reviewed',
    ]);
    expect(sheet.model.rowCells()).toEqual([
      [a?.span_id, 'support_agent.run', 'CHAIN', String(a?.metadata.turn), undefined, 'true'],
      [b?.span_id, 'chat gpt-4o', 'LLM', undefined, '0.5', 'true'],
    ]);
    expect(sheet.model.submittableSpans()).toEqual([
      { span_id: a?.span_id, patch_document: { turn: a?.metadata.turn, reviewed: 'true' } },
      { span_id: b?.span_id, patch_document: { score: 0.5, reviewed: 'true' } },
    ]);
    expect(spanOrigins(sheet.model).get(b?.span_id ?? '')).toEqual({ name: 'chat gpt-4o', kind: 'LLM' });
    const lookups = server.requests.filter((request) => request.path.endsWith('/spans/lookup'));
    expect(lookups.map((request) => request.body)).toEqual([{ span_ids: [a?.span_id, b?.span_id] }]);
    expect(store.getState().selected.size).toBe(0);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('brings the name and kind of spans selected through "Select all" that were never listed', async () => {
    const server = stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    const { sheet, onOpenSheet } = renderSpans();
    await waitForMatches('450 spans match');
    await user.click(screen.getByRole('button', { name: 'Select all 450 matching' }));
    await waitFor(() => expect(selection().textContent).toBe('450 spans selected'));
    await user.click(screen.getByRole('button', { name: 'Add 450 spans to sheet' }));
    const dialog = screen.getByRole('dialog', { name: 'Add 450 spans to sheet' });
    await user.click(within(dialog).getByRole('button', { name: 'Add a new key' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Name of new key 1' }), 'ticket');
    await user.type(within(dialog).getByRole('textbox', { name: 'Value of new key 1' }), 'T-1042');
    await user.click(within(dialog).getByRole('button', { name: 'Add 450 spans to sheet' }));
    await waitFor(() => expect(onOpenSheet).toHaveBeenCalledTimes(1));

    expect(sheet.model.rowCount).toBe(450);
    const origins = spanOrigins(sheet.model);
    expect(origins.size).toBe(450);
    expect(origins.get(SPANS[449]?.span_id ?? '')).toEqual({ name: 'lookup_order', kind: 'TOOL' });
    // Only the 250 spans the table never listed are asked for; no metadata lookup without keys to bring.
    const byIds = server.queries().filter((query) => query.filter?.span_ids !== undefined);
    expect(byIds.map((query) => query.filter?.span_ids?.length)).toEqual([250]);
    expect(server.requests.some((request) => request.path.endsWith('/spans/lookup'))).toBe(false);
  });

  it('says when the spans cannot be read, and leaves the sheet as it was', async () => {
    stubSpansServer({ spans: SPANS });
    const answer = globalThis.fetch;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/spans/lookup')) throw new TypeError('Failed to fetch');
      return answer(input, init);
    });
    const user = userEvent.setup();
    const { sheet, onOpenSheet, store } = renderSpans();
    await waitForMatches('450 spans match');
    await user.click(screen.getByRole('checkbox', { name: `Select span ${SPANS[0]?.span_id}` }));
    await user.click(screen.getByRole('button', { name: 'Add 1 span to sheet' }));
    const dialog = screen.getByRole('dialog', { name: 'Add 1 span to sheet' });
    await user.click(within(dialog).getByRole('checkbox', { name: 'Bring turn' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add 1 span to sheet' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      `Could not read the selected spans from the server. Cannot reach the server at ${window.location.origin}. Check the address and that the server is running.`,
    );
    expect(onOpenSheet).not.toHaveBeenCalled();
    expect(sheet.source.kind).toBe('new');
    expect(store.getState().selected.size).toBe(1);
  });

  it('appends to a sheet with edits as one undoable step, and asks before replacing it', async () => {
    stubSpansServer({ spans: SPANS });
    const user = userEvent.setup();
    const sheet = new SheetStore(
      SheetModel.fromRows(standardColumns('turn'), [['bbbb000000000001', '9', '']]),
      { name: 'mine.csv', kind: 'file' },
    );
    sheet.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: '8' }] }, 'Edit cell');
    const { onOpenSheet } = renderSpans(sheet);
    await waitForMatches('450 spans match');
    const span = SPANS[0];
    await user.click(screen.getByRole('checkbox', { name: `Select span ${span?.span_id}` }));
    await user.click(screen.getByRole('button', { name: 'Add 1 span to sheet' }));
    let dialog = screen.getByRole('dialog', { name: 'Add 1 span to sheet' });
    expect(
      (within(dialog).getByRole('radio', { name: 'Append to the sheet (1 row now)' }) as HTMLInputElement)
        .checked,
    ).toBe(true);
    await user.click(within(dialog).getByRole('checkbox', { name: 'Bring turn' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add 1 span to sheet' }));
    await waitFor(() => expect(onOpenSheet).toHaveBeenCalledTimes(1));
    expect(sheet.model.rowCells()).toEqual([
      ['bbbb000000000001', '8', '', undefined, undefined],
      [span?.span_id, String(span?.metadata.turn), undefined, 'support_agent.run', 'CHAIN'],
    ]);
    expect(sheet.source.name).toBe('mine.csv');
    expect(sheet.undoLabel).toBe('Add 1 span');
    sheet.undo();
    expect(sheet.model.rowCells()).toEqual([['bbbb000000000001', '8', '']]);

    await user.click(screen.getByRole('checkbox', { name: `Select span ${span?.span_id}` }));
    await user.click(screen.getByRole('button', { name: 'Add 1 span to sheet' }));
    dialog = screen.getByRole('dialog', { name: 'Add 1 span to sheet' });
    await user.click(within(dialog).getByRole('checkbox', { name: 'Bring turn' }));
    await user.click(within(dialog).getByRole('radio', { name: 'Replace the sheet' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add 1 span to sheet' }));
    const confirm = screen.getByRole('dialog', { name: 'Replace the current sheet?' });
    expect(confirm.textContent).toContain('The current sheet (1 row) has edits.');
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(sheet.model.rowCount).toBe(1);
    await user.click(within(dialog).getByRole('button', { name: 'Add 1 span to sheet' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Replace the current sheet?' })).getByRole('button', {
        name: 'Replace the sheet',
      }),
    );
    await waitFor(() => expect(onOpenSheet).toHaveBeenCalledTimes(2));
    expect(sheet.model.rowCells()).toEqual([
      [span?.span_id, 'support_agent.run', 'CHAIN', String(span?.metadata.turn)],
    ]);
    expect(sheet.source).toEqual({ name: 'Spans of demo', kind: 'spans' });
  });
});
