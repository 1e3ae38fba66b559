import { useSyncExternalStore } from 'react';
import type { ConnectionSettings } from './connection-form-schema';
import {
  getConnectionSettings,
  getServerConnectionSettings,
  subscribeConnectionSettings,
} from './connection-store';

/** The current saved connection settings; the component re-renders when they are saved. */
export function useConnectionSettings(): ConnectionSettings {
  return useSyncExternalStore(
    subscribeConnectionSettings,
    getConnectionSettings,
    getServerConnectionSettings,
  );
}
