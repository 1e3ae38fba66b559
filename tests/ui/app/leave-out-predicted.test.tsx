// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { App } from '@/ui/app/app';
import { SheetStore } from '@/ui/sheet';
import { SpansStore } from '@/ui/spans';
import { SubmissionStore } from '@/ui/submission';
import {
  ingestSpans,
  spanId,
  startTestServer,
  submissionRecord,
  type TestServer,
} from '../../server/test-server';
import { connectTo, giveLayout } from '../page-setup';
import { render } from '../render';

const [A, B, MISSING] = [spanId(0xa1), spanId(0xb2), spanId(0xdead)];
let server: TestServer;

beforeAll(async () => {
  giveLayout({ height: 800, width: 1200 });
  server = await startTestServer();
  await ingestSpans(server, 'shop', [{ spanId: A }, { spanId: B }]);
});

afterAll(async () => {
  await server?.stop();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Submit leaving out the spans predicted to fail', () => {
  it('is an explicit choice; Results lists them as not sent with the reason, and sends them later', async () => {
    connectTo({ serverUrl: server.url, project: 'shop' });
    const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label']);
    const sheet = new SheetStore(
      SheetModel.fromRows(columns, [
        [A, 'new'],
        [MISSING, 'new'],
        [B, 'new'],
      ]),
    );
    const submission = new SubmissionStore();
    render(<App stores={{ sheet, submission, spans: new SpansStore() }} />);
    act(() => screen.getByRole('tab', { name: 'Preview' }).click());
    await screen.findByRole('button', { name: 'Predicted to fail: 1' });
    // Both choices are offered: every span, or all but the one predicted to fail.
    expect(screen.getByRole('button', { name: 'Submit 3 spans' })).toBeTruthy();
    const leaveOut = screen.getByRole('button', { name: 'Submit 2 spans; leave out 1 predicted to fail' });
    const user = userEvent.setup();
    leaveOut.focus();
    await user.keyboard('{Enter}');

    const summary = await screen.findByRole('status', { name: 'Submission summary' });
    const figure = (name: string) =>
      within(summary).getByText(name, { selector: 'dt' }).nextSibling?.textContent;
    expect(figure('Sent')).toBe('2');
    expect(figure('Not sent (left out, predicted to fail)')).toBe('1');
    const table = screen.getByRole('table', { name: 'Failed spans' });
    const row = within(table).getByRole('row', { name: new RegExp(MISSING) });
    expect(row.textContent).toMatch(/Span not found\s· left out/);
    expect(row.textContent).toContain(
      `Left out, predicted to fail: No span with ID '${MISSING}' in project 'shop'`,
    );
    const id = submission.outcome?.result.submission_id ?? '';
    expect((await submissionRecord(server, id)).spans_processed).toBe(2);

    // Sent later, in the same submission: the server says what it makes of it.
    await user.click(screen.getByRole('button', { name: 'Send the 1 span left out' }));
    await waitFor(() => expect(figure('Sent')).toBe('3'));
    expect(figure('Failed')).toMatch(/^1/);
    expect(screen.queryByText('Not sent (left out, predicted to fail)')).toBeNull();
    const record = await submissionRecord(server, id);
    expect(record).toMatchObject({ spans_processed: 3, spans_updated: 2, spans_failed: 1 });
    expect(record.errors[0]?.error_message).toMatch(/^\[segment_not_found\]/);
  });
});
