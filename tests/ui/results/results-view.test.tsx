// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { ERROR_TYPES } from '@/core/api';
import { type SubmissionOutcome, summarizeOutcome } from '@/core/outcome';
import { errorTypeLabel } from '@/core/words';
import { ResultsView } from '@/ui/results';
import type { ConnectionSettings } from '@/ui/settings';
import { formatSubmissionTime } from '@/ui/shared/format';
import { emptySheet, SheetStore } from '@/ui/sheet';
import { SubmissionStore } from '@/ui/submission';
import { BLOCKED, COLUMNS, FAILED, type FixtureSpan, makeOutcome } from './outcome-fixture';
import { render } from '../render';

// jsdom lays nothing out: give the table's scroll area a size so the virtualizer renders rows.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** The sheet the outcome came from, still open. */
const submittedSheet = () => new SheetStore(emptySheet(), { name: 'review.csv', kind: 'file' });

function renderResults(outcome: SubmissionOutcome | null, sheet: SheetStore = submittedSheet()) {
  const submission = new SubmissionStore();
  if (outcome) submission.restore(outcome);
  const onFixInSheet = vi.fn();
  const onRetry = vi.fn();
  const user = userEvent.setup();
  const view = render(
    <ResultsView submission={submission} sheet={sheet} onFixInSheet={onFixInSheet} onRetry={onRetry} />,
  );
  return { user, onFixInSheet, onRetry, view, submission, sheet };
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

/** The figure after a count's name in the summary, e.g. figure('Sent'). */
function figure(name: string): number {
  const summary = screen.getByRole('status', { name: 'Submission summary' });
  const term = within(summary).getByText(name, { selector: 'dt' });
  const value = term.nextElementSibling?.firstChild?.textContent ?? '';
  return Number(value.replace(/,/g, ''));
}

/** The type filter's buttons as { type: count }, and the blocked part of each; the type is in its tooltip. */
function filterCounts(): { counts: Record<string, number>; blocked: Record<string, number> } {
  const group = screen.getByRole('group', { name: 'Filter by error type' });
  const counts: Record<string, number> = {};
  const blocked: Record<string, number> = {};
  for (const button of within(group).getAllByRole('button')) {
    const match = /^(.+) \(([\d,]+)\)(?: · ([\d,]+) blocked before sending)?$/.exec(button.textContent ?? '');
    const type = /^Details for support: (.+)$/.exec(button.title)?.[1];
    if (!match?.[1] || !type) throw new Error(`unexpected filter button ${button.textContent}`);
    expect(match[1]).toBe(errorTypeLabel(type));
    counts[type] = Number(match[2]?.replace(/,/g, ''));
    if (match[3]) blocked[type] = Number(match[3].replace(/,/g, ''));
  }
  return { counts, blocked };
}

/** A type's filter button as it reads: "Type conflict (3)" for type_conflict. */
const typeButton = (type: string, count: number) => `${errorTypeLabel(type)} (${count})`;

describe('the Results tab', () => {
  it('says what to do before there is a submission', () => {
    const { view } = renderResults(null);
    expect(view.container.textContent).toBe('Submit the sheet to see per-span results here.');
    expect(screen.queryByRole('status', { name: 'Submission summary' })).toBeNull();
  });

  it('says which file the results belong to, when and where they went, and every figure', () => {
    renderResults(makeOutcome());
    const summary = screen.getByRole('status', { name: 'Submission summary' });
    const text = summary.textContent ?? '';
    expect(text).toContain(
      `Results of review.csv, submitted ${formatSubmissionTime('2025-03-04T10:00:00.000Z')} to project demo`,
    );
    expect(figure('Sent')).toBe(40);
    expect(figure('Updated')).toBe(28);
    expect(figure('Failed')).toBe(12);
    expect(figure('Blocked in the sheet')).toBe(0);
    expect(figure('Not sent (cancelled)')).toBe(0);
    expect(text).toContain('Updated28 of which 0 already up to date');
    expect(text).toContain('Failed12 of which 2 never delivered');
    // What the server recorded, which History shows: the two never delivered are not in it.
    expect(text).toContain(
      'The server received 38 spans of this submission (28 updated, 10 failed): the totals History shows for it; the other 2 spans never reached it.',
    );
    const times = summary.querySelectorAll('time');
    expect([...times].map((time) => time.getAttribute('datetime'))).toEqual([
      '2025-03-04T10:00:00.000Z',
      '2025-03-04T10:00:05.000Z',
    ]);
  });

  it('counts the spans a cancelled submission did not send', () => {
    renderResults(makeOutcome(FAILED, { not_sent: ['a', 'b', 'c'] }, true));
    const text = screen.getByRole('status', { name: 'Submission summary' }).textContent ?? '';
    expect(figure('Not sent (cancelled)')).toBe(3);
    expect(text).toContain('Cancelled: 3 spans were not sent.');
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
    ).toEqual([
      'Not valid JSON (1)',
      'Patch not accepted (1)',
      'Type conflict (3)',
      'Span not found (2)',
      'Not delivered (2)',
      'Rejected by the store (1)',
      'Other (1)',
      'rate_limited (1)',
    ]);
    expect(filterCounts().counts).toEqual(expected);
    for (const type of ERROR_TYPES) {
      const button = within(group).getByRole('button', { name: typeButton(type, expected[type] ?? 0) });
      expect(button.getAttribute('aria-pressed')).toBe('false');
      expect(button.title).toBe(`Details for support: ${type}`);
    }
  });

  it('lists the known types with zero counts when nothing of theirs failed', () => {
    renderResults(makeOutcome(FAILED.slice(0, 1)));
    const group = screen.getByRole('group', { name: 'Filter by error type' });
    expect(within(group).getByRole('button', { name: 'Rejected by the store (0)' }).className).toContain(
      'error-type-chip-empty',
    );
    expect(within(group).getByRole('button', { name: 'Type conflict (1)' }).className).not.toContain(
      'error-type-chip-empty',
    );
    expect(within(group).queryByRole('button', { name: /^Other/ })).toBeNull();
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
    ).toEqual(['tc-0001', 'Type conflict', "'score' holds whole numbers; this value is text.", '2']);
    // The codes stay within reach for support, in each cell's tooltip.
    const [, type, message] = within(first).getAllByRole('cell');
    expect(type?.title).toBe('Type conflict. Details for support: type_conflict');
    expect(message?.title).toBe(
      "Details for support: [type_conflict] Type conflict on 'score': stored Int64, patch has Utf8",
    );
    expect(tableSpanIds()).toEqual(FAILED.map((span) => span.spanId));
    expect(countLine()).toBe('Showing 12 of 12 failed spans');
  });

  it('counts blocked spans beside the failed ones: summary, filters and table agree', () => {
    const outcome = makeOutcome(FAILED, {}, false, BLOCKED);
    renderResults(outcome);
    expect(figure('Blocked in the sheet')).toBe(3);
    expect(figure('Failed')).toBe(12);

    const { counts, blocked } = filterCounts();
    expect(counts.parse_failure).toBe(3);
    expect(blocked).toEqual({ parse_failure: 2, patch_failure: 1 });
    expect(
      screen
        .getByRole('button', { name: 'Not valid JSON (3) · 2 blocked before sending' })
        .getAttribute('aria-pressed'),
    ).toBe('false');

    // Every figure agrees: the filters add up to the failed and blocked spans, which the table lists.
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    expect(total).toBe(figure('Failed') + figure('Blocked in the sheet'));
    expect(Object.values(blocked).reduce((sum, count) => sum + count, 0)).toBe(
      figure('Blocked in the sheet'),
    );
    expect(tableSpanIds()).toHaveLength(total);
    expect(countLine()).toBe('Showing 15 of 15 spans (12 failed, 3 blocked before sending)');
    expect(figure('Sent')).toBe(figure('Updated') + figure('Failed'));
    expect(summarizeOutcome(outcome).listed).toBe(total);

    const table = screen.getByRole('table', { name: 'Failed spans' });
    const last = within(table).getAllByRole('row').at(-1);
    expect(
      last
        ? within(last)
            .getAllByRole('cell')
            .map((cell) => cell.textContent)
        : [],
    ).toEqual([
      'bl-0003',
      'Patch not accepted\u00a0· blocked',
      'Blocked before sending: Row 16, column attributes.metadata.score: "high" is not a number.',
      '16',
    ]);
  });

  it('filters blocked spans by their type, and Fix in sheet brings them back', async () => {
    const { user, onFixInSheet } = renderResults(makeOutcome(FAILED, {}, false, BLOCKED));
    await user.click(screen.getByRole('button', { name: /^Not valid JSON \(3\)/ }));
    expect(tableSpanIds()).toEqual(['pf-0001', 'bl-0001', 'bl-0002']);
    await user.click(screen.getByRole('button', { name: 'Fix in sheet' }));
    const dialog = screen.getByRole('dialog', {
      name: 'Replace the current sheet with the 3 rows to fix from review.csv?',
    });
    await user.click(within(dialog).getByRole('button', { name: 'Replace the sheet' }));
    expect(onFixInSheet).toHaveBeenCalledWith(
      COLUMNS,
      [
        ['pf-0001', undefined, '{bad'],
        ['bl-0001', 1, '{"a":'],
        ['bl-0002', 2, '{"b":'],
      ],
      'Failed rows of review.csv',
    );
  });

  it('narrows the table by several types at once and by a search on span ID or message', async () => {
    const { user } = renderResults(makeOutcome());
    const typeConflict = screen.getByRole('button', { name: 'Type conflict (3)' });
    await user.click(typeConflict);
    expect(typeConflict.getAttribute('aria-pressed')).toBe('true');
    expect(tableSpanIds()).toEqual(['tc-0001', 'tc-0002', 'tc-0003']);
    expect(countLine()).toMatch(/^Showing 3 of 12 failed spans/);

    await user.click(screen.getByRole('button', { name: 'Span not found (2)' }));
    expect(tableSpanIds()).toEqual(['tc-0001', 'tc-0002', 'tc-0003', 'nf-0001', 'nf-0002']);

    // The search finds a message as the server sent it, and as it is shown.
    const search = screen.getByRole('searchbox', { name: 'Search failed spans' });
    await user.type(search, "ON 'SCORE'");
    await waitFor(() => expect(tableSpanIds()).toEqual(['tc-0001', 'tc-0002']));
    expect(countLine()).toMatch(/^Showing 2 of 12 failed spans/);
    await user.clear(search);
    await user.type(search, 'HOLDS TEXT');
    await waitFor(() => expect(tableSpanIds()).toEqual(['tc-0003']));

    await user.clear(search);
    await user.type(search, 'NF-0002');
    await waitFor(() => expect(tableSpanIds()).toEqual(['nf-0002']));

    await user.click(typeConflict);
    await user.click(screen.getByRole('button', { name: 'Span not found (2)' }));
    await user.clear(search);
    await user.type(search, 'no such thing');
    await waitFor(() => expect(screen.queryByRole('table', { name: 'Failed spans' })).toBeNull());
    expect(countLine()).toBe('Showing 0 of 12 failed spans');
    expect(screen.getByText('No failed span matches the filters.').className).toBe('empty-state');
    expect(screen.getByRole('button', { name: 'Export failed rows' })).toHaveProperty('disabled', true);

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(tableSpanIds()).toHaveLength(12));
  });

  it('exports the rows matching the filters, blocked ones too, as CSV in the sheet columns', async () => {
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
    const { user } = renderResults(makeOutcome(FAILED, {}, false, BLOCKED));
    await user.click(screen.getByRole('button', { name: 'Type conflict (3)' }));
    await user.click(screen.getByRole('button', { name: /^Patch not accepted/ }));
    await user.click(screen.getByRole('button', { name: 'Export failed rows' }));

    // Named after the sheet the rows were submitted from.
    expect(downloads).toEqual(['review-failed-rows.csv blob:failed-rows']);
    const [blob] = blobs;
    if (!blob) throw new Error('nothing was downloaded');
    expect(blob.type).toBe('text/csv;charset=utf-8');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toBe(
      [
        'context.span_id,attributes.metadata.score,attributes.metadata.note',
        "tc-0001,high,'=SUM(A1)",
        'pa-0001,1,',
        'tc-0002,low,"He said ""hi"", then left"',
        'tc-0003,7,12',
        'bl-0003,high,n',
      ].join('\r\n'),
    );
    expect(document.querySelector('a[download]')).toBeNull();
  });

  it('asks before replacing the current sheet, naming it, then hands over all the saved rows', async () => {
    const { user, onFixInSheet } = renderResults(makeOutcome());
    await user.click(screen.getByRole('button', { name: 'Fix in sheet' }));
    let dialog = screen.getByRole('dialog', {
      name: 'Replace the current sheet with the 12 rows to fix from review.csv?',
    });
    expect(dialog.textContent).toContain('All failed and blocked spans are kept: 12 spans, 12 rows to fix.');
    expect(dialog.textContent).toContain('The current sheet (“review.csv”) is replaced');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onFixInSheet).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Fix in sheet' }));
    dialog = screen.getByRole('dialog', {
      name: 'Replace the current sheet with the 12 rows to fix from review.csv?',
    });
    await user.click(within(dialog).getByRole('button', { name: 'Replace the sheet' }));
    expect(onFixInSheet).toHaveBeenCalledTimes(1);
    const [columns, rows, name] = onFixInSheet.mock.calls[0] as [unknown, unknown[][], string];
    expect(columns).toBe(COLUMNS);
    expect(name).toBe('Failed rows of review.csv');
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

  it('after the sheet was replaced, says so and works from the rows saved with the results', async () => {
    const newSheet = new SheetStore(emptySheet(), { name: 'New sheet', kind: 'new' });
    const { user, onFixInSheet } = renderResults(makeOutcome(FAILED.slice(0, 2)), newSheet);
    expect(screen.getByRole('status', { name: 'Submission summary' }).textContent).toContain(
      'Results of review.csv',
    );
    expect(screen.getByText(/^The sheet has been replaced since/).textContent).toBe(
      'The sheet has been replaced since (it is now “New sheet”): Export and Fix in sheet use the rows saved with these results, as review.csv had them when it was submitted.',
    );
    await user.click(screen.getByRole('button', { name: 'Fix in sheet' }));
    const dialog = screen.getByRole('dialog', {
      name: 'Replace the current sheet with the 2 rows to fix from review.csv?',
    });
    expect(dialog.textContent).toContain('The current sheet (“New sheet”) is replaced');
    await user.click(within(dialog).getByRole('button', { name: 'Replace the sheet' }));
    expect(onFixInSheet).toHaveBeenCalledWith(
      COLUMNS,
      [
        ['tc-0001', 'high', '=SUM(A1)'],
        ['tc-0002', 'low', 'He said "hi", then left'],
      ],
      'Failed rows of review.csv',
    );
    // The new sheet itself was never read or touched.
    expect(newSheet.model.rowCount).toBe(5);
  });

  it('with a filter active, fixes only the matching rows and says so', async () => {
    const { user, onFixInSheet } = renderResults(makeOutcome());
    await user.click(screen.getByRole('button', { name: 'Span not found (2)' }));
    await user.click(screen.getByRole('button', { name: 'Fix in sheet' }));
    const dialog = screen.getByRole('dialog', {
      name: 'Replace the current sheet with the 2 rows to fix from review.csv?',
    });
    expect(dialog.textContent).toContain(
      'Only the spans that match the current filters (error type Span not found) are kept: 2 spans, 2 rows to fix.',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Replace the sheet' }));
    expect(onFixInSheet).toHaveBeenCalledWith(
      COLUMNS,
      [
        ['nf-0001', 2, 'gone'],
        ['nf-0002', -3, '+cmd'],
      ],
      'Failed rows of review.csv',
    );
  });

  it('offers Retry for what was never delivered or not sent', async () => {
    const { user, onRetry, view } = renderResults(makeOutcome(FAILED, { not_sent: ['ns-1'] }, true));
    expect(screen.getByText(/never delivered \(the connection failed\)/).textContent).toBe(
      '2 spans were never delivered (the connection failed), and 1 span was not sent (cancelled). Retry sends them in the same submission; the server applies each batch at most once.',
    );
    await user.click(screen.getByRole('button', { name: 'Retry 3 spans' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
    view.unmount();

    renderResults(makeOutcome(FAILED.filter((span) => !span.spanId.startsWith('cf-'))));
    expect(screen.queryByRole('button', { name: /^Retry/ })).toBeNull();
  });

  it('shows spans refused after a revert as refused with the server message, not as never delivered', () => {
    const message =
      "The submission 'sub-1' was reverted (by 'rev-1') while it was still sending, so this batch was refused and nothing of it was applied. Submit again to apply these spans as a new submission.";
    const refused: FixtureSpan[] = ['rf-0001', 'rf-0002', 'rf-0003'].map((spanId, index) => ({
      spanId,
      message: `[submission_reverted] ${message}`,
      rows: [{ row: 20 + index, cells: [spanId, index, 'late'] }],
    }));
    renderResults(makeOutcome(refused));
    const summary = screen.getByRole('status', { name: 'Submission summary' }).textContent ?? '';
    expect(summary).toContain('Failed3 of which 0 never delivered, 3 refused (submission reverted)');
    expect(summary).toContain(
      'The server received 28 spans of this submission (28 updated, 0 failed): the totals History shows for it; 3 spans were refused because the submission was reverted while still sending.',
    );
    expect(screen.getByRole('alert').textContent).toBe(
      `The server refused 3 spans and applied nothing of them: ${message}`,
    );
    expect(screen.queryByText(/never delivered \(the connection failed\)/)).toBeNull();
    expect(screen.queryByRole('button', { name: /^Retry/ })).toBeNull();
    expect(filterCounts().counts).toMatchObject({ submission_reverted: 3, connection_failure: 0 });
  });

  it('shows a running Retry with its progress bar and Cancel, then says plainly that it failed again', async () => {
    const { submission, onRetry } = renderResults(makeOutcome());
    const requests: string[] = [];
    // A server that never answers: the Retry waits until it is cancelled.
    const silentFetch = (_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        requests.push(String(init?.body));
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const settings: ConnectionSettings = {
      serverUrl: 'http://127.0.0.1:9',
      apiKey: '',
      project: 'elsewhere',
      rememberApiKey: false,
    };
    let retry: Promise<void> = Promise.resolve();
    act(() => {
      retry = submission.retry(settings, { fetch: silentFetch });
    });
    const progress = await screen.findByRole('progressbar', { name: 'Retry progress' });
    expect(progress.getAttribute('max')).toBe('2');
    expect(screen.getByText(/^Retrying to demo:/).textContent).toMatch(
      /^Retrying to demo: 0 of 2 spans delivered · \d+ spans\/s$/,
    );
    expect(screen.queryByRole('button', { name: /^Retry \d/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Fix in sheet' })).toHaveProperty('disabled', true);
    // The batch goes again exactly as it was, in the same submission and with its label.
    expect(requests.map((body) => JSON.parse(body) as unknown)).toEqual([
      {
        spans: [
          { span_id: 'cf-0001', patch_document: { reviewed: 'yes', span: 'cf-0001' } },
          { span_id: 'cf-0002', patch_document: { reviewed: 'yes', span: 'cf-0002' } },
        ],
        submission: { id: 'sub-1', label: 'review.csv' },
      },
    ]);

    await userEvent.setup().click(screen.getByRole('button', { name: 'Cancel retry' }));
    await act(() => retry);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe(
      'Retry failed again: 2 spans could not be delivered — the Retry was cancelled while they were on their way, so whether the server applied them is unknown.',
    );
    // The figures are those of the same spans, not counted twice.
    expect(figure('Sent')).toBe(40);
    expect(figure('Failed')).toBe(12);
    expect(screen.getByRole('button', { name: 'Retry 2 spans' })).toHaveProperty('disabled', false);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('says plainly when a Retry failed again because the server is still unreachable', () => {
    const outcome = makeOutcome();
    renderResults({
      ...outcome,
      lastRetry: {
        finishedAt: '2025-03-04T10:05:00.000Z',
        sent: 2,
        undelivered: 2,
        notSent: 0,
        failure: 'Could not reach the server: Failed to fetch (after 4 attempts)',
      },
    });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe(
      'Retry failed again: 2 spans could not be delivered — the server is still unreachable.',
    );
    expect(alert.getAttribute('title')).toBe(
      'Details for support: Could not reach the server: Failed to fetch (after 4 attempts)',
    );
  });

  it('says so when nothing failed', () => {
    renderResults(makeOutcome([], { spans_processed: 5, spans_updated: 5 }));
    expect(screen.getByText('No span failed or was blocked.').className).toBe('empty-state');
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Fix in sheet' })).toBeNull();
  });

  it('says why the saved results of the last submission could not be restored', () => {
    const { submission } = renderResults(null);
    act(() => submission.setSavedProblem('The results of the last submission could not be restored.'));
    expect(screen.getByRole('alert').textContent).toBe(
      'The results of the last submission could not be restored.',
    );
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
    expect(screen.getByRole('button', { name: 'Span not found (20,000)' }).getAttribute('aria-pressed')).toBe(
      'false',
    );
    expect(countLine()).toBe('Showing 20,000 of 20,000 failed spans');
  });
});
