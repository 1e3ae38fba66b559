// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { failedRowsCsv, ResultsView } from '@/ui/results';
import { SheetStore } from '@/ui/sheet';
import { SubmissionStore } from '@/ui/submission';
import { COLUMNS, makeOutcome } from './outcome-fixture';
import { render } from '../render';

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

// NOTE: the History tab's own test shows its list, submissions and revert dialog keep metadata as text too.
describe('metadata is shown as text, never as HTML', () => {
  it('in the results summary, the results table and the exported rows', () => {
    const base = makeOutcome([
      {
        spanId: PAYLOAD,
        message: `[type_conflict] Type conflict on '${PAYLOAD}': stored Int64, patch has Utf8`,
        rows: [{ row: 2, cells: [PAYLOAD, SCRIPT, PAYLOAD] }],
      },
      { spanId: 'span-2', message: SCRIPT, rows: [{ row: 3, cells: ['span-2', 1, 'x'] }] },
    ]);
    const outcome = { ...base, label: PAYLOAD, project: SCRIPT };
    const submission = new SubmissionStore();
    submission.restore(outcome);
    const sheet = new SheetStore(undefined, { name: SCRIPT, kind: 'file' });
    render(<ResultsView submission={submission} sheet={sheet} onFixInSheet={vi.fn()} onRetry={vi.fn()} />);
    expect(screen.getByRole('status', { name: 'Submission summary' }).textContent).toContain(
      `Results of ${PAYLOAD}, submitted`,
    );
    expect(screen.getByText(/^The sheet has been replaced since/).textContent).toContain(SCRIPT);
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
      'Type conflict',
      `'${PAYLOAD}' holds whole numbers; this value is text.`,
    ]);
    expect(cells(second).slice(0, 3)).toEqual(['span-2', 'Other', SCRIPT]);
    expectNoMarkup();

    expect(failedRowsCsv(COLUMNS, [[PAYLOAD, SCRIPT, PAYLOAD]]).split('\r\n')[1]).toBe(
      `${PAYLOAD},${SCRIPT},${PAYLOAD}`,
    );
  });
});
