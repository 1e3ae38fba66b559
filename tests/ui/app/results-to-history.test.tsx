// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '@/ui/app/app';
import { getConnectionSettings } from '@/ui/settings';
import { formatSubmissionTime } from '@/ui/shared/format';
import { SheetStore } from '@/ui/sheet';
import { SpansStore } from '@/ui/spans';
import { SubmissionStore } from '@/ui/submission';
import {
  ingestSpans,
  postJson,
  spanId,
  startTestServer,
  submissionRecord,
  type TestServer,
} from '../../server/test-server';
import { connectTo, giveLayout } from '../page-setup';
import { render } from '../render';
import { makeOutcome } from '../results/outcome-fixture';

/** Results and History of one submission, the app against a real server. */

let server: TestServer;
let createdAt = '';

beforeAll(async () => {
  giveLayout({ height: 800, width: 1200 });
  server = await startTestServer();
  await ingestSpans(server, 'shop', [{ spanId: spanId(1) }]);
  await ingestSpans(server, 'other', [{ spanId: spanId(2) }]);
  const sent = await postJson(
    `${server.url}/api/v1/projects/shop/spans/metadata`,
    {
      spans: [{ span_id: spanId(1), patch_document: { reviewed: 'yes' } }],
      submission: { id: 'late-start', label: 'review.csv' },
    },
    { 'Idempotency-Key': 'batch-1' },
  );
  expect(sent.status).toBe(200);
  createdAt = (await submissionRecord(server, 'late-start')).created_at;
});

afterAll(async () => {
  await server?.stop();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/**
 * The app showing Results of submission `late-start`, which the browser started long before the server first heard
 * of it (its first attempt never reached the server).
 */
function renderResults() {
  const submission = new SubmissionStore();
  const outcome = makeOutcome([], {
    spans_processed: 1,
    spans_updated: 1,
    submission_id: 'late-start',
  });
  submission.restore({ ...outcome, project: 'shop', startedAt: '2025-03-04T10:00:00.000Z' });
  render(<App stores={{ sheet: new SheetStore(), submission, spans: new SpansStore() }} />);
  act(() => screen.getByRole('tab', { name: 'Results' }).click());
}

const resultsTitle = () =>
  within(screen.getByRole('status', { name: 'Submission summary' })).getByText(/^Results of/);

describe('Results and History of one submission', () => {
  it('give the same start time, the server’s, even when the first attempt never reached the server', async () => {
    connectTo({ serverUrl: server.url, project: 'shop' });
    renderResults();
    const started = formatSubmissionTime(createdAt);
    expect(started).not.toBe(formatSubmissionTime('2025-03-04T10:00:00.000Z'));
    await waitFor(() => expect(resultsTitle().textContent).toContain(`submitted ${started} to project shop`));

    act(() => screen.getByRole('tab', { name: 'History' }).click());
    const row = await screen.findByRole('row', { name: /review\.csv/ });
    expect(within(row).getAllByRole('cell')[2]?.textContent).toBe(started);
  });

  it('opens the submission in History from Results with the keyboard, in its project', async () => {
    connectTo({ serverUrl: server.url, project: 'other' });
    renderResults();
    const user = userEvent.setup();
    const open = await screen.findByRole('button', { name: 'Open in History' });
    open.focus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('tab', { name: 'History' }).getAttribute('aria-selected')).toBe('true');
    expect(getConnectionSettings().project).toBe('shop');
    const detail = await screen.findByRole('region', { name: 'review.csv' });
    await waitFor(() =>
      expect(document.activeElement).toBe(within(detail).getByRole('heading', { name: 'review.csv' })),
    );
    const startedFact = within(detail).getByText('Started').nextElementSibling;
    expect(startedFact?.textContent).toBe(formatSubmissionTime(createdAt));

    // A tab chosen later shows History as it is, nothing opened.
    act(() => screen.getByRole('tab', { name: 'Results' }).click());
    act(() => screen.getByRole('tab', { name: 'History' }).click());
    await screen.findByRole('row', { name: /review\.csv/ });
    expect(screen.queryByRole('region', { name: 'review.csv' })).toBeNull();
  });
});
