// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
  CONNECTION_STORAGE_KEY,
  type ConnectionStorages,
  loadConnectionSettings,
  saveConnectionSettings,
  SESSION_API_KEY_STORAGE_KEY,
} from '@/ui/settings';

const ORIGIN = 'http://spanpatch.test:8787';

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

function storages(local: Record<string, string> = {}, session: Record<string, string> = {}) {
  return { local: memoryStorage(local), session: memoryStorage(session) };
}

const defaults = { serverUrl: ORIGIN, apiKey: '', project: '', rememberApiKey: false };

describe('loadConnectionSettings', () => {
  it('gives the defaults, with the page origin as server, when nothing is stored', () => {
    expect(loadConnectionSettings(storages(), ORIGIN)).toEqual(defaults);
  });

  it.each([
    ['text that is not JSON', '{"serverUrl": "http://a'],
    ['a JSON array', '["http://a"]'],
    ['JSON null', 'null'],
    ['a number', '42'],
    ['fields of the wrong type', JSON.stringify({ serverUrl: 7, project: ['demo'], rememberApiKey: 'yes' })],
    ['an ftp URL and an empty project', JSON.stringify({ serverUrl: 'ftp://files.test', project: '  ' })],
  ])('falls back to the defaults for %s', (_case, stored) => {
    expect(loadConnectionSettings(storages({ [CONNECTION_STORAGE_KEY]: stored }), ORIGIN)).toEqual(defaults);
  });

  it('keeps the valid fields of a partly bad entry', () => {
    const stored = JSON.stringify({ serverUrl: 'javascript:alert(1)', project: 'demo', rememberApiKey: 3 });
    expect(loadConnectionSettings(storages({ [CONNECTION_STORAGE_KEY]: stored }), ORIGIN)).toEqual({
      ...defaults,
      project: 'demo',
    });
  });

  it('reads the API key from sessionStorage unless it is remembered', () => {
    const local = { [CONNECTION_STORAGE_KEY]: JSON.stringify({ project: 'demo', apiKey: 'stale' }) };
    const session = { [SESSION_API_KEY_STORAGE_KEY]: 'session-key' };
    expect(loadConnectionSettings(storages(local, session), ORIGIN).apiKey).toBe('session-key');
    const remembered = {
      [CONNECTION_STORAGE_KEY]: JSON.stringify({
        project: 'demo',
        apiKey: 'local-key',
        rememberApiKey: true,
      }),
    };
    expect(loadConnectionSettings(storages(remembered, session), ORIGIN).apiKey).toBe('local-key');
  });

  it('drops a stored API key that could not be sent in a header', () => {
    const session = { [SESSION_API_KEY_STORAGE_KEY]: 'two words\n' };
    expect(loadConnectionSettings(storages({}, session), ORIGIN).apiKey).toBe('');
  });

  it('survives storage that throws on every access', () => {
    const throwing = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      removeItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    };
    const broken: ConnectionStorages = { local: throwing, session: throwing };
    expect(loadConnectionSettings(broken, ORIGIN)).toEqual(defaults);
    const outcome = saveConnectionSettings({ ...defaults, project: 'demo' }, broken);
    expect(outcome.ok).toBe(false);
    expect(loadConnectionSettings({ local: null, session: null }, ORIGIN)).toEqual(defaults);
  });
});

describe('saveConnectionSettings', () => {
  const settings = {
    serverUrl: 'https://spans.test',
    apiKey: 'sk-1',
    project: 'demo',
    rememberApiKey: false,
  };

  it('keeps the API key in sessionStorage only, unless it is remembered', () => {
    const target = storages();
    expect(saveConnectionSettings(settings, target)).toEqual({ ok: true });
    expect(JSON.parse(target.local.items.get(CONNECTION_STORAGE_KEY) ?? '')).toEqual({
      serverUrl: 'https://spans.test',
      project: 'demo',
      rememberApiKey: false,
    });
    expect(target.session.items.get(SESSION_API_KEY_STORAGE_KEY)).toBe('sk-1');

    saveConnectionSettings({ ...settings, rememberApiKey: true }, target);
    expect(JSON.parse(target.local.items.get(CONNECTION_STORAGE_KEY) ?? '')).toMatchObject({
      apiKey: 'sk-1',
    });
    expect(target.session.items.has(SESSION_API_KEY_STORAGE_KEY)).toBe(false);

    saveConnectionSettings(settings, target);
    expect(target.local.items.get(CONNECTION_STORAGE_KEY)).not.toContain('sk-1');
  });

  it('round-trips through loadConnectionSettings', () => {
    for (const rememberApiKey of [false, true]) {
      const target = storages();
      saveConnectionSettings({ ...settings, rememberApiKey }, target);
      expect(loadConnectionSettings(target, ORIGIN)).toEqual({ ...settings, rememberApiKey });
    }
  });
});
