import { useMemo } from 'react';
import { useConnectionSettings, useProjectFields } from '@/ui/settings';

/**
 * The metadata keys of the project chosen in Settings, to offer when a column's key is named or mapped; none
 * while they load, without a project, or when the server cannot answer (naming a key never waits for it).
 */
export function useProjectKeys(): readonly string[] {
  const { serverUrl, apiKey, project } = useConnectionSettings();
  const fields = useProjectFields({ serverUrl, apiKey }, project);
  return useMemo(() => fields.map((field) => field.key), [fields]);
}
