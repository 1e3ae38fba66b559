import type { z } from 'zod';
import { type ConnectionSettings, connectionFormSchema } from './connection-form-schema';

/** The localStorage key of the settings (and of the API key when the user asks to remember it). */
export const CONNECTION_STORAGE_KEY = 'spanpatch.connection';

/** The sessionStorage key of the API key when it is kept for this browser session only. */
export const SESSION_API_KEY_STORAGE_KEY = 'spanpatch.connection.apiKey';

/** The server the app talks to when nothing is stored and there is no page origin (server-side rendering). */
const FALLBACK_SERVER_URL = 'http://localhost:8787';

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Where settings are kept; null when the browser refuses that storage (privacy modes, sandboxed frames). */
export interface ConnectionStorages {
  local: StorageLike | null;
  session: StorageLike | null;
}

/** What saving did: everything stored, or why the browser would not keep it. */
export type SaveOutcome = { ok: true } | { ok: false; message: string };

/** The page's own origin, the default server: the server serves the app. */
export function pageOrigin(): string {
  if (typeof window === 'undefined') return FALLBACK_SERVER_URL;
  const { origin } = window.location;
  return origin.startsWith('http://') || origin.startsWith('https://') ? origin : FALLBACK_SERVER_URL;
}

/** The settings before the user has saved any: this page's server, no key, no project. */
export function defaultConnectionSettings(origin: string = pageOrigin()): ConnectionSettings {
  return { serverUrl: origin, apiKey: '', project: '', rememberApiKey: false };
}

/** The browser's localStorage and sessionStorage, each null when touching it throws. */
export function browserStorages(): ConnectionStorages {
  const open = (name: 'localStorage' | 'sessionStorage'): StorageLike | null => {
    try {
      return typeof window === 'undefined' ? null : window[name];
    } catch {
      return null;
    }
  };
  return { local: open('localStorage'), session: open('sessionStorage') };
}

function readItem(storage: StorageLike | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function readJsonRecord(storage: StorageLike | null, key: string): Record<string, unknown> {
  const text = readItem(storage, key);
  if (text === null) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function parseOr<T>(schema: z.ZodType<T>, value: unknown, fallback: T): T {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : fallback;
}

/**
 * Reads the saved settings. Each field is checked with the form's schema, and one that is missing, corrupt or
 * from an older version falls back to its default, so a bad entry never breaks the app or wipes the others.
 */
export function loadConnectionSettings(
  storages: ConnectionStorages = browserStorages(),
  origin: string = pageOrigin(),
): ConnectionSettings {
  const defaults = defaultConnectionSettings(origin);
  const stored = readJsonRecord(storages.local, CONNECTION_STORAGE_KEY);
  const { shape } = connectionFormSchema;
  const rememberApiKey = parseOr(shape.rememberApiKey, stored.rememberApiKey, defaults.rememberApiKey);
  const storedKey = rememberApiKey ? stored.apiKey : readItem(storages.session, SESSION_API_KEY_STORAGE_KEY);
  return {
    serverUrl: parseOr(shape.serverUrl, stored.serverUrl, defaults.serverUrl),
    apiKey: parseOr(shape.apiKey, storedKey ?? '', defaults.apiKey),
    project: parseOr(shape.project, stored.project, defaults.project),
    rememberApiKey,
  };
}

/**
 * Writes validated settings: all but the API key to localStorage; the key to localStorage when the user asked to
 * remember it, else to sessionStorage only, and removed from the other. Storage only: to update the running app
 * too, use `setConnectionSettings`.
 */
export function saveConnectionSettings(
  settings: ConnectionSettings,
  storages: ConnectionStorages = browserStorages(),
): SaveOutcome {
  const { serverUrl, apiKey, project, rememberApiKey } = settings;
  const keepInLocal = rememberApiKey && apiKey !== '';
  const keepInSession = !rememberApiKey && apiKey !== '';
  try {
    if (!storages.local || !storages.session) throw new Error('storage is turned off in this browser');
    storages.local.setItem(
      CONNECTION_STORAGE_KEY,
      JSON.stringify({ serverUrl, project, rememberApiKey, ...(keepInLocal ? { apiKey } : {}) }),
    );
    if (keepInSession) storages.session.setItem(SESSION_API_KEY_STORAGE_KEY, apiKey);
    else storages.session.removeItem(SESSION_API_KEY_STORAGE_KEY);
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      message: `The browser would not store the settings (${error instanceof Error ? error.message : String(error)}); they apply to this tab until it is closed.`,
    };
  }
}
