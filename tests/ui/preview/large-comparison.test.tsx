// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { PreviewView } from '@/ui/preview';
import { SheetStore } from '@/ui/sheet';
import { SubmissionStore } from '@/ui/submission';
import { ingestSpans, spanId } from '../../server/test-server';
import { type InProcessServer, startInProcessServer } from '../../server/in-process-server';
import { connectTo, fetchFrom, giveLayout } from '../page-setup';
import { render } from '../render';

const SPANS = 1_000;
const STORED = 600;
let server: InProcessServer;

// jsdom lays nothing out: give the span list a size so the virtualizer renders cards, and each card a height
// (measured at 0, every card of a long list would come into view, a few more at each render).
beforeAll(async () => {
  giveLayout({ height: 800, width: 1200, rowHeight: 140 });
  server = await startInProcessServer();
  fetchFrom(server);
  await ingestSpans(
    server,
    'demo',
    Array.from({ length: STORED }, (_, index) => ({
      spanId: spanId(index + 1),
      metadata: { label: 'good' },
    })),
  );
  connectTo({ serverUrl: server.url, project: 'demo' });
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await server?.stop();
  localStorage.clear();
});

afterEach(cleanup);

describe('comparing a sheet of many spans, a slice at a time', () => {
  it('predicts every span as at once, types set by a span early on included', async () => {
    const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label', 'patch_document']);
    const rows = Array.from({ length: SPANS }, (_, index) => [spanId(index + 1), 'good', '']);
    // Span 10 gives `score` a number; span 590, several slices later, a text: the server would refuse it.
    rows[9] = [spanId(10), 'good', '{"score": 5}'];
    rows[589] = [spanId(590), 'good', '{"score": "high"}'];
    const sheet = new SheetStore(SheetModel.fromRows(columns, rows));
    render(<PreviewView sheet={sheet} submission={new SubmissionStore()} onSubmitted={vi.fn()} />);
    await screen.findByText(/^Compared with project/, undefined, { timeout: 10_000 });

    const chips = within(screen.getByRole('status', { name: 'Preview summary' }))
      .getAllByRole('button')
      .map((chip) => chip.textContent);
    // Up to date: the stored spans but the two that set a score; predicted to fail: the 400 spans the server
    // does not have, and span 590's type conflict.
    expect(chips).toEqual([
      'Ready: 402',
      'With warnings: 0',
      'Blocked: 0',
      'Nothing to change: 0',
      'Already up to date: 598',
      'Predicted to fail: 401',
    ]);
    // Problems first: the predicted failures lead the list, in sheet order.
    const first = screen.getAllByRole('article')[0];
    expect(first?.getAttribute('aria-label')).toBe(`Span ${spanId(590)}`);
    expect(first?.querySelector('.status-pill')?.textContent).toBe('Predicted to fail');
  });
});
