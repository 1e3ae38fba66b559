// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { App, type AppStores } from '@/ui/app/app';
import { SheetStore } from '@/ui/sheet';
import { SpansStore } from '@/ui/spans';
import { SubmissionStore } from '@/ui/submission';
import { ingestSpans, spanId, startTestServer, type TestServer } from '../../server/test-server';
import { giveLayout, connectTo } from '../page-setup';
import { holdSubmissions } from '../submission/held-submissions';
import { trackRenders } from './render-tracker';

const [A, B] = [spanId(0xa1), spanId(0xb2)];
let server: TestServer;

// jsdom lays nothing out: give the span list a size so the virtualizer renders cards.
beforeAll(async () => {
  giveLayout({ height: 800, width: 1200 });
  server = await startTestServer();
  await ingestSpans(server, 'demo', [
    { spanId: A, metadata: { label: 'old' } },
    { spanId: B, metadata: { label: 'old' } },
  ]);
});

afterAll(async () => {
  await server?.stop();
});

beforeEach(() => {
  connectTo({ serverUrl: server.url, project: 'demo' });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The app on a sheet of two spans to send, on the Preview tab once it has compared them with the server. */
async function appOnPreview(): Promise<{ container: HTMLElement; stores: AppStores }> {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label']);
  const stores: AppStores = {
    sheet: new SheetStore(
      SheetModel.fromRows(columns, [
        [A, 'new'],
        [B, 'new'],
      ]),
    ),
    submission: new SubmissionStore(),
    spans: new SpansStore(),
  };
  const { container } = render(<App stores={stores} />);
  // NOTE: jsdom has no IndexedDB, so autosave reports it cannot read (and stays off) before anything is followed.
  await screen.findByText(/^Your saved sheet could not be read/);
  await waitFor(() => expect(stores.submission.getState().savedProblem).not.toBeNull());

  const app = trackRenders(container, ['App']);
  act(() => screen.getByRole('tab', { name: 'Preview' }).click());
  // The tracker sees the app render when it does: here, for the tab it now shows.
  expect(app.renders()).toEqual(['App']);
  await screen.findByText(/^Compared with project/, undefined, { timeout: 10_000 });
  return { container, stores };
}

describe('the progress of a submission', () => {
  it('renders the progress bar alone: not the app, the Preview, its Submit bar or its span list', async () => {
    const batches = holdSubmissions();
    const { container } = await appOnPreview();
    const views = ['App', 'PreviewView', 'SubmitBar', 'SpanList'];
    const started = trackRenders(container, views);

    act(() => screen.getByRole('button', { name: 'Submit 2 spans' }).click());
    await act(() => batches.nextBatch());
    // Starting renders what says a submission runs (the Submit bar turns into the progress), never the app or
    // the span list.
    expect(started.renders()).toEqual(['PreviewView', 'SubmitBar']);
    const progress = () => screen.getByRole('progressbar', { name: 'Submission progress' });
    expect(progress().parentElement?.textContent).toMatch(/^Submitting to demo: 0 of 2 spans delivered/);

    const tracker = trackRenders(container, [...views, 'SubmissionProgressBar']);
    for (let report = 1; report <= 3; report++) {
      // The server is busy: the client says it retries (a progress report) and sends the batch again.
      await act(async () => {
        batches.release('busy');
        await batches.nextBatch();
      });
      expect(progress().parentElement?.textContent).toMatch(/retrying batch 1 \(HTTP 503/);
      expect(tracker.renders()).toEqual(['SubmissionProgressBar']);
    }

    await act(async () => batches.release('deliver'));
    await screen.findByRole('tab', { name: 'Results', selected: true }, { timeout: 10_000 });
  });
});
