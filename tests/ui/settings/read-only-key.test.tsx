// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONNECTION_STORAGE_KEY, reloadConnectionSettings, SettingsButton } from '@/ui/settings';
import { ingestSpans, spanId } from '../../server/test-server';
import { type InProcessServer, startInProcessServer } from '../../server/in-process-server';
import { fetchFrom } from '../page-setup';

/** Settings' Test connection against the real server in-process with a read-and-write key and a read-only key. */

let server: InProcessServer;

beforeAll(async () => {
  server = await startInProcessServer({
    apiKeys: [
      { name: 'writer', key: 'sk-writer' },
      { name: 'ci', key: 'sk-reader', access: 'read' },
    ],
  });
  fetchFrom(server);
  await ingestSpans(server, 'shop', [{ spanId: spanId(1) }], { Authorization: 'Bearer sk-writer' });
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
    JSON.stringify({ serverUrl: server.url, project: 'shop', rememberApiKey: false }),
  );
  reloadConnectionSettings();
});

afterEach(cleanup);

/** Opens Settings, types `apiKey`, tests the connection, and gives what the status line says. */
async function testWithKey(apiKey: string): Promise<string> {
  const user = userEvent.setup();
  render(<SettingsButton />);
  await user.click(screen.getByRole('button', { name: 'Settings' }));
  const dialog = await screen.findByRole('dialog', { name: 'Connection settings' });
  await user.type(within(dialog).getByLabelText('API key'), apiKey);
  const status = within(dialog).getByRole('status', { name: 'Connection test' });
  await user.click(within(dialog).getByRole('button', { name: 'Test connection' }));
  await waitFor(() => expect(status.textContent).not.toMatch(/^(Testing|$)/));
  return status.textContent ?? '';
}

describe('Test connection with a read-only key', () => {
  it('says plainly that the key is read-only, and what it can and cannot do', async () => {
    expect(await testWithKey('sk-reader')).toBe(
      "Connected as 'ci' — a read-only key: you can find spans and preview, not submit. Project shop, 1 span.",
    );
  });

  it('names a read-and-write key without a warning', async () => {
    expect(await testWithKey('sk-writer')).toBe("Connected as 'writer': project shop, 1 span");
  });
});
