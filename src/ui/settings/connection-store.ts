import type { ConnectionSettings } from './connection-form-schema';
import {
  CONNECTION_STORAGE_KEY,
  defaultConnectionSettings,
  loadConnectionSettings,
  type SaveOutcome,
  saveConnectionSettings,
} from './connection-storage';

let current: ConnectionSettings | null = null;
let serverSnapshot: ConnectionSettings | null = null;
const listeners = new Set<() => void>();

function notify() {
  for (const listener of listeners) listener();
}

function onStorage(event: StorageEvent) {
  // NOTE: another tab saved settings; the session-only API key stays this tab's own.
  if (event.key === CONNECTION_STORAGE_KEY || event.key === null) reloadConnectionSettings();
}

/** The saved settings, read from storage once and then kept in memory. */
export function getConnectionSettings(): ConnectionSettings {
  current ??= loadConnectionSettings();
  return current;
}

/** The settings seen when rendering without a browser: the defaults. */
export function getServerConnectionSettings(): ConnectionSettings {
  serverSnapshot ??= defaultConnectionSettings();
  return serverSnapshot;
}

/** Calls `listener` whenever the settings change (here or in another tab); returns the unsubscribe function. */
export function subscribeConnectionSettings(listener: () => void): () => void {
  if (listeners.size === 0 && typeof window !== 'undefined') window.addEventListener('storage', onStorage);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && typeof window !== 'undefined')
      window.removeEventListener('storage', onStorage);
  };
}

/** Saves settings to storage and makes them the app's current settings, re-rendering every subscriber. */
export function setConnectionSettings(settings: ConnectionSettings): SaveOutcome {
  const outcome = saveConnectionSettings(settings);
  current = settings;
  notify();
  return outcome;
}

/** Reads the settings from storage again and tells the subscribers. */
export function reloadConnectionSettings(): void {
  current = loadConnectionSettings();
  notify();
}
