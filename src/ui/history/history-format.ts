import { ApiRequestError, failedConnectionCheck } from '@/client';
import type { SubmissionChange } from '@/core/api-schema';
import { type ConnectionSettings, describeConnectionCheck } from '@/ui/settings';
import { valueText } from '@/ui/shared/cell-text';

/** The "before" of a change: the old value, or that the key did not exist on the span. */
export function beforeText(change: SubmissionChange): string {
  return change.existed_before ? valueText(change.before) : 'did not exist';
}

/** True when a change matches a search text on span ID or key, ignoring case. */
export function changeMatches(change: SubmissionChange, query: string): boolean {
  const needle = query.trim().toLowerCase();
  return (
    needle === '' ||
    change.span_id.toLowerCase().includes(needle) ||
    change.key.toLowerCase().includes(needle)
  );
}

/**
 * Says in plain words why a history request failed, as the settings' connection test does: the server cannot
 * be reached, needs an API key or refused it, is not a Spanpatch server, or answered an error.
 */
export function describeRequestError(
  error: unknown,
  settings: Pick<ConnectionSettings, 'serverUrl' | 'apiKey' | 'project'>,
): string {
  if (!(error instanceof ApiRequestError)) return error instanceof Error ? error.message : String(error);
  return describeConnectionCheck(failedConnectionCheck(error), {
    ...settings,
    pageOrigin: typeof window === 'undefined' ? undefined : window.location.origin,
  }).text;
}
