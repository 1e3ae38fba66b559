// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SubmissionDetail } from '@/core/api-schema';
import { HistoryView } from '@/ui/history';
import { failedRowsCsv, ResultsView } from '@/ui/results';
import { setConnectionSettings } from '@/ui/settings';
import { stubHistoryServer } from '../history/fake-history-server';
import { COLUMNS, makeOutcome } from './outcome-fixture';

const PAYLOAD = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>window.__ran = true</script>';

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function expectNoMarkup() {
  expect(document.querySelector('img')).toBeNull();
  expect(document.querySelector('script')).toBeNull();
  expect((window as { __ran?: boolean }).__ran).toBeUndefined();
}

describe('metadata is shown as text, never as HTML', () => {
  it('in the results table and the exported rows', () => {
    const outcome = makeOutcome([
      {
        spanId: PAYLOAD,
        message: `[type_conflict] Type conflict on '${PAYLOAD}': stored Int64, patch has Utf8`,
        rows: [{ row: 2, cells: [PAYLOAD, SCRIPT, PAYLOAD] }],
      },
      { spanId: 'span-2', message: SCRIPT, rows: [{ row: 3, cells: ['span-2', 1, 'x'] }] },
    ]);
    render(<ResultsView outcome={outcome} onFixInSheet={vi.fn()} onRetry={vi.fn()} retrying={false} />);
    const table = screen.getByRole('table', { name: 'Failed spans' });
    const [first, second] = within(table).getAllByRole('row').slice(1);
    const cells = (row: HTMLElement | undefined) =>
      row
        ? within(row)
            .getAllByRole('cell')
            .map((cell) => cell.textContent)
        : [];
    expect(cells(first).slice(0, 3)).toEqual([
      PAYLOAD,
      'type_conflict',
      `Type conflict on '${PAYLOAD}': stored Int64, patch has Utf8`,
    ]);
    expect(cells(second).slice(0, 3)).toEqual(['span-2', 'unknown', SCRIPT]);
    expectNoMarkup();

    expect(failedRowsCsv(COLUMNS, [[PAYLOAD, SCRIPT, PAYLOAD]]).split('\r\n')[1]).toBe(
      `${PAYLOAD},${SCRIPT},${PAYLOAD}`,
    );
  });

  it('in a submission of the history', async () => {
    const detail: SubmissionDetail = {
      id: 'sub-html',
      project: 'demo',
      created_at: '2025-03-02T14:30:00.000Z',
      key_name: PAYLOAD,
      spans_processed: 2,
      spans_updated: 1,
      spans_failed: 1,
      changes: [{ span_id: 'span-1', key: PAYLOAD, existed_before: true, before: SCRIPT, after: PAYLOAD }],
      errors: [{ span_id: PAYLOAD, error_message: `[patch_failure] ${SCRIPT}` }],
    };
    stubHistoryServer({ details: [detail] });
    setConnectionSettings({
      serverUrl: window.location.origin,
      apiKey: '',
      project: 'demo',
      rememberApiKey: false,
    });
    const user = userEvent.setup();
    render(<HistoryView />);
    const list = await screen.findByRole('table', { name: 'Submissions to project demo' });
    expect(within(list).getAllByRole('row')[1]?.textContent).toContain(PAYLOAD);
    await user.click(within(list).getByRole('button', { name: /^Open submission/ }));

    const changes = await screen.findByRole('table', { name: 'Changes' });
    const change = within(changes).getAllByRole('row')[1];
    expect(
      change
        ? within(change)
            .getAllByRole('cell')
            .map((cell) => cell.textContent)
        : [],
    ).toEqual(['span-1', PAYLOAD, JSON.stringify(SCRIPT), JSON.stringify(PAYLOAD)]);
    const errors = screen.getByRole('table', { name: 'Errors' });
    const error = within(errors).getAllByRole('row')[1];
    expect(
      error
        ? within(error)
            .getAllByRole('cell')
            .map((cell) => cell.textContent)
        : [],
    ).toEqual([PAYLOAD, 'patch_failure', SCRIPT]);
    expectNoMarkup();
  });
});
