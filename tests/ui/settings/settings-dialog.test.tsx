// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CONNECTION_STORAGE_KEY,
  reloadConnectionSettings,
  SERVER_URL_MESSAGE,
  SESSION_API_KEY_STORAGE_KEY,
  SettingsButton,
  useConnectionSettings,
} from '@/ui/settings';
import { stubUnreachable } from './fake-server';

function CurrentProject() {
  const { project, serverUrl } = useConnectionSettings();
  return (
    <output aria-label="Current connection">
      {project || '(none)'} at {serverUrl}
    </output>
  );
}

function setup() {
  const user = userEvent.setup();
  render(
    <>
      <SettingsButton />
      <CurrentProject />
    </>,
  );
  const open = async () => {
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    // The dialog's code loads on first use (React.lazy), so it appears a moment after the click.
    return screen.findByRole('dialog', { name: 'Connection settings' });
  };
  return { user, open };
}

function field(dialog: HTMLElement, label: string): HTMLInputElement {
  return within(dialog).getByLabelText(label);
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  reloadConnectionSettings();
  stubUnreachable();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the connection settings dialog', () => {
  it('follows settings another tab saved, while a view shows them', () => {
    setup();
    const current = screen.getByRole('status', { name: 'Current connection' });
    expect(current.textContent).toBe(`(none) at ${window.location.origin}`);
    const saved = JSON.stringify({
      serverUrl: 'http://other.example:8787',
      project: 'demo',
      rememberApiKey: false,
    });
    localStorage.setItem(CONNECTION_STORAGE_KEY, saved);
    act(() => {
      window.dispatchEvent(new StorageEvent('storage', { key: 'unrelated' }));
    });
    expect(current.textContent).toBe(`(none) at ${window.location.origin}`);
    act(() => {
      window.dispatchEvent(new StorageEvent('storage', { key: CONNECTION_STORAGE_KEY, newValue: saved }));
    });
    expect(current.textContent).toBe('demo at http://other.example:8787');
  });

  it('opens from the Settings button with focus in it, showing the defaults', async () => {
    const { open } = setup();
    expect(screen.queryByRole('dialog')).toBeNull();
    const dialog = await open();
    expect(field(dialog, 'Server URL').value).toBe(window.location.origin);
    expect(field(dialog, 'Server URL')).toBe(document.activeElement);
    expect(field(dialog, 'API key').type).toBe('password');
    expect(field(dialog, 'API key').value).toBe('');
    expect(field(dialog, 'Project').value).toBe('');
    expect(field(dialog, 'Remember API key').checked).toBe(false);
    expect(
      within(dialog)
        .getAllByRole('button')
        .map((button) => [button.textContent, button.getAttribute('type')]),
    ).toEqual([
      ['Test connection', 'button'],
      ['Cancel', 'button'],
      ['Save', 'submit'],
    ]);
  });

  it('saves the settings, keeps the API key for the session only, and shows them again on reopening', async () => {
    const { user, open } = setup();
    let dialog = await open();
    await user.clear(field(dialog, 'Server URL'));
    await user.type(field(dialog, 'Server URL'), '  https://spans.example.com:8443/  ');
    await user.type(field(dialog, 'API key'), 'sk-session');
    await user.type(field(dialog, 'Project'), 'demo');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('button', { name: 'Settings' })).toBe(document.activeElement);
    expect(screen.getByLabelText('Current connection').textContent).toBe(
      'demo at https://spans.example.com:8443',
    );
    expect(JSON.parse(localStorage.getItem(CONNECTION_STORAGE_KEY) ?? '')).toEqual({
      serverUrl: 'https://spans.example.com:8443',
      project: 'demo',
      rememberApiKey: false,
    });
    expect(localStorage.getItem(CONNECTION_STORAGE_KEY)).not.toContain('sk-session');
    expect(sessionStorage.getItem(SESSION_API_KEY_STORAGE_KEY)).toBe('sk-session');

    dialog = await open();
    expect(field(dialog, 'Server URL').value).toBe('https://spans.example.com:8443');
    expect(field(dialog, 'API key').value).toBe('sk-session');
    expect(field(dialog, 'Project').value).toBe('demo');

    // A new page load reads the same settings back from storage.
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    act(() => reloadConnectionSettings());
    dialog = await open();
    expect(field(dialog, 'API key').value).toBe('sk-session');
    expect(field(dialog, 'Project').value).toBe('demo');
  });

  it('keeps the API key in localStorage when "Remember API key" is ticked, and removes it when unticked', async () => {
    const { user, open } = setup();
    let dialog = await open();
    await user.type(field(dialog, 'API key'), 'sk-remembered');
    await user.type(field(dialog, 'Project'), 'demo');
    await user.click(field(dialog, 'Remember API key'));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(JSON.parse(localStorage.getItem(CONNECTION_STORAGE_KEY) ?? '')).toMatchObject({
      apiKey: 'sk-remembered',
      rememberApiKey: true,
    });
    expect(sessionStorage.getItem(SESSION_API_KEY_STORAGE_KEY)).toBeNull();

    dialog = await open();
    expect(field(dialog, 'Remember API key').checked).toBe(true);
    await user.click(field(dialog, 'Remember API key'));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(localStorage.getItem(CONNECTION_STORAGE_KEY)).not.toContain('sk-remembered');
    expect(sessionStorage.getItem(SESSION_API_KEY_STORAGE_KEY)).toBe('sk-remembered');
  });

  it('refuses a server URL that is not http(s), saying why next to the field', async () => {
    const { user, open } = setup();
    const dialog = await open();
    const url = field(dialog, 'Server URL');
    await user.clear(url);
    await user.type(url, 'ftp://files.example.com');
    await user.type(field(dialog, 'Project'), 'demo');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(screen.getByRole('dialog', { name: 'Connection settings' })).toBe(dialog);
    const message = within(dialog).getByText(SERVER_URL_MESSAGE);
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(url.getAttribute('aria-describedby')?.split(' ')).toContain(message.id);
    expect(url).toBe(document.activeElement);
    expect(localStorage.getItem(CONNECTION_STORAGE_KEY)).toBeNull();

    await user.clear(url);
    await user.type(url, 'localhost:8787');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(url.getAttribute('aria-describedby')?.split(' ')).toContain(
      within(dialog).getByText(SERVER_URL_MESSAGE).id,
    );
    expect(localStorage.getItem(CONNECTION_STORAGE_KEY)).toBeNull();

    await user.clear(url);
    await user.type(url, 'http://localhost:8787');
    expect(within(dialog).queryByText(SERVER_URL_MESSAGE)).toBeNull();
    expect(url.getAttribute('aria-invalid')).toBeNull();
  });

  it('requires a project', async () => {
    const { user, open } = setup();
    const dialog = await open();
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    const project = field(dialog, 'Project');
    const message = within(dialog).getByText('Enter the project to work in');
    expect(project.getAttribute('aria-invalid')).toBe('true');
    expect(project.getAttribute('aria-describedby')?.split(' ')).toContain(message.id);
    expect(localStorage.getItem(CONNECTION_STORAGE_KEY)).toBeNull();
  });

  it.each([
    [
      'Cancel',
      async (user: ReturnType<typeof userEvent.setup>, dialog: HTMLElement) => {
        await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
      },
    ],
    [
      'Esc',
      async (user: ReturnType<typeof userEvent.setup>) => {
        await user.keyboard('{Escape}');
      },
    ],
  ])('discards the changes on %s and gives focus back to the button', async (_how, close) => {
    const { user, open } = setup();
    let dialog = await open();
    await user.type(field(dialog, 'Project'), 'demo');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    dialog = await open();
    await user.clear(field(dialog, 'Project'));
    await user.type(field(dialog, 'Project'), 'other');
    await close(user, dialog);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('button', { name: 'Settings' })).toBe(document.activeElement);
    expect(screen.getByLabelText('Current connection').textContent).toContain('demo at');

    dialog = await open();
    expect(field(dialog, 'Project').value).toBe('demo');
  });

  it('falls back to the defaults when localStorage holds something corrupt', async () => {
    localStorage.setItem(CONNECTION_STORAGE_KEY, '{"serverUrl": 42, "project": ');
    sessionStorage.setItem(SESSION_API_KEY_STORAGE_KEY, 'key with spaces');
    reloadConnectionSettings();
    const { open } = setup();
    expect(screen.getByLabelText('Current connection').textContent).toBe(
      `(none) at ${window.location.origin}`,
    );
    const dialog = await open();
    expect(field(dialog, 'Server URL').value).toBe(window.location.origin);
    expect(field(dialog, 'API key').value).toBe('');
    expect(field(dialog, 'Project').value).toBe('');
  });
});
