// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { PreviewView } from '@/ui/preview';
import { CONNECTION_STORAGE_KEY, reloadConnectionSettings } from '@/ui/settings';
import { SheetStore } from '@/ui/sheet';
import { SubmissionStore } from '@/ui/submission';
import { ingestSpans, spanId } from '../../server/test-server';
import { type InProcessServer, startInProcessServer } from '../../server/in-process-server';
import { fetchFrom, giveLayout } from '../page-setup';
import { render } from '../render';

/** The Preview's Submit with a read-only key, against the real server in-process: disabled, the reason beside it. */

const [A, B] = [spanId(0xa1), spanId(0xb2)];
const REASON =
  "The API key 'ci' is read-only: it can find spans and preview, not submit. To submit, enter a key that may write in Settings.";
let server: InProcessServer;

beforeAll(async () => {
  giveLayout({ height: 800, width: 1200 });
  server = await startInProcessServer({
    apiKeys: [
      { name: 'writer', key: 'sk-writer' },
      { name: 'ci', key: 'sk-reader', access: 'read' },
    ],
  });
  fetchFrom(server);
  await ingestSpans(server, 'demo', [{ spanId: A }, { spanId: B }], { Authorization: 'Bearer sk-writer' });
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await server?.stop();
});

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  localStorage.setItem(
    CONNECTION_STORAGE_KEY,
    JSON.stringify({ serverUrl: server.url, project: 'demo', apiKey: 'sk-reader', rememberApiKey: true }),
  );
  reloadConnectionSettings();
});

afterEach(cleanup);

describe('Submit with a read-only key', () => {
  it('is disabled, with the reason beside it and as its description', async () => {
    const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label']);
    const sheet = new SheetStore(
      SheetModel.fromRows(columns, [
        [A, 'good'],
        [B, 'bad'],
      ]),
    );
    const onSubmitted = vi.fn();
    render(<PreviewView sheet={sheet} submission={new SubmissionStore()} onSubmitted={onSubmitted} />);
    const reason = await screen.findByText(REASON, undefined, { timeout: 10_000 });
    const submit = screen.getByRole('button', { name: 'Submit 2 spans' });
    expect(submit).toHaveProperty('disabled', true);
    expect(submit.getAttribute('aria-describedby')).toBe(reason.id);
    expect(reason.id).not.toBe('');
    // The reason is text on the page, not a tooltip: it is read without reaching the disabled button.
    expect(submit.title).toBe('');
    expect(reason.closest('.submit-bar')).toBe(submit.closest('.submit-bar'));
  });
});
