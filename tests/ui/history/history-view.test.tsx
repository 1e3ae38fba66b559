// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SubmissionDetail } from '@/core/api-schema';
import { HistoryView } from '@/ui/history';
import { formatSubmissionTime } from '@/ui/shared/format';
import { setConnectionSettings } from '@/ui/settings';
import { stubHistoryServer, stubUnreachable } from './fake-history-server';

const OLDER: SubmissionDetail = {
  id: 'sub-older',
  project: 'demo',
  created_at: '2025-03-01T09:00:00.000Z',
  key_name: null,
  spans_processed: 2,
  spans_updated: 2,
  spans_failed: 0,
  changes: [
    { span_id: 'aaaa000000000001', key: 'score', existed_before: false, before: null, after: 3 },
    { span_id: 'aaaa000000000002', key: 'score', existed_before: false, before: null, after: 4 },
  ],
  errors: [],
};

const NEWER: SubmissionDetail = {
  id: 'sub-newer',
  project: 'demo',
  created_at: '2025-03-02T14:30:00.000Z',
  key_name: 'ci-bot',
  spans_processed: 4,
  spans_updated: 2,
  spans_failed: 2,
  changes: [
    { span_id: 'bbbb000000000001', key: 'score', existed_before: true, before: 3, after: 5 },
    { span_id: 'bbbb000000000001', key: 'label', existed_before: false, before: null, after: 'good' },
    { span_id: 'bbbb000000000002', key: 'label', existed_before: true, before: 'bad', after: null },
    { span_id: 'bbbb000000000002', key: 'note', existed_before: true, before: null, after: 'null' },
  ],
  errors: [
    {
      span_id: 'cccc000000000001',
      error_message: "[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8",
    },
    { span_id: 'cccc000000000002', error_message: "[segment_not_found] No span 'cccc000000000002'" },
  ],
};

const OTHER_PROJECT: SubmissionDetail = { ...OLDER, id: 'sub-other', project: 'staging' };

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

/** The cells of a table's body rows, as text. */
function bodyRows(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent ?? ''),
    );
}

describe('the History tab', () => {
  it("lists the project's submissions newest first, with time, key name and counts", async () => {
    const fetchMock = stubHistoryServer({ details: [OLDER, OTHER_PROJECT, NEWER], apiKey: 'sk-1' });
    useSettings('demo', 'sk-1');
    render(<HistoryView />);
    expect(screen.getByRole('status').textContent).toBe('Loading submissions…');
    const table = await screen.findByRole('table', { name: 'Submissions to project demo' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Time', 'API key', 'Processed', 'Updated', 'Failed', 'Details']);
    const newer = formatSubmissionTime(NEWER.created_at);
    const older = formatSubmissionTime(OLDER.created_at);
    expect(bodyRows(table)).toEqual([
      [newer, 'ci-bot', '4', '2', '2', 'Open'],
      [older, 'none', '2', '2', '0', 'Open'],
    ]);
    expect(
      within(table)
        .getByRole('button', { name: `Open submission ${newer}` })
        .getAttribute('aria-expanded'),
    ).toBe('false');
    expect(screen.getByRole('status').textContent).toBe('The latest 2 submissions, newest first.');
    const request = fetchMock.mock.calls[0];
    expect(String(request?.[0])).toBe(`${window.location.origin}/api/v1/submissions?project=demo&limit=100`);
    expect(new Headers(request?.[1]?.headers).get('Authorization')).toBe('Bearer sk-1');
  });

  it('opens a submission: each change before and after, keys that did not exist, null, and its errors', async () => {
    stubHistoryServer({ details: [OLDER, NEWER] });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    const time = formatSubmissionTime(NEWER.created_at);
    const open = await screen.findByRole('button', { name: `Open submission ${time}` });
    await user.click(open);
    expect(open.getAttribute('aria-expanded')).toBe('true');

    const detail = screen.getByRole('region', { name: `Submission ${time}` });
    expect(document.activeElement).toBe(within(detail).getByRole('heading', { name: `Submission ${time}` }));
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
    expect(
      within(detail)
        .getAllByRole('heading', { level: 4 })
        .map((heading) => heading.textContent),
    ).toEqual(['Changes: 4 keys on 2 spans', 'Errors: 2']);
    expect(detail.textContent).toContain('ID sub-newer · API key ci-bot · 4 processed, 2 updated, 2 failed');

    const errors = within(detail).getByRole('table', { name: 'Errors' });
    expect(bodyRows(errors)).toEqual([
      ['cccc000000000001', 'type_conflict', "Type conflict on 'score': stored Int64, patch has Utf8"],
      ['cccc000000000002', 'segment_not_found', "No span 'cccc000000000002'"],
    ]);

    await user.type(within(detail).getByRole('searchbox', { name: 'Search changes' }), 'LABEL');
    await waitFor(() => expect(bodyRows(changes).map((row) => row[1])).toEqual(['label', 'label']));
    expect(detail.textContent).toContain('Showing 2 of 4 changes');

    await user.click(within(detail).getByRole('button', { name: 'Close submission' }));
    expect(screen.queryByRole('region', { name: `Submission ${time}` })).toBeNull();
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

    stubHistoryServer({ details: [OLDER] });
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    const table = await screen.findByRole('table', { name: 'Submissions to project demo' });
    expect(bodyRows(table)).toEqual([
      [formatSubmissionTime(OLDER.created_at), 'none', '2', '2', '0', 'Open'],
    ]);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says when the server needs a key or refuses it', async () => {
    stubHistoryServer({ details: [OLDER], apiKey: 'sk-right' });
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

  it('says when a submission cannot be loaded', async () => {
    const fetchMock = stubHistoryServer({ details: [OLDER] });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    const open = await screen.findByRole('button', { name: /^Open submission/ });
    fetchMock.mockImplementationOnce(async () => {
      throw new TypeError('Failed to fetch');
    });
    await user.click(open);
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /^Could not load the submission\. Cannot reach the server at/,
    );
  });

  it('says so when the project has no submissions, and asks for a project when none is chosen', async () => {
    stubHistoryServer({ details: [OTHER_PROJECT] });
    useSettings('demo');
    const { unmount } = render(<HistoryView />);
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe('No submissions to project demo yet.'),
    );
    unmount();

    useSettings('');
    const { container } = render(<HistoryView />);
    expect(container.textContent).toBe('Choose a project in Settings to see the submissions made to it.');
  });

  it('renders only the changes in view of a large submission', async () => {
    const big: SubmissionDetail = {
      ...NEWER,
      id: 'sub-big',
      changes: Array.from({ length: 50_000 }, (_, index) => ({
        span_id: `span-${index}`,
        key: 'score',
        existed_before: true,
        before: index,
        after: index + 1,
      })),
      errors: [],
    };
    stubHistoryServer({ details: [big] });
    useSettings('demo');
    const user = userEvent.setup();
    render(<HistoryView />);
    await user.click(await screen.findByRole('button', { name: /^Open submission/ }));
    const changes = await screen.findByRole('table', { name: 'Changes' });
    expect(changes.getAttribute('aria-rowcount')).toBe('50001');
    expect(within(changes).getAllByRole('row').length).toBeLessThan(60);
    expect(screen.getByRole('heading', { name: /^Errors/ }).nextElementSibling?.textContent).toBe(
      'No span failed.',
    );
    expect(screen.queryByRole('table', { name: 'Errors' })).toBeNull();
  });
});
