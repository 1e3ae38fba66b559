import { getFields } from '@/client';
import { toClientOptions, useConnectionSettings } from '@/ui/settings';
import { useRequest } from '@/ui/shared/use-request';

const NO_KEYS: readonly string[] = Object.freeze([]);

/**
 * The metadata keys of the project chosen in Settings, to offer when a column's key is named or mapped; none
 * while they load, without a project, or when the server cannot answer (naming a key never waits for it).
 */
export function useProjectKeys(): readonly string[] {
  const { serverUrl, apiKey, project } = useConnectionSettings();
  const fields = useRequest(
    project === '' ? null : JSON.stringify(['fields', serverUrl, apiKey, project]),
    (signal) => getFields(project, { ...toClientOptions({ serverUrl, apiKey }), signal }),
  );
  return fields.status === 'ready' ? fields.data.fields.map((field) => field.key) : NO_KEYS;
}
