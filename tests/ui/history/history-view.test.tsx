// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { HistoryView } from '@/ui/history';
import { setConnectionSettings } from '@/ui/settings';
import { formatSubmissionTime } from '@/ui/shared/format';
import { render } from '../render';
import { fakeSubmission, stubHistoryServer, stubUnreachable } from './fake-history-server';

const OLDER = fakeSubmission({
  id: 'sub-older',
  label: 'tiers.csv',
  created_at: '2025-03-01T09:00:00.000Z',
  spans_processed: 3,
  spans_updated: 3,
  changes: [
    {
      span_id: 'aaaa000000000001',
      key: 'tier',
      existed_before: true,
      before: 'free',
      after: 'pro',
      removed: false,
    },
    {
      span_id: 'aaaa000000000001',
      key: 'reviewed',
      existed_before: false,
      before: null,
      after: 'yes',
      removed: false,
    },
    {
      span_id: 'aaaa000000000002',
      key: 'tier',
      existed_before: true,
      before: 'free',
      after: 'pro',
      removed: false,
    },
    {
      span_id: 'aaaa000000000003',
      key: 'tier',
      existed_before: true,
      before: 'free',
      after: 'pro',
      removed: false,
    },
  ],
});

const NEWER = fakeSubmission({
  id: 'sub-newer',
  label: 'Edited sheet',
  created_at: '2025-03-02T14:30:00.000Z',
  finished_at: '2025-03-02T14:31:05.000Z',
  key_name: 'ci-bot',
  batches: 3,
  spans_processed: 12_000,
  spans_updated: 11_998,
  spans_unchanged: 40,
  spans_failed: 2,
  changes: [
    { span_id: 'bbbb000000000001', key: 'score', existed_before: true, before: 3, after: 5, removed: false },
    {
      span_id: 'bbbb000000000001',
      key: 'label',
      existed_before: false,
      before: null,
      after: 'good',
      removed: false,
    },
    {
      span_id: 'bbbb000000000002',
      key: 'label',
      existed_before: true,
      before: 'bad',
      after: null,
      removed: false,
    },
    {
      span_id: 'bbbb000000000002',
      key: 'note',
      existed_before: true,
      before: null,
      after: 'null',
      removed: false,
    },
  ],
  errors: [
    {
      span_id: 'cccc000000000001',
      error_message: "[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8",
    },
    { span_id: 'cccc000000000002', error_message: "[segment_not_found] No span 'cccc000000000002'" },
  ],
});

const OTHER_PROJECT = fakeSubmission({ id: 'sub-other', project: 'staging', label: 'elsewhere.csv' });

function useSettings(project: string, apiKey = '') {
  setConnectionSettings({ serverUrl: window.location.origin, apiKey, project, rememberApiKey: false });
}

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
});

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/**
 * The cells of a table's body rows, as text. NOTE: the cells are found in one query, then sorted into their rows: a
 * query per row would check again, for each cell, that none of its ancestors is hidden (slow in jsdom).
 */
function bodyRows(table: HTMLElement): string[][] {
  const rows = within(table).getAllByRole('row').slice(1);
  const cells = within(table).queryAllByRole('cell');
  return rows.map((row) => cells.filter((cell) => row.contains(cell)).map((cell) => cell.textContent ?? ''));
}

const submissionsTable = () => screen.findByRole('table', { name: 'Submissions to project demo' });

/** The list's row of a submission, found by its label. */
/**
 * A reverted submission's Revert: reachable by the keyboard (not `disabled`) but marked unavailable, with the
 * reason as its description.
 */
function expectRevertRefused(button: HTMLElement): void {
  expect((button as HTMLButtonElement).disabled).toBe(false);
  expect(button.getAttribute('aria-disabled')).toBe('true');
  const description = (button.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent)
    .join(' ');
  expect(description).toContain('Reverted already: a submission is reverted once.');
}

async function rowOf(label: string): Promise<HTMLElement> {
  const table = await submissionsTable();
  const row = within(table)
    .getAllByRole('row')
    .find((candidate) => within(candidate).queryByText(label, { selector: '.history-label' }));
  if (!row) throw new Error(`No row for ${label}`);
  return row;
}

const listStatus = () => screen.getAllByRole('status')[0]?.textContent;

