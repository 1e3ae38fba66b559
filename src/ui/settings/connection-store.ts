import { Store } from '@/ui/shared/store';
import type { ConnectionSettings } from './connection-form-schema';
import {
  CONNECTION_STORAGE_KEY,
  loadConnectionSettings,
  type SaveOutcome,
  saveConnectionSettings,
} from './connection-storage';

/** The saved connection settings, kept in memory and in step with other tabs while anyone listens. */
class ConnectionStore extends Store<ConnectionSettings> {
  /** Saves settings to storage and makes them the app's current settings. */
  save(settings: ConnectionSettings): SaveOutcome {
    const outcome = saveConnectionSettings(settings);
    this.setState(settings);
    return outcome;
  }

  /** Reads the settings from storage again. */
  reload(): void {
    this.setState(loadConnectionSettings());
  }

  protected override connect(): (() => void) | undefined {
    if (typeof window === 'undefined') return undefined;
    const onStorage = (event: StorageEvent) => {
      // NOTE: another tab saved settings; the session-only API key stays this tab's own.
      if (event.key === CONNECTION_STORAGE_KEY || event.key === null) this.reload();
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }
}

let store: ConnectionStore | null = null;

/** The app's one connection store, reading storage the first time it is asked for. */
export function connectionStore(): ConnectionStore {
  store ??= new ConnectionStore(loadConnectionSettings());
  return store;
}

/** The saved settings, read from storage once and then kept in memory. */
export function getConnectionSettings(): ConnectionSettings {
  return connectionStore().getState();
}

/** Saves settings to storage and makes them the app's current settings, re-rendering every subscriber. */
export function setConnectionSettings(settings: ConnectionSettings): SaveOutcome {
  return connectionStore().save(settings);
}

/** Reads the settings from storage again and tells the subscribers. */
export function reloadConnectionSettings(): void {
  connectionStore().reload();
}
