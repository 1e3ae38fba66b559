// @vitest-environment jsdom
import { act, cleanup, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { PreviewView } from '@/ui/preview';
import { SheetStore } from '@/ui/sheet';
import { SubmissionStore } from '@/ui/submission';
import { render } from '../render';
import { ingestSpans, spanId, startTestServer, type TestServer } from '../../server/test-server';
import { connectTo, giveLayout } from '../page-setup';
import { makeOutcome } from '../results/outcome-fixture';
import { holdSubmissions } from '../submission/held-submissions';

const [A, C] = [spanId(0xa1), spanId(0xc3)];
let server: TestServer;

// jsdom lays nothing out: give the span list a size so the virtualizer renders cards, and each card a height
// (measured at 0, every card of a long list would come into view, a few more at each render).
beforeAll(async () => {
  giveLayout({ height: 800, width: 1200, rowHeight: 140 });
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

let project = 0;
/** A project of its own for each test (submissions change what the server stores): A is good, C is bad. */
async function freshProject(): Promise<string> {
  const name = `pause${++project}`;
  await ingestSpans(server, name, [
    { spanId: A, metadata: { label: 'good' } },
    { spanId: C, metadata: { label: 'bad' } },
  ]);
  connectTo({ serverUrl: server.url, project: name });
  return name;
}

beforeEach(() => localStorage.clear());

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderPreview() {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label']);
  const sheet = new SheetStore(
    SheetModel.fromRows(columns, [
      [A, 'good'],
      [C, 'fixed'],
    ]),
  );
  const submission = new SubmissionStore();
  render(<PreviewView sheet={sheet} submission={submission} onSubmitted={vi.fn()} />);
  return { sheet, submission };
}

const serverLine = () => screen.getByText(/^(Compared with|Comparing with|The comparison with)/).textContent;
const compared = () => screen.findByText(/^Compared with project/, undefined, { timeout: 10_000 });
const pill = (spanId: string) =>
  within(screen.getByRole('article', { name: `Span ${spanId}` })).getByText(
    /^(Ready|With warnings|Already up to date)$/,
  ).textContent;

describe('the comparison with the server during a submission', () => {
  it('pauses: no lookup while the sheet is read-only, the comparison stays, and the sent spans are then up to date', async () => {
    const name = await freshProject();
    const batches = holdSubmissions();
    const { sheet, submission } = renderPreview();
    await compared();
    expect(batches.lookups()).toBe(1);
    expect([pill(A), pill(C)]).toEqual(['Already up to date', 'Ready']);
    const version = sheet.getState().version;

    act(() => screen.getByRole('button', { name: 'Submit 1 span' }).click());
    await act(() => batches.nextBatch());
    // Read-only is not a change of the sheet: the comparison made before stays, and nothing is looked up.
    expect(sheet.getState()).toMatchObject({ readOnly: true, version });
    expect(serverLine()).toMatch(`Compared with project ${name}`);
    expect([pill(A), pill(C)]).toEqual(['Already up to date', 'Ready']);
    expect(batches.lookups()).toBe(1);

    await act(async () => batches.release('deliver'));
    // After it, the spans are looked up once more: the one it sent is up to date too.
    await screen.findByText(/All 2 spans are already up to date/, undefined, { timeout: 10_000 });
    expect(pill(C)).toBe('Already up to date');
    expect(sheet.getState()).toMatchObject({ readOnly: false, version });
    expect(submission.getState().finishedRuns).toBe(1);
    expect(batches.lookups()).toBe(2);
  });

  it('stops a comparison under way when a submission starts, and compares once it has ended', async () => {
    const name = await freshProject();
    const batches = holdSubmissions();
    const { sheet } = renderPreview();
    await compared();
    // An edit: the sheet is compared again a moment later, but the submission starts first.
    act(() =>
      sheet.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: 'great' }] }, 'Edit'),
    );
    expect(serverLine()).toMatch(`Comparing with project ${name}`);
    act(() => screen.getByRole('button', { name: 'Submit 2 spans' }).click());
    await act(() => batches.nextBatch());
    expect(serverLine()).toBe('The comparison with the server waits for the submission to end.');
    expect(screen.queryByRole('button', { name: /^Already up to date:/ })).toBeNull();
    const lookupsBefore = batches.lookups();

    await act(async () => batches.release('deliver'));
    await screen.findByText(/All 2 spans are already up to date/, undefined, { timeout: 10_000 });
    // Once the submission has ended, the sheet is compared once.
    expect(batches.lookups()).toBe(lookupsBefore + 1);
  });

  it("opens Results for the Submit's own outcome only: not an earlier one after a cancel before sending", async () => {
    await freshProject();
    const batches = holdSubmissions();
    const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label']);
    const rows = Array.from({ length: 2_500 }, (_, index) => [spanId(0x1000 + index), 'fixed']);
    const sheet = new SheetStore(SheetModel.fromRows(columns, rows));
    const submission = new SubmissionStore();
    submission.restore(makeOutcome());
    const onSubmitted = vi.fn();
    render(<PreviewView sheet={sheet} submission={submission} onSubmitted={onSubmitted} />);

    act(() => screen.getByRole('button', { name: 'Submit 2,500 spans' }).click());
    act(() => within(screen.getByRole('dialog')).getByRole('button', { name: 'Submit 2,500 spans' }).click());
    // The progress shows before anything is sent, and Cancel then stops it.
    act(() => screen.getByRole('button', { name: 'Cancel submission' }).click());
    await screen.findByRole('button', { name: 'Submit 2,500 spans' });
    expect(submission.getState()).toMatchObject({ running: null, problem: null, finishedRuns: 1 });
    expect(batches.requests.filter((request) => request.endsWith('/spans/metadata'))).toEqual([]);
    expect(onSubmitted).not.toHaveBeenCalled();
  });
});