/** The URLs the app fetched, without the origin. */
function requested(fetchMock: ReturnType<typeof vi.fn>): string[] {
  return fetchMock.mock.calls.map((call) => {
    const url = new URL(String(call[0]));
    return `${(call[1] as RequestInit | undefined)?.method ?? 'GET'} ${url.pathname}${url.search}`;
  });
}

/** The bodies of the revert requests the app sent, in order. */
function revertBodies(fetchMock: ReturnType<typeof vi.fn>): unknown[] {
  return fetchMock.mock.calls
    .filter((call) => (call[1] as RequestInit | undefined)?.method === 'POST')
    .map((call) => JSON.parse(String((call[1] as RequestInit).body)));
}

describe('the History tab: the list', () => {
  it("lists the project's submissions newest first: label, kind, start, key, and totals that add up", async () => {
    const fetchMock = stubHistoryServer({ submissions: [NEWER, OTHER_PROJECT, OLDER], apiKey: 'sk-1' });
    useSettings('demo', 'sk-1');
    render(<HistoryView />);
    expect(listStatus()).toBe('Loading submissions…');
    const table = await submissionsTable();
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Submission', 'Kind', 'Started', 'API key', 'Sent', 'Updated', 'Failed', 'Actions']);
    expect(bodyRows(table)).toEqual([
      [
        'Edited sheet',
        'Patch',
        formatSubmissionTime(NEWER.created_at),
        'ci-bot',
        '12,000',
        '11,998 (40 already up to date)',
        '2',
        'OpenRevert',
      ],
      ['tiers.csv', 'Patch', formatSubmissionTime(OLDER.created_at), 'none', '3', '3', '0', 'OpenRevert'],
    ]);
    expect(listStatus()).toBe('Showing all 2 submissions, newest first.');
    expect(screen.queryByRole('button', { name: 'Load more submissions' })).toBeNull();
    const newerRow = await rowOf('Edited sheet');
    const revert = within(newerRow).getByRole('button', { name: 'Revert' });
    expect(revert.getAttribute('aria-describedby')).toBe('submission-label-sub-newer');
    expect(document.getElementById('submission-label-sub-newer')?.textContent).toBe('Edited sheet');
    expect(requested(fetchMock)).toEqual(['GET /api/v1/submissions?project=demo&limit=100']);
    expect(new Headers(fetchMock.mock.calls[0]?.[1]?.headers).get('Authorization')).toBe('Bearer sk-1');
  });

  it('pages with "Load more" past the first page until the oldest, never stopping at a cap', async () => {
    const many = Array.from({ length: 230 }, (_, index) =>
      fakeSubmission({
        id: `sub-${index}`,
        label: `batch-${229 - index}.csv`,
        created_at: new Date(Date.UTC(2025, 0, 1, 0, 229 - index)).toISOString(),
      }),
    );
    const fetchMock = stubHistoryServer({ submissions: many });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    const table = await submissionsTable();
    expect(bodyRows(table)).toHaveLength(100);
    expect(listStatus()).toBe(
      'Showing the latest 100 submissions, newest first; earlier ones are on the next pages.',
    );
    const more = screen.getByRole('button', { name: 'Load more submissions' });
    // NOTE: each wait counts the rows only; the cells of 230 rows are read once (role queries are slow in jsdom,
    // and a wait runs its check again at every change of the page).
    const rowCount = () => within(table).getAllByRole('row').length - 1;
    await user.click(more);
    await waitFor(() => expect(rowCount()).toBe(200));
    expect(bodyRows(table)).toHaveLength(200);
    expect(document.activeElement).toBe(more);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(rowCount()).toBe(230));
    const rows = bodyRows(table);
    expect(rows).toHaveLength(230);
    expect(listStatus()).toBe('Showing all 230 submissions, newest first.');
    expect(screen.queryByRole('button', { name: 'Load more submissions' })).toBeNull();
    expect(rows.at(-1)?.[0]).toBe('batch-0.csv');
    expect(new Set(rows.map((row) => row[0])).size).toBe(230);
    // The focus goes to the first row the last page brought, not to the page's body.
    await waitFor(() => expect(document.activeElement?.id).toBe('submission-open-sub-200'));
    expect(requested(fetchMock)).toEqual([
      'GET /api/v1/submissions?project=demo&limit=100',
      'GET /api/v1/submissions?project=demo&limit=100&cursor=100',
      'GET /api/v1/submissions?project=demo&limit=100&cursor=200',
    ]);
  });

  it('shows revert links both ways, each opening the other submission', async () => {
    const original = fakeSubmission({ ...OLDER, reverted_by: 'rev-1' });
    const revert = fakeSubmission({
      id: 'rev-1',
      kind: 'revert',
      label: 'Revert of tiers.csv',
      reverts: 'sub-older',
      created_at: '2025-03-01T10:00:00.000Z',
      spans_processed: 3,
      spans_updated: 3,
    });
    stubHistoryServer({ submissions: [revert, original] });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    const revertRow = await rowOf('Revert of tiers.csv');
    const originalRow = await rowOf('tiers.csv');
    expect(within(revertRow).getAllByRole('cell')[1]?.textContent).toBe('Revert');
    expect(within(revertRow).getAllByRole('cell')[0]?.textContent).toBe(
      `Revert of tiers.csvReverts tiers.csv · ${formatSubmissionTime(original.created_at)}`,
    );
    expect(within(originalRow).getAllByRole('cell')[0]?.textContent).toBe(
      `tiers.csvReverted by Revert of tiers.csv · ${formatSubmissionTime(revert.created_at)}`,
    );
    const refused = within(originalRow).getByRole('button', { name: 'Revert' });
    expectRevertRefused(refused);
    // The keyboard reaches it, and it reverts nothing.
    refused.focus();
    expect(document.activeElement).toBe(refused);
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((within(revertRow).getByRole('button', { name: 'Revert' }) as HTMLButtonElement).disabled).toBe(
      false,
    );
    expect(
      within(revertRow).getByRole('button', { name: 'Revert' }).getAttribute('aria-disabled'),
    ).toBeNull();

    await user.click(within(originalRow).getByRole('link', { name: /^Revert of tiers\.csv/ }));
    const detail = await screen.findByRole('region', { name: 'Revert of tiers.csv' });
    await waitFor(() =>
      expect(document.activeElement).toBe(
        within(detail).getByRole('heading', { name: 'Revert of tiers.csv' }),
      ),
    );
    await user.click(within(detail).getByRole('link', { name: /^tiers\.csv/ }));
    const originalDetail = await screen.findByRole('region', { name: 'tiers.csv' });
    await waitFor(() =>
      expect(document.activeElement).toBe(within(originalDetail).getByRole('heading', { name: 'tiers.csv' })),
    );
    expect(screen.queryByRole('region', { name: 'Revert of tiers.csv' })).toBeNull();
  });

  it('says when the server cannot be reached, and loads again on Refresh', async () => {
    stubUnreachable();
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      `Could not load the submissions. Cannot reach the server at ${window.location.origin}. Check the address and that the server is running.`,
    );

    stubHistoryServer({ submissions: [OLDER] });
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    const table = await submissionsTable();
    expect(bodyRows(table)[0]?.[0]).toBe('tiers.csv');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says when the server needs a key or refuses it', async () => {
    stubHistoryServer({ submissions: [OLDER], apiKey: 'sk-right' });
    useSettings('demo');
    const { unmount } = render(<HistoryView />);
    expect((await screen.findByRole('alert')).textContent).toContain('needs an API key');
    unmount();

    useSettings('demo', 'sk-wrong');
    render(<HistoryView />);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'refused the API key (403): it is wrong or no longer valid.',
    );
  });

  it('says so when the project has no submissions, and asks for a project when none is chosen', async () => {
    stubHistoryServer({ submissions: [OTHER_PROJECT] });
    useSettings('demo');
    const { unmount } = render(<HistoryView />);
    await waitFor(() => expect(listStatus()).toBe('No submissions to project demo yet.'));
    unmount();

    useSettings('');
    const { container } = render(<HistoryView />);
    expect(container.textContent).toBe('Choose a project in Settings to see the submissions made to it.');
  });
});

