import { useStore } from '@/ui/shared/use-store';
import type { ConnectionSettings } from './connection-form-schema';
import { connectionStore } from './connection-store';

const wholeSettings = (settings: ConnectionSettings) => settings;

/**
 * The current saved connection settings, or the part of them `selector` picks; the component re-renders when
 * what it reads is saved anew (here or in another tab).
 */
export function useConnectionSettings(): ConnectionSettings;
export function useConnectionSettings<Selected>(
  selector: (settings: ConnectionSettings) => Selected,
): Selected;
export function useConnectionSettings<Selected>(
  selector?: (settings: ConnectionSettings) => Selected,
): Selected | ConnectionSettings {
  return useStore<ConnectionSettings, Selected | ConnectionSettings>(
    connectionStore(),
    selector ?? wholeSettings,
  );
}
