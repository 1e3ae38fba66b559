// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { PreviewView } from '@/ui/preview';
import { SheetStore } from '@/ui/sheet';
import { SubmissionStore } from '@/ui/submission';
import { ingestSpans, spanId } from '../../server/test-server';
import { type InProcessServer, startInProcessServer } from '../../server/in-process-server';
import { connectTo, fetchFrom, giveLayout } from '../page-setup';
import { render } from '../render';

const [A, B, C] = [spanId(0xa1), spanId(0xb2), spanId(0xc3)];
let server: InProcessServer;

// jsdom lays nothing out: give the span list a size so the virtualizer renders cards.
beforeAll(async () => {
  giveLayout({ height: 800, width: 1200 });
  server = await startInProcessServer();
  await ingestSpans(server, 'demo', [
    { spanId: A, metadata: { label: 'good', score: 3 } },
    { spanId: B, metadata: { label: 'good' } },
    { spanId: C, metadata: { label: 'bad' } },
  ]);
});

afterAll(async () => {
  await server?.stop();
});

beforeEach(() => {
  fetchFrom(server);
  connectTo({ serverUrl: server.url, project: 'demo' });
});

afterEach(cleanup);

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

afterEach(() => {
  vi.unstubAllGlobals();
});

function renderPreview(rows: string[][]) {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label']);
  const sheet = new SheetStore(SheetModel.fromRows(columns, rows));
  const submission = new SubmissionStore();
  render(<PreviewView sheet={sheet} submission={submission} onSubmitted={vi.fn()} />);
  return { sheet, submission };
}

const compared = () => screen.findByText(/^Compared with project/, undefined, { timeout: 10_000 });
const pill = (spanId: string) =>
  within(screen.getByRole('article', { name: `Span ${spanId}` })).getByText(
    /^(Ready|With warnings|Already up to date)$/,
  ).textContent;
const chip = (name: RegExp) => screen.getByRole('button', { name }).textContent;

describe('spans already up to date on the server', () => {
  it('are marked apart, counted apart and left out of the Submit count', async () => {
    renderPreview([
      [A, 'good'],
      [B, 'good'],
      [C, 'good'],
    ]);
    await compared();
    expect([pill(A), pill(B), pill(C)]).toEqual(['Already up to date', 'Already up to date', 'Ready']);
    expect(chip(/^Ready:/)).toBe('Ready: 1');
    expect(chip(/^Already up to date:/)).toBe('Already up to date: 2');
    expect(screen.getByRole('button', { name: 'Submit 1 span' })).toHaveProperty('disabled', false);
    expect(screen.getByText(/^to project demo/).textContent).toBe(
      'to project demo; 2 spans already up to date are not sent',
    );
    expect(screen.queryByText(/nothing to submit/)).toBeNull();

    act(() => screen.getByRole('button', { name: /^Already up to date:/ }).click());
    expect(screen.getByText(/^Showing /).textContent).toBe('Showing 2 of 3 spans, problems first');
  });

  it('say so when every span is up to date, and Submit is disabled', async () => {
    renderPreview([
      [A, 'good'],
      [B, 'good'],
    ]);
    await compared();
    expect(screen.getByText(/nothing to submit/).textContent).toBe(
      'All 2 spans are already up to date: nothing to submit',
    );
    expect(screen.getByRole('button', { name: 'Submit 0 spans' })).toHaveProperty('disabled', true);
  });

  it('is no longer up to date once the sheet asks for another value', async () => {
    const { sheet } = renderPreview([[A, 'good']]);
    await compared();
    expect(pill(A)).toBe('Already up to date');
    act(() =>
      sheet.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: 'great' }] }, 'Edit'),
    );
    await compared();
    await waitFor(() => expect(pill(A)).toBe('Ready'), { timeout: 10_000 });
    expect(screen.getByRole('button', { name: 'Submit 1 span' })).toHaveProperty('disabled', false);
  });

  it('are looked up again after a submission, which makes the spans it sent up to date', async () => {
    const requests = recordRequests();
    renderPreview([
      [A, 'good'],
      [C, 'fixed'],
    ]);
    await compared();
    expect(pill(C)).toBe('Ready');
    act(() => screen.getByRole('button', { name: 'Submit 1 span' }).click());
    await screen.findByText(/All 2 spans are already up to date/, undefined, { timeout: 10_000 });
    expect(pill(C)).toBe('Already up to date');
    expect(requests.filter((request) => request.endsWith('/spans/lookup')).length).toBe(2);
  });
});