describe('the History tab: a submission', () => {
  it('shows what it is, each change before and after (keys that did not exist, null, text), and its errors', async () => {
    stubHistoryServer({ submissions: [NEWER, OLDER] });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    const open = within(await rowOf('Edited sheet')).getByRole('button', { name: 'Open' });
    await user.click(open);
    expect(open.getAttribute('aria-expanded')).toBe('true');

    const detail = screen.getByRole('region', { name: 'Edited sheet' });
    expect(document.activeElement).toBe(within(detail).getByRole('heading', { name: 'Edited sheet' }));
    const changes = await within(detail).findByRole('table', { name: 'Changes' });
    expect(
      within(changes)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Span ID', 'Key', 'Before', 'After']);
    expect(bodyRows(changes)).toEqual([
      ['bbbb000000000001', 'score', '3', '5'],
      ['bbbb000000000001', 'label', 'did not exist', '"good"'],
      ['bbbb000000000002', 'label', '"bad"', 'null'],
      ['bbbb000000000002', 'note', 'null', '"null"'],
    ]);
    const facts = Object.fromEntries(
      [...detail.querySelectorAll('dl > div')].map((fact) => [
        fact.querySelector('dt')?.textContent,
        fact.querySelector('dd')?.textContent,
      ]),
    );
    expect(facts).toEqual({
      Kind: 'Patch',
      Started: formatSubmissionTime(NEWER.created_at),
      Ended: formatSubmissionTime(NEWER.finished_at),
      'API key': 'ci-bot',
      Totals: '12,000 sent, 11,998 updated (40 already up to date), 2 failed, in 3 batches',
      ID: 'sub-newer',
    });
    const errors = await within(detail).findByRole('table', { name: 'Errors' });
    expect(bodyRows(errors)).toEqual([
      // In words; the codes in the cells' tooltips, for support.
      ['cccc000000000001', 'Type conflict', "'score' holds whole numbers; this value is text."],
      ['cccc000000000002', 'Span not found', "No span 'cccc000000000002'"],
    ]);
    const [, type, message] = within(within(errors).getAllByRole('row')[1] ?? errors).getAllByRole('cell');
    expect(type?.title).toBe('Details for support: type_conflict');
    expect(message?.title).toBe(
      "Details for support: [type_conflict] Type conflict on 'score': stored Int64, patch has Utf8",
    );
    expect(within(detail).getByRole('region', { name: 'Changes' }).textContent).toContain(
      'Showing 4 of 4 changes.',
    );

    await user.click(within(detail).getByRole('button', { name: 'Close submission' }));
    expect(screen.queryByRole('region', { name: 'Edited sheet' })).toBeNull();
    expect(document.activeElement).toBe(open);
  });

  it('searches changes and errors on the server by span ID and key', async () => {
    const fetchMock = stubHistoryServer({ submissions: [NEWER] });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    await user.click(within(await rowOf('Edited sheet')).getByRole('button', { name: 'Open' }));
    const detail = screen.getByRole('region', { name: 'Edited sheet' });
    const changes = await within(detail).findByRole('table', { name: 'Changes' });
    // NOTE: the search waits for typing to pause, so a pause mid-word (a busy machine) searches a part of it
    // first: wait for the answers to the whole word, changes and errors apart (two requests).
    await user.type(within(detail).getByRole('searchbox', { name: 'Search by span ID or key' }), 'LABEL');
    await waitFor(() =>
      expect(within(detail).getByRole('region', { name: 'Changes' }).textContent).toContain(
        'Showing 2 of 2 changes matching “LABEL”.',
      ),
    );
    expect(bodyRows(changes).map((row) => row[1])).toEqual(['label', 'label']);
    await waitFor(() =>
      expect(within(detail).getByRole('region', { name: 'Errors' }).textContent).toContain(
        'No error matches “LABEL”.',
      ),
    );
    expect(requested(fetchMock)).toContain('GET /api/v1/submissions/sub-newer/changes?limit=200&q=LABEL');

    const search = within(detail).getByRole('searchbox', { name: 'Search by span ID or key' });
    await user.clear(search);
    await user.type(search, 'cccc000000000002');
    await waitFor(() =>
      expect(bodyRows(within(detail).getByRole('table', { name: 'Errors' }))).toEqual([
        ['cccc000000000002', 'Span not found', "No span 'cccc000000000002'"],
      ]),
    );
    await waitFor(() =>
      expect(within(detail).getByRole('region', { name: 'Changes' }).textContent).toContain(
        'No change matches “cccc000000000002”.',
      ),
    );
  });

  it('reads changes a page at a time with "Load more changes", and shows keys a revert removed', async () => {
    const big = fakeSubmission({
      id: 'sub-big',
      kind: 'revert',
      label: 'Revert of big.csv',
      changes: Array.from({ length: 450 }, (_, index) => ({
        span_id: `span-${String(index).padStart(4, '0')}`,
        key: 'score',
        existed_before: true,
        before: index,
        after: null,
        removed: true,
      })),
    });
    const fetchMock = stubHistoryServer({ submissions: [big] });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    await user.click(within(await rowOf('Revert of big.csv')).getByRole('button', { name: 'Open' }));
    const detail = screen.getByRole('region', { name: 'Revert of big.csv' });
    const changes = await within(detail).findByRole('table', { name: 'Changes' });
    expect(changes.getAttribute('aria-rowcount')).toBe('201');
    expect(bodyRows(changes)[0]).toEqual(['span-0000', 'score', '0', 'removed']);
    const region = within(detail).getByRole('region', { name: 'Changes' });
    expect(region.textContent).toContain('Showing 200 of 450 changes.');
    await user.click(within(region).getByRole('button', { name: 'Load more changes' }));
    await waitFor(() => expect(region.textContent).toContain('Showing 400 of 450 changes.'));
    await user.click(within(region).getByRole('button', { name: 'Load more changes' }));
    await waitFor(() => expect(region.textContent).toContain('Showing 450 of 450 changes.'));
    expect(changes.getAttribute('aria-rowcount')).toBe('451');
    expect(within(region).queryByRole('button', { name: 'Load more changes' })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(changes));
    expect(within(changes).getAllByRole('row').length).toBeLessThan(60);
    expect(requested(fetchMock).filter((url) => url.includes('/changes'))).toEqual([
      'GET /api/v1/submissions/sub-big/changes?limit=200',
      'GET /api/v1/submissions/sub-big/changes?limit=200&cursor=200',
      'GET /api/v1/submissions/sub-big/changes?limit=200&cursor=400',
    ]);
  });

  it('says when a submission cannot be loaded', async () => {
    const fetchMock = stubHistoryServer({ submissions: [OLDER] });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    const open = within(await rowOf('tiers.csv')).getByRole('button', { name: 'Open' });
    fetchMock.mockImplementation(async () => {
      throw new TypeError('Failed to fetch');
    });
    await user.click(open);
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.map((alert) => alert.textContent)).toContain(
      `Could not load the submission. Cannot reach the server at ${window.location.origin}. Check the address and that the server is running.`,
    );
  });
});

