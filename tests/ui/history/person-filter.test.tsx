// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HistoryView } from '@/ui/history';
import { setConnectionSettings } from '@/ui/settings';
import { render } from '../render';
import { fakeSubmission, stubHistoryServer } from './fake-history-server';

const ANA = { kind: 'person', name: 'Ana Editor', email: 'ana@example.com', subject: 'ana' } as const;
const ADM = { kind: 'person', name: 'Adm Admin', email: 'adm@example.com', subject: 'adm' } as const;
const CI = { kind: 'key', name: 'ci', email: null, subject: null } as const;

const SUBMISSIONS = [
  fakeSubmission({ id: 'sub-4', label: 'fourth.csv', author: ANA, key_name: 'person:ana' }),
  fakeSubmission({ id: 'sub-3', label: 'third.csv', author: CI, key_name: 'ci' }),
  fakeSubmission({ id: 'sub-2', label: 'second.csv', author: ADM, key_name: 'person:adm' }),
  fakeSubmission({ id: 'sub-1', label: 'first.csv', author: ANA, key_name: 'person:ana' }),
];

const labels = (table: HTMLElement) =>
  Array.from(table.querySelectorAll('.history-label'), (label) => label.textContent);
const listStatus = () => screen.getAllByRole('status')[0]?.textContent;

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

describe('History: the submissions of one person', () => {
  it('offers the people who made the listed submissions, and shows one person’s from the server', async () => {
    const fetchMock = stubHistoryServer({ submissions: SUBMISSIONS });
    render(<HistoryView />);
    const table = await screen.findByRole('table', { name: 'Submissions to project demo' });
    expect(labels(table)).toEqual(['fourth.csv', 'third.csv', 'second.csv', 'first.csv']);

    const madeBy = screen.getByRole('combobox', { name: 'Made by' });
    expect(
      within(madeBy)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Everyone', 'Ana Editor <ana@example.com>', 'Adm Admin <adm@example.com>']);

    // From the keyboard: the filter is a native select.
    madeBy.focus();
    await userEvent.selectOptions(madeBy, 'ana');
    const theirs = await screen.findByRole('table', {
      name: 'Submissions to project demo made by Ana Editor <ana@example.com>',
    });
    expect(labels(theirs)).toEqual(['fourth.csv', 'first.csv']);
    expect(listStatus()).toBe(
      'Showing all 2 submissions made by Ana Editor <ana@example.com>, newest first.',
    );
    const asked = fetchMock.mock.calls.map((call) => new URL(String(call[0])).search);
    expect(asked).toContain('?project=demo&person=ana&limit=100');
    // Everyone's list still names every person to choose from.
    expect(within(madeBy).getAllByRole('option')).toHaveLength(3);

    await userEvent.selectOptions(madeBy, '');
    await waitFor(() =>
      expect(labels(screen.getByRole('table', { name: 'Submissions to project demo' }))).toEqual([
        'fourth.csv',
        'third.csv',
        'second.csv',
        'first.csv',
      ]),
    );
  });

  it('names each person once, newest first, and never a key', async () => {
    stubHistoryServer({ submissions: SUBMISSIONS.filter((submission) => submission.id !== 'sub-2') });
    render(<HistoryView />);
    await screen.findByRole('table', { name: 'Submissions to project demo' });
    expect(screen.getByRole('combobox', { name: 'Made by' })).toBeTruthy();
    expect(
      within(screen.getByRole('combobox', { name: 'Made by' }))
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Everyone', 'Ana Editor <ana@example.com>']);
  });

  it('shows no filter on a server that records no people', async () => {
    stubHistoryServer({
      submissions: [fakeSubmission({ id: 'sub-1', label: 'first.csv', key_name: 'ci' })],
    });
    render(<HistoryView />);
    await screen.findByRole('table', { name: 'Submissions to project demo' });
    expect(screen.queryByRole('combobox', { name: 'Made by' })).toBeNull();
  });
});
