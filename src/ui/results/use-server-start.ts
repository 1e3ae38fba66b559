import { useQuery } from '@tanstack/react-query';
import type { SubmissionOutcome } from '@/core/outcome';
import { submissionQueryOptions } from '@/ui/history';
import { useConnectionSettings } from '@/ui/settings';

/**
 * When the submission started, as the server recorded it (when its first batch arrived: the time History shows),
 * once the server says; until then, or when it cannot say (nothing reached it), when the browser started it.
 * NOTE: the two differ when the first attempt never reached the server; Results shows the server's, as History.
 */
export function useServerStart(outcome: SubmissionOutcome): string {
  const serverUrl = useConnectionSettings((settings) => settings.serverUrl);
  const apiKey = useConnectionSettings((settings) => settings.apiKey);
  const id = outcome.result.submission_id;
  const { data } = useQuery({
    ...submissionQueryOptions({ serverUrl, apiKey }, outcome.project, id),
    enabled: id !== '',
  });
  return data?.created_at ?? outcome.startedAt;
}
