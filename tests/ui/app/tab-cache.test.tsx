// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { App } from '@/ui/app/app';
import { SheetStore } from '@/ui/sheet';
import { SpansStore } from '@/ui/spans';
import { SubmissionStore } from '@/ui/submission';
import { ingestSpans, spanId, startTestServer, type TestServer } from '../../server/test-server';
import { connectTo, giveLayout } from '../page-setup';

const [A, B] = [spanId(0xa1), spanId(0xb2)];
let server: TestServer;
let project = 0;

beforeAll(async () => {
  giveLayout({ height: 800, width: 1200 });
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** Every request the app sends to the server, as `METHOD /path`. */
function recordRequests(): string[] {
  const requests: string[] = [];
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
    return realFetch(input, init);
  });
  return requests;
}

/** The app on a project of its own with spans A and B stored, and a sheet that gives both a new label. */
async function renderApp() {
  const name = `cache${++project}`;
  await ingestSpans(server, name, [
    { spanId: A, metadata: { label: 'old' } },
    { spanId: B, metadata: { label: 'old' } },
  ]);
  connectTo({ serverUrl: server.url, project: name });
  const requests = recordRequests();
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label']);
  const sheet = new SheetStore(
    SheetModel.fromRows(columns, [
      [A, 'new'],
      [B, 'new'],
    ]),
  );
  render(<App stores={{ sheet, submission: new SubmissionStore(), spans: new SpansStore() }} />);
  const count = (request: string) => requests.filter((sent) => sent === request).length;
  return { name, count };
}

const show = (tab: string) => act(() => screen.getByRole('tab', { name: tab }).click());
const historyStatus = () => screen.getByText(/^(Loading submissions|No submissions|Showing)/).textContent;
const matching = () => screen.getByRole('status', { name: 'Matching spans' }).textContent;

describe('the tabs and what they read from the server', () => {
  it('show what they read when shown again, without asking the server again', async () => {
    const { name, count } = await renderApp();
    show('History');
    await waitFor(() => expect(historyStatus()).toBe(`No submissions to project ${name} yet.`));
    show('Spans');
    await waitFor(() => expect(matching()).toBe('2 spans match'));
    const read = {
      submissions: count('GET /api/v1/submissions'),
      spans: count(`POST /api/v1/projects/${name}/spans/query`),
    };
    expect(read).toEqual({ submissions: 1, spans: 1 });

    show('Sheet');
    show('History');
    // At once: what History read is shown, not read again.
    expect(historyStatus()).toBe(`No submissions to project ${name} yet.`);
    show('Spans');
    expect(matching()).toBe('2 spans match');
    show('History');
    expect(count('GET /api/v1/submissions')).toBe(1);
    expect(count(`POST /api/v1/projects/${name}/spans/query`)).toBe(1);
  });

  it('read the project again after a Submit: History lists it, and the Preview compares anew', async () => {
    const { name, count } = await renderApp();
    show('History');
    await waitFor(() => expect(historyStatus()).toBe(`No submissions to project ${name} yet.`));

    show('Preview');
    await screen.findByText(/^Compared with project/, undefined, { timeout: 10_000 });
    act(() => screen.getByRole('button', { name: 'Submit 2 spans' }).click());
    await screen.findByRole('tab', { name: 'Results', selected: true }, { timeout: 10_000 });

    show('History');
    await waitFor(() => expect(historyStatus()).toBe('Showing all 1 submission, newest first.'));
    expect(count('GET /api/v1/submissions')).toBe(2);
    show('Preview');
    await screen.findByText(/All 2 spans are already up to date/, undefined, { timeout: 10_000 });
  });
});