describe('the History tab: revert', () => {
  const conflict = {
    span_id: 'aaaa000000000002',
    error_message: "[revert_conflict] 'tier' changed after this submission (now enterprise)",
  };
  const gone = {
    span_id: 'aaaa000000000003',
    error_message: "[segment_not_found] No span 'aaaa000000000003' in project 'demo'",
  };

  it('shows the dry run first, then reverts on "Revert N spans" and shows the result and the new submission', async () => {
    const fetchMock = stubHistoryServer({
      submissions: [NEWER, fakeSubmission({ ...OLDER, spans_processed: 4, spans_updated: 4 })],
      conflicts: { 'sub-older': [conflict] },
    });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    const row = await rowOf('tiers.csv');
    const revertButton = within(row).getByRole('button', { name: 'Revert' });
    await user.click(revertButton);

    const dialog = screen.getByRole('dialog', { name: 'Revert submission' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(dialog.textContent).toContain(
      'A revert also stops this submission if it is still sending (a Submit or a command line run in progress): the batches that arrive after the revert are refused and change nothing.',
    );
    await waitFor(() =>
      expect(within(dialog).getByRole('status').textContent).toBe(
        '2 spans of 3 will go back to their values before this submission. 1 span cannot, listed below.',
      ),
    );
    expect(bodyRows(within(dialog).getByRole('table', { name: 'Spans changed since' }))).toEqual([
      ['aaaa000000000002', 'tier', 'enterprise'],
    ]);
    const confirm = within(dialog).getByRole('button', { name: 'Revert 2 spans' });
    expect(requested(fetchMock).filter((url) => url.startsWith('POST'))).toEqual([
      'POST /api/v1/submissions/sub-older/revert',
    ]);
    expect(revertBodies(fetchMock)).toEqual([{ dry_run: true }]);

    await user.click(confirm);
    await waitFor(() =>
      expect(within(dialog).getByRole('status').textContent).toBe(
        'Reverted 2 spans. 1 span failed, listed below. The revert is now the newest submission in History.',
      ),
    );
    expect(revertBodies(fetchMock)).toEqual([{ dry_run: true }, { dry_run: false }]);
    expect(bodyRows(within(dialog).getByRole('table', { name: 'Spans changed since' }))).toEqual([
      ['aaaa000000000002', 'tier', 'enterprise'],
    ]);
    const close = within(dialog).getByRole('button', { name: 'Close' });
    await waitFor(() => expect(document.activeElement).toBe(close));

    // The list shows the revert at the top, and the original as reverted by it.
    const table = await submissionsTable();
    await waitFor(() => expect(bodyRows(table)[0]?.[0]).toMatch(/^Revert of tiers\.csvReverts tiers\.csv/));
    expect(bodyRows(table)[0]?.slice(1, 2)).toEqual(['Revert']);
    const original = await rowOf('tiers.csv');
    expect(within(original).getAllByRole('cell')[0]?.textContent).toMatch(
      /^tiers\.csvReverted by Revert of tiers\.csv/,
    );
    expectRevertRefused(within(original).getByRole('button', { name: 'Revert' }));

    await user.click(close);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(within(original).getByRole('button', { name: 'Open' }));

    // The revert is a submission of its own, with its changes: the keys the original added are removed again.
    await user.click(within(await rowOf('Revert of tiers.csv')).getByRole('button', { name: 'Open' }));
    const detail = screen.getByRole('region', { name: 'Revert of tiers.csv' });
    const changes = await within(detail).findByRole('table', { name: 'Changes' });
    expect(bodyRows(changes)).toEqual([
      ['aaaa000000000001', 'tier', '"pro"', '"free"'],
      ['aaaa000000000001', 'reviewed', '"yes"', 'removed'],
      ['aaaa000000000003', 'tier', '"pro"', '"free"'],
    ]);
  });

  it('lists spans gone, and offers nothing to revert when every span fails', async () => {
    stubHistoryServer({
      submissions: [fakeSubmission({ ...OLDER, changes: OLDER.changes.slice(2) })],
      conflicts: { 'sub-older': [conflict, gone] },
    });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    await user.click(within(await rowOf('tiers.csv')).getByRole('button', { name: 'Revert' }));
    const dialog = screen.getByRole('dialog', { name: 'Revert submission' });
    await waitFor(() =>
      expect(within(dialog).getByRole('status').textContent).toBe(
        '0 spans of 2 will go back to their values before this submission. 2 spans cannot, listed below.',
      ),
    );
    expect(bodyRows(within(dialog).getByRole('table', { name: 'Spans gone' }))).toEqual([
      ['aaaa000000000003'],
    ]);
    expect(
      (within(dialog).getByRole('button', { name: 'Revert 0 spans' }) as HTMLButtonElement).disabled,
    ).toBe(true);
  });

  it('says so when the submission changed nothing', async () => {
    stubHistoryServer({ submissions: [fakeSubmission({ id: 'sub-empty', label: 'same.csv' })] });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    await user.click(within(await rowOf('same.csv')).getByRole('button', { name: 'Revert' }));
    const dialog = screen.getByRole('dialog', { name: 'Revert submission' });
    await waitFor(() =>
      expect(within(dialog).getByRole('status').textContent).toBe(
        'This submission changed no metadata: there is nothing to revert.',
      ),
    );
    expect(
      (within(dialog).getByRole('button', { name: 'Revert 0 spans' }) as HTMLButtonElement).disabled,
    ).toBe(true);
  });

  it('cancels without writing, and gives the focus back to the Revert button', async () => {
    const fetchMock = stubHistoryServer({ submissions: [OLDER] });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    await user.click(within(await rowOf('tiers.csv')).getByRole('button', { name: 'Open' }));
    const detail = screen.getByRole('region', { name: 'tiers.csv' });
    const revertButton = within(detail).getByRole('button', { name: 'Revert' });
    expect(revertButton.getAttribute('aria-describedby')).toBe('submission-detail-title');
    await user.click(revertButton);
    const dialog = screen.getByRole('dialog', { name: 'Revert submission' });
    await within(dialog).findByRole('button', { name: 'Revert 3 spans' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(revertButton);
    expect(revertBodies(fetchMock)).toEqual([{ dry_run: true }]);
  });

  it('says in plain words when the submission was reverted already', async () => {
    const fetchMock = stubHistoryServer({ submissions: [OLDER] });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    const row = await rowOf('tiers.csv');
    // Someone else reverts it after the list was loaded.
    fetchMock.mockImplementationOnce(async () =>
      Response.json(
        { error: { code: 'already_reverted', message: "The submission 'sub-older' was reverted already" } },
        { status: 422 },
      ),
    );
    await user.click(within(row).getByRole('button', { name: 'Revert' }));
    const dialog = screen.getByRole('dialog', { name: 'Revert submission' });
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      'Could not check the revert. This submission was reverted already, and a submission can be reverted only once. Refresh History to see its revert.',
    );
    expect(within(dialog).queryByRole('button', { name: /^Revert \d/ })).toBeNull();
  });

  it('says in plain words when the API key is read-only or the server cannot be reached', async () => {
    stubHistoryServer({ submissions: [OLDER], readOnly: true });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    await user.click(within(await rowOf('tiers.csv')).getByRole('button', { name: 'Revert' }));
    let dialog = screen.getByRole('dialog', { name: 'Revert submission' });
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      'Could not check the revert. The API key in Settings is read-only: it can read History but cannot revert. Enter a key that can write.',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    stubUnreachable();
    await user.click(within(await rowOf('tiers.csv')).getByRole('button', { name: 'Revert' }));
    dialog = screen.getByRole('dialog', { name: 'Revert submission' });
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      `Could not check the revert. Cannot reach the server at ${window.location.origin}. Check the address and that the server is running.`,
    );
    // Check again asks once more, and succeeds once the server is back.
    stubHistoryServer({ submissions: [OLDER] });
    await user.click(within(dialog).getByRole('button', { name: 'Check again' }));
    expect(await within(dialog).findByRole('button', { name: 'Revert 3 spans' })).toHaveProperty(
      'disabled',
      false,
    );
    expect(within(dialog).queryByRole('alert')).toBeNull();
  });
});

describe('the History tab shows metadata as text, never as HTML', () => {
  it('in the list, a submission and the revert dialog', async () => {
    const PAYLOAD = '<img src=x onerror=alert(1)>';
    const SCRIPT = '<script>window.__ran = true</script>';
    stubHistoryServer({
      submissions: [
        fakeSubmission({
          id: 'sub-html',
          label: PAYLOAD,
          key_name: SCRIPT,
          spans_processed: 2,
          spans_updated: 1,
          spans_failed: 1,
          changes: [
            {
              span_id: 'span-1',
              key: PAYLOAD,
              existed_before: true,
              before: SCRIPT,
              after: PAYLOAD,
              removed: false,
            },
          ],
          errors: [{ span_id: PAYLOAD, error_message: `[patch_failure] ${SCRIPT}` }],
        }),
      ],
      conflicts: {
        'sub-html': [
          {
            span_id: 'span-1',
            error_message: `[revert_conflict] '${PAYLOAD}' changed after this submission (now ${SCRIPT})`,
          },
        ],
      },
    });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    const row = await rowOf(PAYLOAD);
    expect(within(row).getAllByRole('cell')[3]?.textContent).toBe(SCRIPT);
    await user.click(within(row).getByRole('button', { name: 'Open' }));
    const detail = screen.getByRole('region', { name: PAYLOAD });
    expect(bodyRows(await within(detail).findByRole('table', { name: 'Changes' }))).toEqual([
      ['span-1', PAYLOAD, JSON.stringify(SCRIPT), JSON.stringify(PAYLOAD)],
    ]);
    expect(bodyRows(await within(detail).findByRole('table', { name: 'Errors' }))).toEqual([
      [PAYLOAD, 'Patch not accepted', SCRIPT],
    ]);
    await user.click(within(detail).getByRole('button', { name: 'Revert' }));
    const dialog = screen.getByRole('dialog', { name: 'Revert submission' });
    expect(bodyRows(await within(dialog).findByRole('table', { name: 'Spans changed since' }))).toEqual([
      ['span-1', PAYLOAD, SCRIPT],
    ]);
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('script')).toBeNull();
    expect((window as { __ran?: boolean }).__ran).toBeUndefined();
  });
});
