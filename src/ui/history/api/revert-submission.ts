import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { revertSubmission } from '@/client';
import {
  type ConnectionSettings,
  invalidateProject,
  type ServerConnection,
  toClientOptions,
} from '@/ui/settings';
import { historyKeys } from './history-keys';

/**
 * `POST /api/v1/submissions/{id}/revert` as a dry run: what a revert would do, writing nothing. Asked anew each
 * time the dialog opens (never kept once it closes): what a revert would do changes with every write.
 */
export function revertPlanQueryOptions(connection: ServerConnection, id: string) {
  return queryOptions({
    queryKey: historyKeys.revertPlan(connection, id),
    queryFn: ({ signal }) =>
      revertSubmission(id, { dryRun: true }, { ...toClientOptions(connection), signal }),
    staleTime: 0,
    gcTime: 0,
  });
}

/** What reverting a submission would do, asked when the dialog opens. */
export function useRevertPlan(connection: ServerConnection, id: string) {
  const { serverUrl, apiKey } = connection;
  return useQuery(revertPlanQueryOptions({ serverUrl, apiKey }, id));
}

/**
 * Reverts a submission (SPEC §9). Once it ends, written or not (a failed answer may have been written all the
 * same), everything read of the project is marked out of date: the list shows the revert, its spans their values.
 */
export function useRevertSubmission(settings: ConnectionSettings) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => revertSubmission(id, { dryRun: false }, toClientOptions(settings)),
    // NOTE: not awaited: the revert's result shows at once, while what it changed is read again.
    onSettled: () => {
      void invalidateProject(queryClient, settings);
    },
  });
}
