// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { patchResponseSchema } from '@/core/api';
import { HistoryView } from '@/ui/history';
import { setConnectionSettings } from '@/ui/settings';
import { ingestSpans, postJson, spanId } from '../../server/test-server';
import { type InProcessServer, startInProcessServer } from '../../server/in-process-server';
import { fetchFrom, giveLayout } from '../page-setup';
import { render } from '../render';

/**
 * Revert in History with a read-only key, against the real server in-process: the dry run shows what a revert
 * would do, and "Revert N spans" is disabled with the reason in a note the button names as its description.
 */

const writer = { Authorization: 'Bearer sk-writer' };
const REASON =
  "The API key 'ci' is read-only: it can show what a revert would do, not revert. To revert, enter a key that may write in Settings.";
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
  await ingestSpans(server, 'demo', [{ spanId: spanId(1), metadata: { tier: 'free' } }], writer);
  const patch = await postJson(
    `${server.url}/api/v1/projects/demo/spans/metadata`,
    {
      spans: [{ span_id: spanId(1), patch_document: { tier: 'pro' } }],
      submission: { id: 'sub-tiers', label: 'tiers.csv' },
    },
    writer,
  );
  expect(patchResponseSchema.parse(patch.body).spans_updated).toBe(1);
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await server?.stop();
});

afterEach(cleanup);

describe('Revert with a read-only key', () => {
  it('shows the dry run, and disables "Revert N spans" with the reason beside it', async () => {
    setConnectionSettings({
      serverUrl: server.url,
      apiKey: 'sk-reader',
      project: 'demo',
      rememberApiKey: false,
    });
    const user = userEvent.setup();
    render(<HistoryView />);
    const label = await screen.findByText('tiers.csv', undefined, { timeout: 10_000 });
    const row = label.closest('tr');
    if (!row) throw new Error('No row for tiers.csv');
    await user.click(within(row).getByRole('button', { name: 'Revert' }));
    const dialog = screen.getByRole('dialog', { name: 'Revert submission' });
    await waitFor(() =>
      expect(within(dialog).getByRole('status').textContent).toBe(
        '1 span of 1 will go back to their values before this submission.',
      ),
    );
    const reason = await within(dialog).findByText(REASON);
    const confirm = within(dialog).getByRole('button', { name: 'Revert 1 span' });
    expect(confirm).toHaveProperty('disabled', true);
    expect(confirm.getAttribute('aria-describedby')).toBe(reason.id);
    expect(reason.id).not.toBe('');
    expect(within(dialog).queryByRole('alert')).toBeNull();
  });
});
