// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { ERROR_TYPES } from '@/core/error-types';
import { ResultsView } from '@/ui/results';
import { formatSubmissionTime } from '@/ui/shared/format';
import type { SubmissionOutcome } from '@/ui/submission';
import { COLUMNS, FAILED, type FixtureSpan, makeOutcome } from './outcome-fixture';

// jsdom lays nothing out: give the table's scroll area a size so the virtualizer renders rows.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderResults(outcome: SubmissionOutcome | null, retrying = false) {
  const onFixInSheet = vi.fn();
  const onRetry = vi.fn();
  const user = userEvent.setup();
  const view = render(
    <ResultsView outcome={outcome} onFixInSheet={onFixInSheet} onRetry={onRetry} retrying={retrying} />,
  );
  return { user, onFixInSheet, onRetry, view };
}

/** The span IDs of the table's body rows. */
function tableSpanIds(): string[] {
  const table = screen.getByRole('table', { name: 'Failed spans' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[0]?.textContent ?? '');
}

function countLine(): string {
  return screen.getByText(/^Showing /).textContent ?? '';
}

describe('the Results tab', () => {
  it('says what to do before there is a submission', () => {
    const { view } = renderResults(null);
    expect(view.container.textContent).toBe('Submit the sheet to see per-span results here.');
    expect(screen.queryByRole('status', { name: 'Submission summary' })).toBeNull();
  });

  it('sums up the submission exactly as the server answered, with project and time', () => {
    renderResults(makeOutcome(FAILED, { spans_processed: 1234, spans_updated: 1200, spans_failed: 34 }));
    const summary = screen.getByRole('status', { name: 'Submission summary' });
    const text = summary.textContent ?? '';
    expect(text).toContain('Processed1,234');
    expect(text).toContain('Updated1,200');
    expect(text).toContain('Failed34');
    expect(text).not.toContain('Not sent');
    expect(text).toContain('Project demo, finished');
    const time = summary.querySelector('time');
    expect(time?.getAttribute('datetime')).toBe('2025-03-04T10:00:05.000Z');
    // The same format as the History's submission times.
    expect(time?.textContent).toBe(formatSubmissionTime('2025-03-04T10:00:05.000Z'));
    expect(time?.textContent).toContain('2025');
  });

  it('counts the spans a cancelled submission did not send', () => {
    renderResults(makeOutcome(FAILED, { not_sent: ['a', 'b', 'c'] }, true));
    const text = screen.getByRole('status', { name: 'Submission summary' }).textContent ?? '';
    expect(text).toContain('Not sent (cancelled)3');
    expect(text).toContain('Cancelled: 3 spans were not sent');
  });

  it('has a filter button for every known type and each other type present, with counts', () => {
    renderResults(makeOutcome());
    const group = screen.getByRole('group', { name: 'Filter by error type' });
    const expected: Record<string, number> = {
      parse_failure: 1,
      patch_failure: 1,
      type_conflict: 3,
      segment_not_found: 2,
      connection_failure: 2,
      druid_rejection: 1,
      unknown: 1,
      rate_limited: 1,
    };
    expect(
      within(group)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(Object.entries(expected).map(([type, count]) => `${type} (${count})`));
    for (const type of ERROR_TYPES) {
      const button = within(group).getByRole('button', { name: `${type} (${expected[type]})` });
      expect(button.getAttribute('aria-pressed')).toBe('false');
    }
  });

  it('lists the known types with zero counts when nothing of theirs failed', () => {
    renderResults(makeOutcome(FAILED.slice(0, 1)));
    const group = screen.getByRole('group', { name: 'Filter by error type' });
    expect(within(group).getByRole('button', { name: 'druid_rejection (0)' }).className).toContain(
      'error-type-chip-empty',
    );
    expect(within(group).getByRole('button', { name: 'type_conflict (1)' }).className).not.toContain(
      'error-type-chip-empty',
    );
    expect(within(group).queryByRole('button', { name: /unknown/ })).toBeNull();
  });

  it('lists every failed span with its type, message and source rows', () => {
    renderResults(makeOutcome());
    const table = screen.getByRole('table', { name: 'Failed spans' });
    expect(table.getAttribute('aria-rowcount')).toBe('13');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Span ID', 'Error type', 'Message', 'Source row(s)']);
    const first = within(table).getAllByRole('row')[1];
    if (!first) throw new Error('no first row');
    expect(
      within(first)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['tc-0001', 'type_conflict', "Type conflict on 'score': stored Int64, patch has Utf8", '2']);
    expect(tableSpanIds()).toEqual(FAILED.map((span) => span.spanId));
    expect(countLine()).toBe('Showing 12 of 12 failed spans');
  });

  it('narrows the table by several types at once and by a search on span ID or message', async () => {
    const { user } = renderResults(makeOutcome());
    const typeConflict = screen.getByRole('button', { name: 'type_conflict (3)' });
    await user.click(typeConflict);
    expect(typeConflict.getAttribute('aria-pressed')).toBe('true');
    expect(tableSpanIds()).toEqual(['tc-0001', 'tc-0002', 'tc-0003']);
    expect(countLine()).toMatch(/^Showing 3 of 12 failed spans/);

    await user.click(screen.getByRole('button', { name: 'segment_not_found (2)' }));
    expect(tableSpanIds()).toEqual(['tc-0001', 'tc-0002', 'tc-0003', 'nf-0001', 'nf-0002']);

    const search = screen.getByRole('searchbox', { name: 'Search failed spans' });
    await user.type(search, "ON 'SCORE'");
    await waitFor(() => expect(tableSpanIds()).toEqual(['tc-0001', 'tc-0002']));
    expect(countLine()).toMatch(/^Showing 2 of 12 failed spans/);

    await user.clear(search);
    await user.type(search, 'NF-0002');
    await waitFor(() => expect(tableSpanIds()).toEqual(['nf-0002']));

    await user.click(typeConflict);
    await user.click(screen.getByRole('button', { name: 'segment_not_found (2)' }));
    await user.clear(search);
    await user.type(search, 'no such thing');
    await waitFor(() => expect(screen.queryByRole('table', { name: 'Failed spans' })).toBeNull());
    expect(countLine()).toBe('Showing 0 of 12 failed spans');
    expect(screen.getByText('No failed span matches the filters.').className).toBe('empty-state');
    expect(screen.getByRole('button', { name: 'Export failed rows' })).toHaveProperty('disabled', true);

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(tableSpanIds()).toHaveLength(12));
  });

  it('exports the rows matching the filters as CSV in the sheet columns, formulas escaped', async () => {
    const blobs: Blob[] = [];
    const downloads: string[] = [];
    const { createObjectURL, revokeObjectURL } = URL;
    URL.createObjectURL = (blob: Blob) => {
      blobs.push(blob);
      return 'blob:failed-rows';
    };
    URL.revokeObjectURL = () => undefined;
    onTestFinished(() => {
      URL.createObjectURL = createObjectURL;
      URL.revokeObjectURL = revokeObjectURL;
    });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push(`${this.download} ${this.getAttribute('href') ?? ''}`);
    });
    const { user } = renderResults(makeOutcome());
    await user.click(screen.getByRole('button', { name: 'type_conflict (3)' }));
    await user.click(screen.getByRole('button', { name: 'Export failed rows' }));

    expect(downloads).toEqual(['failed-rows.csv blob:failed-rows']);
    const [blob] = blobs;
    if (!blob) throw new Error('nothing was downloaded');
    expect(blob.type).toBe('text/csv;charset=utf-8');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toBe(
      [
        'context.span_id,attributes.metadata.score,attributes.metadata.note',
        "tc-0001,high,'=SUM(A1)",
        'tc-0002,low,"He said ""hi"", then left"',
        'tc-0003,7,12',
      ].join('\r\n'),
    );
    expect(document.querySelector('a[download]')).toBeNull();
  });

  it('asks before replacing the sheet with the failed rows, then hands over all of them', async () => {
    const { user, onFixInSheet } = renderResults(makeOutcome());
    await user.click(screen.getByRole('button', { name: 'Fix in sheet' }));
    let dialog = screen.getByRole('dialog', { name: 'Replace the sheet with the 12 failed rows?' });
    expect(dialog.textContent).toContain('All failed spans are kept: 12 spans, 12 failed rows.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onFixInSheet).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Fix in sheet' }));
    dialog = screen.getByRole('dialog', { name: 'Replace the sheet with the 12 failed rows?' });
    await user.click(within(dialog).getByRole('button', { name: 'Replace the sheet' }));
    expect(onFixInSheet).toHaveBeenCalledTimes(1);
    const [columns, rows] = onFixInSheet.mock.calls[0] as [unknown, unknown[][]];
    expect(columns).toBe(COLUMNS);
    // In sheet order: rows 2, 3, 4, … 13.
    expect(rows.map((row) => row[0])).toEqual([
      'tc-0001',
      'pf-0001',
      'pa-0001',
      'tc-0002',
      'nf-0001',
      'nf-0002',
      'cf-0001',
      'tc-0003',
      'cf-0002',
      'dr-0001',
      'un-0001',
      'rl-0001',
    ]);
    expect(rows[0]).toEqual(['tc-0001', 'high', '=SUM(A1)']);
  });

  it('with a filter active, fixes only the matching rows and says so', async () => {
    const { user, onFixInSheet } = renderResults(makeOutcome());
    await user.click(screen.getByRole('button', { name: 'segment_not_found (2)' }));
    await user.click(screen.getByRole('button', { name: 'Fix in sheet' }));
    const dialog = screen.getByRole('dialog', { name: 'Replace the sheet with the 2 failed rows?' });
    expect(dialog.textContent).toContain(
      'Only the failed spans that match the current filters (error type segment_not_found) are kept: 2 spans, 2 failed rows.',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Replace the sheet' }));
    expect(onFixInSheet).toHaveBeenCalledWith(COLUMNS, [
      ['nf-0001', 2, 'gone'],
      ['nf-0002', -3, '+cmd'],
    ]);
  });

  it('offers Retry only for connection failures, and not twice at once', async () => {
    const { user, onRetry, view } = renderResults(makeOutcome());
    const retry = screen.getByRole('button', { name: 'Retry 2 spans' });
    await user.click(retry);
    expect(onRetry).toHaveBeenCalledTimes(1);

    view.rerender(
      <ResultsView outcome={makeOutcome()} onFixInSheet={vi.fn()} onRetry={onRetry} retrying={true} />,
    );
    expect(screen.getByRole('button', { name: 'Retry 2 spans' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('button', { name: 'Retry 2 spans' }).getAttribute('aria-busy')).toBe('true');
    expect(screen.getAllByRole('status').map((status) => status.textContent)).toContain('Retrying…');

    const withoutConnectionFailures = FAILED.filter((span) => !span.spanId.startsWith('cf-'));
    view.rerender(
      <ResultsView
        outcome={makeOutcome(withoutConnectionFailures)}
        onFixInSheet={vi.fn()}
        onRetry={onRetry}
        retrying={false}
      />,
    );
    expect(screen.queryByRole('button', { name: /^Retry/ })).toBeNull();
  });

  it('says so when nothing failed', () => {
    renderResults(makeOutcome([], { spans_processed: 5, spans_updated: 5 }));
    expect(screen.getByText('No span failed.').className).toBe('empty-state');
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Fix in sheet' })).toBeNull();
  });

  it('renders only the rows in view of a long list', () => {
    const many: FixtureSpan[] = Array.from({ length: 20_000 }, (_, index) => ({
      spanId: `span-${String(index).padStart(5, '0')}`,
      message: `[segment_not_found] No span ${index}`,
      rows: [{ row: index + 2, cells: [`span-${index}`, index, 'x'] }],
    }));
    renderResults(makeOutcome(many));
    const table = screen.getByRole('table', { name: 'Failed spans' });
    expect(table.getAttribute('aria-rowcount')).toBe('20001');
    const rendered = within(table).getAllByRole('row').length - 1;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    expect(
      screen.getByRole('button', { name: 'segment_not_found (20,000)' }).getAttribute('aria-pressed'),
    ).toBe('false');
    expect(countLine()).toBe('Showing 20,000 of 20,000 failed spans');
  });
});
