import { type InfiniteData, infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { listSubmissions } from '@/client';
import type { Submission, SubmissionsResponse } from '@/core/api';
import { type ServerConnection, toClientOptions } from '@/ui/settings';
import { historyKeys } from './history-keys';
import { type LoadedRows, type PagedList, pagedListOf } from './paged-list';

/** How many submissions one page of the list (and each "Load more") reads. */
export const HISTORY_PAGE_SIZE = 100;

const rowsOf = (data: InfiniteData<SubmissionsResponse>): LoadedRows<Submission> => ({
  items: data.pages.flatMap((page) => page.submissions),
  total: null,
});

/**
 * `GET /api/v1/submissions?project=…&person=…`: a project's submissions, newest first, a page at a time; with
 * `person` (a subject at the identity provider), only that person's.
 */
export function submissionsQueryOptions(
  connection: ServerConnection,
  project: string,
  person: string | null = null,
) {
  return infiniteQueryOptions({
    queryKey: historyKeys.list(connection, project, person),
    queryFn: ({ pageParam, signal }) =>
      listSubmissions(
        { project, ...(person === null ? {} : { person }), limit: HISTORY_PAGE_SIZE, cursor: pageParam },
        { ...toClientOptions(connection), signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    select: rowsOf,
  });
}

/**
 * The submissions to a project (none asked for without a project), as far as "Load more" went: everyone's, or
 * `person`'s only; none asked for while `active` is false.
 */
export function useSubmissions(
  connection: ServerConnection,
  project: string,
  person: string | null = null,
  active = true,
): PagedList<Submission> {
  const { serverUrl, apiKey } = connection;
  const enabled = active && project !== '';
  const query = useInfiniteQuery({
    ...submissionsQueryOptions({ serverUrl, apiKey }, project, person),
    enabled,
  });
  return pagedListOf(query, enabled);
}
