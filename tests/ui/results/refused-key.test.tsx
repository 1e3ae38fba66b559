// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { ResultsView } from '@/ui/results';
import type { ConnectionSettings } from '@/ui/settings';
import { SheetStore } from '@/ui/sheet';
import { SubmissionStore } from '@/ui/submission';
import { ingestSpans, spanId } from '../../server/test-server';
import { type InProcessServer, startInProcessServer } from '../../server/in-process-server';
import { fetchFrom, giveLayout } from '../page-setup';
import { render } from '../render';

/**
 * A Submit the server refuses for its key (403 with a read-only key, 401 without a key), against the real server
 * in-process: Results shows the spans as refused with the server's message, never as "never delivered" with a Retry.
 */

const SPANS = [spanId(1), spanId(2), spanId(3)];
let server: InProcessServer;

beforeAll(async () => {
  giveLayout({ height: 480, width: 1000 });
  server = await startInProcessServer({
    apiKeys: [
      { name: 'writer', key: 'sk-writer' },
      { name: 'ci', key: 'sk-reader', access: 'read' },
    ],
  });
  fetchFrom(server);
  await ingestSpans(
    server,
    'demo',
    SPANS.map((id) => ({ spanId: id })),
    { Authorization: 'Bearer sk-writer' },
  );
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await server?.stop();
});

afterEach(cleanup);

/** Submits a sheet of the three spans with `apiKey`, then shows Results. */
async function submitAndShow(apiKey: string) {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label']);
  const sheet = new SheetStore(
    SheetModel.fromRows(
      columns,
      SPANS.map((id) => [id, 'good']),
    ),
    { name: 'review.csv', kind: 'file' },
  );
  const submission = new SubmissionStore();
  const settings: ConnectionSettings = {
    serverUrl: server.url,
    apiKey,
    project: 'demo',
    rememberApiKey: false,
  };
  await submission.submit(sheet, settings);
  const onRetry = vi.fn();
  render(<ResultsView submission={submission} sheet={sheet} onFixInSheet={vi.fn()} onRetry={onRetry} />);
  return { submission, onRetry };
}

describe('a Submit refused for its API key', () => {
  it('with a read-only key: refused with the server message, no Retry', async () => {
    await submitAndShow('sk-reader');
    const summary = screen.getByRole('status', { name: 'Submission summary' }).textContent ?? '';
    expect(summary).toContain('Failed3 of which 0 never delivered, 3 refused (API key refused)');
    expect(summary).toContain(
      'The server received 0 spans of this submission (0 updated, 0 failed): the totals History shows for it; 3 spans were refused because the server refused the API key.',
    );
    expect(screen.getByRole('alert').textContent).toBe(
      "The server refused 3 spans and applied nothing of them: The API key 'ci' is read-only: it cannot change spans. Use a key without ':read'",
    );
    expect(screen.queryByText(/never delivered \(the connection failed\)/)).toBeNull();
    expect(screen.queryByRole('button', { name: /^Retry/ })).toBeNull();
    expect(screen.getByRole('button', { name: /^Refused: API key \(3\)/ }).getAttribute('aria-pressed')).toBe(
      'false',
    );
  });

  it('without a key: refused with the server message, no Retry', async () => {
    await submitAndShow('');
    expect(screen.getByRole('alert').textContent).toBe(
      'The server refused 3 spans and applied nothing of them: This server requires an API key: send the header Authorization: Bearer <key>',
    );
    expect(screen.queryByText(/never delivered \(the connection failed\)/)).toBeNull();
    expect(screen.queryByRole('button', { name: /^Retry/ })).toBeNull();
  });
});
