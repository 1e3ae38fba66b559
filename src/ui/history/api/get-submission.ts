import { queryOptions, useQuery } from '@tanstack/react-query';
import { getSubmission } from '@/client';
import { type ServerConnection, toClientOptions } from '@/ui/settings';
import { historyKeys } from './history-keys';

/** `GET /api/v1/submissions/{id}`: one submission of a project, with its totals and revert links. */
export function submissionQueryOptions(connection: ServerConnection, project: string, id: string) {
  return queryOptions({
    queryKey: historyKeys.submission(connection, project, id),
    queryFn: ({ signal }) => getSubmission(id, { ...toClientOptions(connection), signal }),
  });
}

/** One submission as the server has it now. */
export function useSubmission(connection: ServerConnection, project: string, id: string) {
  const { serverUrl, apiKey } = connection;
  return useQuery(submissionQueryOptions({ serverUrl, apiKey }, project, id));
}
