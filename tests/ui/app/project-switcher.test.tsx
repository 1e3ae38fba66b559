// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '@/ui/app/app';
import { getConnectionSettings } from '@/ui/settings';
import { SheetStore } from '@/ui/sheet';
import { SpansStore } from '@/ui/spans';
import { SubmissionStore } from '@/ui/submission';
import { ingestSpans, spanId, startTestServer, type TestServer } from '../../server/test-server';
import { connectTo, giveLayout } from '../page-setup';
import { render } from '../render';

let server: TestServer;

beforeAll(async () => {
  giveLayout({ height: 800, width: 1200 });
  server = await startTestServer();
  await ingestSpans(server, 'shop', [{ spanId: spanId(1) }]);
  await ingestSpans(server, 'support', [{ spanId: spanId(2) }, { spanId: spanId(3) }]);
});

afterAll(async () => {
  await server?.stop();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderApp() {
  render(
    <App stores={{ sheet: new SheetStore(), submission: new SubmissionStore(), spans: new SpansStore() }} />,
  );
  return within(screen.getByRole('banner'));
}

describe("the header's project", () => {
  it('shows the current project on every tab, in a list of the server’s projects', async () => {
    connectTo({ serverUrl: server.url, project: 'shop' });
    const header = renderApp();
    const switcher = header.getByRole('combobox', { name: 'Project' });
    await waitFor(() =>
      expect(
        within(switcher)
          .getAllByRole('option')
          .map((option) => option.textContent),
      ).toEqual(['shop', 'support']),
    );
    for (const tab of ['Spans', 'Sheet', 'Preview', 'Results', 'History']) {
      act(() => screen.getByRole('tab', { name: tab }).click());
      expect(header.getByRole('combobox', { name: 'Project' })).toHaveProperty('value', 'shop');
    }
  });

  it('switches the project every tab works on, as Settings does, with the keyboard', async () => {
    connectTo({ serverUrl: server.url, project: 'shop' });
    const header = renderApp();
    act(() => screen.getByRole('tab', { name: 'History' }).click());
    await screen.findByText('No submissions to project shop yet.');
    const switcher = header.getByRole('combobox', { name: 'Project' });
    await waitFor(() => expect(within(switcher).getAllByRole('option')).toHaveLength(2));
    const user = userEvent.setup();
    switcher.focus();
    await user.selectOptions(switcher, 'support');
    expect(getConnectionSettings().project).toBe('support');
    await screen.findByText('No submissions to project support yet.');
    expect(localStorage.getItem('spanpatch.connection')).toContain('"project":"support"');
  });

  it('names a project the server does not hold, and asks to choose one when none is set', async () => {
    connectTo({ serverUrl: server.url, project: 'gone' });
    const header = renderApp();
    const switcher = header.getByRole('combobox', { name: 'Project' });
    expect(switcher).toHaveProperty('value', 'gone');
    await waitFor(() => expect(within(switcher).getAllByRole('option')).toHaveLength(3));
    cleanup();
    connectTo({ serverUrl: 'http://127.0.0.1:9', project: '' });
    const empty = renderApp();
    expect(empty.getByRole('combobox', { name: 'Project' })).toHaveProperty('value', '');
    expect(empty.getByRole('option', { name: 'Choose a project' })).toBeTruthy();
  });
});

describe('the project chosen on a first visit (issue 25)', () => {
  let solo: TestServer;

  beforeAll(async () => {
    solo = await startTestServer();
    await ingestSpans(solo, 'only', [{ spanId: spanId(4) }]);
  });

  afterAll(async () => {
    await solo?.stop();
  });

  it("picks the server's only project from the cache the switcher reads: the projects are asked once", async () => {
    const requests: string[] = [];
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      // With the project chosen when the request was sent.
      const chosen = getConnectionSettings().project;
      requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname} (${chosen || 'none'})`);
      return realFetch(input, init);
    });
    connectTo({ serverUrl: solo.url, project: '' });
    const header = renderApp();
    const switcher = header.getByRole('combobox', { name: 'Project' });
    await waitFor(() => expect(switcher).toHaveProperty('value', 'only'));
    expect(getConnectionSettings().project).toBe('only');
    expect(
      within(switcher)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['only']);
    // What the header's list and the first-visit choice read comes from one request (the chosen project's
    // target is read after, under the project's key).
    expect(requests.filter((request) => request === 'GET /api/v1/projects (none)')).toHaveLength(1);
  });
});
