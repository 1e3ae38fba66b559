// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONNECTION_STORAGE_KEY, reloadConnectionSettings, SettingsButton } from '@/ui/settings';
import { stubServer, stubUnreachable } from './fake-server';

const PROJECTS = [
  { name: 'demo', spans: 5000 },
  { name: 'staging', spans: 1 },
];

async function openSettings() {
  const user = userEvent.setup();
  render(<SettingsButton />);
  await user.click(screen.getByRole('button', { name: 'Settings' }));
  // The dialog's code loads on first use (React.lazy), so it appears a moment after the click.
  const dialog = await screen.findByRole('dialog', { name: 'Connection settings' });
  const status = within(dialog).getByRole('status', { name: 'Connection test' });
  /**
   * Presses Test connection and waits until its status passes `check`. NOTE: the press checks the fields first,
   * asynchronously: until then the status is still the one before, so a wait for "no longer testing" alone could
   * read the answer to the test before.
   */
  const test = async (check: (text: string) => void) => {
    await user.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    await waitFor(() => check(status.textContent ?? ''));
  };
  return { user, dialog, status, test };
}

function saveProject(project: string, extra: Record<string, unknown> = {}) {
  localStorage.setItem(
    CONNECTION_STORAGE_KEY,
    JSON.stringify({ serverUrl: window.location.origin, project, rememberApiKey: false, ...extra }),
  );
  reloadConnectionSettings();
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  reloadConnectionSettings();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Test connection', () => {
  it('names the URL of a server it cannot reach', async () => {
    stubUnreachable();
    const { user, dialog, test } = await openSettings();
    await test((text) =>
      expect(text).toBe(
        `Cannot reach the server at ${window.location.origin}. Check the address and that the server is running.`,
      ),
    );

    await user.clear(within(dialog).getByLabelText('Server URL'));
    await user.type(within(dialog).getByLabelText('Server URL'), 'http://spans.example:9000/');
    await test((text) => {
      expect(text).toContain('Cannot reach the server at http://spans.example:9000.');
      expect(text).toContain('CORS');
    });
  });

  it('says the server needs an API key when none is set (401)', async () => {
    stubServer({ projects: PROJECTS, apiKey: 'sk-right' });
    saveProject('demo');
    const { test } = await openSettings();
    await test((text) =>
      expect(text).toBe(
        `The server at ${window.location.origin} needs an API key: enter it under "API key".`,
      ),
    );
  });

  it('says the server refused a wrong API key (403), sending it as a Bearer token', async () => {
    const fetchMock = stubServer({ projects: PROJECTS, apiKey: 'sk-right' });
    saveProject('demo');
    const { user, dialog, test } = await openSettings();
    await user.type(within(dialog).getByLabelText('API key'), 'sk-wrong');
    await test((text) => expect(text).toMatch(/refused the API key \(403\): it is wrong/));
    const lastCall = fetchMock.mock.calls.at(-1);
    expect(String(lastCall?.[0])).toBe(`${window.location.origin}/api/v1/projects`);
    expect(new Headers(lastCall?.[1]?.headers).get('Authorization')).toBe('Bearer sk-wrong');
  });

  it('says which projects exist when the project is unknown', async () => {
    stubServer({ projects: PROJECTS });
    saveProject('ghost');
    const { test } = await openSettings();
    await test((text) =>
      expect(text).toBe(
        `Connected to ${window.location.origin}, but it has no project "ghost". Projects there: demo (5,000 spans), staging (1 span).`,
      ),
    );
  });

  it('reports the project and its span count when all is well', async () => {
    stubServer({ projects: PROJECTS, apiKey: 'sk-right' });
    saveProject('demo');
    const { user, dialog, test } = await openSettings();
    await user.type(within(dialog).getByLabelText('API key'), 'sk-right');
    await test((text) => expect(text).toBe('Connected: project demo, 5,000 spans'));
  });

  it('asks to fix the fields before testing an invalid URL', async () => {
    const fetchMock = stubServer({ projects: PROJECTS });
    const { user, dialog, test } = await openSettings();
    const callsOnOpen = fetchMock.mock.calls.length;
    await user.clear(within(dialog).getByLabelText('Server URL'));
    await user.type(within(dialog).getByLabelText('Server URL'), 'not a url');
    await test((text) => expect(text).toBe('Fix the server URL or API key above, then test again.'));
    expect(fetchMock.mock.calls.length).toBe(callsOnOpen);
  });
});

describe('the Project field', () => {
  it('lists the server’s projects with span counts when it answers, and saves the one chosen', async () => {
    stubServer({ projects: PROJECTS });
    const { user, dialog } = await openSettings();
    const select = await within(dialog).findByRole('combobox', { name: 'Project' });
    expect(
      within(select)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Choose a project', 'demo (5,000 spans)', 'staging (1 span)']);
    await user.selectOptions(select, 'staging');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(JSON.parse(localStorage.getItem(CONNECTION_STORAGE_KEY) ?? '')).toMatchObject({
      project: 'staging',
    });
  });

  it('keeps a saved project the server does not list, marked as such', async () => {
    stubServer({ projects: PROJECTS });
    saveProject('ghost');
    const { dialog } = await openSettings();
    const select = await within(dialog).findByRole<HTMLSelectElement>('combobox', { name: 'Project' });
    expect(select.value).toBe('ghost');
    expect(within(select).getByRole('option', { selected: true }).textContent).toBe(
      'ghost (not on this server)',
    );
  });

  it('is free text when the server does not answer, and after the server URL changes', async () => {
    stubUnreachable();
    const first = await openSettings();
    await first.test((text) => expect(text).toMatch(/^Cannot reach the server/));
    expect(within(first.dialog).getByRole<HTMLInputElement>('textbox', { name: 'Project' }).type).toBe(
      'text',
    );
    expect(within(first.dialog).queryByRole('combobox', { name: 'Project' })).toBeNull();
    cleanup();

    stubServer({ projects: PROJECTS });
    saveProject('demo');
    const { user, dialog } = await openSettings();
    await within(dialog).findByRole('combobox', { name: 'Project' });
    await user.type(within(dialog).getByLabelText('Server URL'), '/other');
    const text = within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'Project' });
    expect(text.value).toBe('demo');
  });
});
