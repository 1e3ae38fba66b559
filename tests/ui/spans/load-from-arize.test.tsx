// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ArizeLoadResponse, ProjectTarget } from '@/core/api';
import { ProjectTargetText, setConnectionSettings } from '@/ui/settings';
import { LoadFromArize } from '@/ui/spans/load-from-arize';
import { render } from '../render';
import { json } from '../shared/fake-fetch';

const LINKED: ProjectTarget = { kind: 'arize', space_id: 'U3BhY2U6MQ==', project: 'support-prod' };

interface LoadCall {
  start: string;
  end: string;
}

/**
 * A server listing `support` with `target`, answering each load with `answer` (called with the window and its
 * position), after `hold` resolves when given.
 */
function stubServer(
  target: ProjectTarget,
  answer: (call: LoadCall, index: number) => Response,
  hold?: (index: number) => Promise<void> | undefined,
  me?: Record<string, unknown>,
) {
  const loads: LoadCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    if (url.pathname === '/api/v1/projects') {
      return json(200, { projects: [{ name: 'support', spans: 0, target }] });
    }
    if (url.pathname === '/api/v1/me' && me !== undefined) return json(200, me);
    if (url.pathname === '/api/v1/projects/support/arize/load' && init?.method === 'POST') {
      const call = JSON.parse(String(init.body)) as LoadCall;
      const index = loads.length;
      loads.push(call);
      await hold?.(index);
      return answer(call, index);
    }
    return json(404, { error: { code: 'not_found', message: url.pathname } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { loads };
}

const counts = (spans_new: number, spans_updated: number): ArizeLoadResponse => ({
  spans_loaded: spans_new + spans_updated,
  spans_new,
  spans_updated,
  spans_unchanged: 0,
});

function renderLoad() {
  const settings = { serverUrl: window.location.origin, apiKey: '', project: 'support' };
  return render(<LoadFromArize settings={settings} />);
}

const progress = () => screen.getByRole('status', { name: 'Loading from Arize' });

beforeEach(() => {
  localStorage.clear();
  setConnectionSettings({
    serverUrl: window.location.origin,
    apiKey: '',
    project: 'support',
    rememberApiKey: false,
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Load spans from Arize (Spans tab of a linked project)', () => {
  it('is not offered for a project that writes to Spanpatch itself', async () => {
    const server = stubServer({ kind: 'local' }, () => json(200, counts(0, 0)));
    const settings = { serverUrl: window.location.origin, apiKey: '', project: 'support' };
    render(
      <>
        <ProjectTargetText settings={settings} />
        <LoadFromArize settings={settings} />
      </>,
    );
    // Once the server said where the project writes, there is no load to offer.
    await screen.findByText("Writes to Spanpatch's store");
    expect(screen.queryByRole('button', { name: 'Load spans from Arize' })).toBeNull();
    expect(server.loads).toEqual([]);
  });

  it("is an admin's (SPEC §16): an editor signed in reaches the button and hears why, and nothing loads", async () => {
    const user = userEvent.setup();
    const editor = { name: 'Ana', email: 'ana@example.com', role: 'editor', via: 'session', subject: 'ana' };
    const server = stubServer(LINKED, () => json(200, counts(1, 0)), undefined, editor);
    renderLoad();
    const button = await screen.findByRole('button', {
      name: 'Load spans from Arize',
      description:
        'Loading spans from Arize is for admins; ask an admin to load them, or to make you an admin.',
    });
    expect(button.getAttribute('aria-disabled')).toBe('true');
    button.focus();
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('dialog', { name: 'Load spans from Arize' })).toBeNull();
    expect(server.loads).toEqual([]);
  });

  it('loads the last 24 hours part by part with the keyboard alone, shows progress, then what the copy got', async () => {
    const user = userEvent.setup();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = stubServer(
      LINKED,
      (_call, index) => json(200, index === 0 ? counts(50, 4) : counts(1, 0)),
      (index) => (index === 1 ? held : undefined),
    );
    renderLoad();
    const open = await screen.findByRole('button', { name: 'Load spans from Arize' });
    open.focus();
    await user.keyboard('{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'Load spans from Arize' });
    expect(dialog.textContent).toContain('support-prod');
    expect(
      (within(dialog).getByRole('radio', { name: 'The last 24 hours' }) as HTMLInputElement).checked,
    ).toBe(true);
    within(dialog).getByRole('button', { name: 'Load' }).focus();
    await user.keyboard('{Enter}');
    // The second part is held: the first one's spans are counted.
    await waitFor(() => expect(progress().textContent).toBe('Loading part 2 of 24 · 54 spans loaded so far'));
    expect(within(dialog).getByRole('progressbar', { name: 'Parts loaded' }).getAttribute('value')).toBe('1');
    release();
    await waitFor(() => expect(progress().textContent).toBe('Loaded 77 spans: 73 new, 4 updated.'));
    expect(server.loads).toHaveLength(24);
    // Contiguous hours, oldest first, ending now.
    for (let index = 1; index < server.loads.length; index++) {
      expect(server.loads[index]?.start).toBe(server.loads[index - 1]?.end);
    }
    const hours =
      (Date.parse(server.loads.at(-1)?.end ?? '') - Date.parse(server.loads[0]?.start ?? '')) / 3_600_000;
    expect(hours).toBe(24);
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('Cancel stops the load part way: no part after it is asked for, and the form is back', async () => {
    const user = userEvent.setup();
    const never = new Promise<void>(() => {});
    const server = stubServer(
      LINKED,
      () => json(200, counts(2, 0)),
      (index) => (index === 1 ? never : undefined),
    );
    renderLoad();
    await user.click(await screen.findByRole('button', { name: 'Load spans from Arize' }));
    await user.click(screen.getByRole('button', { name: 'Load' }));
    await waitFor(() => expect(progress().textContent).toBe('Loading part 2 of 24 · 2 spans loaded so far'));
    // The window cannot change while it loads.
    expect(screen.getByRole('radio', { name: 'The last 7 days' }).closest('fieldset')?.disabled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Load' })).not.toBeNull());
    expect(progress().textContent).toBe('');
    expect(server.loads).toHaveLength(2);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says in plain words when Arize refuses the key or cannot be reached, and how far it got', async () => {
    const user = userEvent.setup();
    stubServer(LINKED, (_call, index) =>
      index < 2
        ? json(200, counts(3, 0))
        : json(502, {
            error: {
              code: 'arize_unreachable',
              message:
                'Loading from Arize AX failed: Arize AX could not be reached at flight.arize.com:443 (connection refused)',
            },
          }),
    );
    renderLoad();
    await user.click(await screen.findByRole('button', { name: 'Load spans from Arize' }));
    const dialog = screen.getByRole('dialog', { name: 'Load spans from Arize' });
    await user.click(within(dialog).getByRole('button', { name: 'Load' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toBe(
      'Arize AX cannot be reached from the Spanpatch server. Arize AX could not be reached at flight.arize.com:443 (connection refused). Loaded 6 spans: 6 new, 0 updated before it stopped.',
    );
    cleanup();
    vi.unstubAllGlobals();

    stubServer(LINKED, () =>
      json(502, {
        error: {
          code: 'arize_key_refused',
          message: 'Loading from Arize AX failed: Arize AX refused the API key (ARIZE_API_KEY)',
        },
      }),
    );
    renderLoad();
    await user.click(await screen.findByRole('button', { name: 'Load spans from Arize' }));
    await user.click(screen.getByRole('radio', { name: 'The last 7 days' }));
    await user.click(screen.getByRole('button', { name: 'Load' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /^Arize AX refused the API key set on the Spanpatch server \(ARIZE_API_KEY\)\..* Nothing was loaded\.$/,
    );
  });

  it('loads since a time of its own, and says what is wrong with one it cannot take', async () => {
    const user = userEvent.setup();
    const server = stubServer(LINKED, () => json(200, counts(0, 1)));
    renderLoad();
    await user.click(await screen.findByRole('button', { name: 'Load spans from Arize' }));
    await user.click(screen.getByRole('radio', { name: 'Since a time' }));
    const since = screen.getByLabelText(/^Since \(your local time/);
    await user.click(screen.getByRole('button', { name: 'Load' }));
    expect(screen.getByRole('alert').textContent).toBe('Enter the time to load from.');
    await user.type(since, '2001-01-01T00:00');
    await user.click(screen.getByRole('button', { name: 'Load' }));
    expect(screen.getByRole('alert').textContent).toBe('A load reads at most 31 days: choose a later time.');
    expect(server.loads).toEqual([]);

    const threeHoursAgo = new Date(Date.now() - 3 * 3_600_000 - 60_000);
    const local = new Date(threeHoursAgo.getTime() - threeHoursAgo.getTimezoneOffset() * 60_000)
      .toISOString()
      .slice(0, 16);
    await user.clear(since);
    await user.type(since, local);
    await user.click(screen.getByRole('button', { name: 'Load' }));
    await waitFor(() => expect(progress().textContent).toBe('Loaded 4 spans: 0 new, 4 updated.'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(server.loads).toHaveLength(4);
  });
});
