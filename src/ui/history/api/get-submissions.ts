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

/** `GET /api/v1/submissions?project=…`: a project's submissions, newest first, a page at a time. */
export function submissionsQueryOptions(connection: ServerConnection, project: string) {
  return infiniteQueryOptions({
    queryKey: historyKeys.list(connection, project),
    queryFn: ({ pageParam, signal }) =>
      listSubmissions(
        { project, limit: HISTORY_PAGE_SIZE, cursor: pageParam },
        { ...toClientOptions(connection), signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    select: rowsOf,
  });
}

/** The submissions to a project (none asked for without a project), as far as "Load more" went. */
export function useSubmissions(connection: ServerConnection, project: string): PagedList<Submission> {
  const { serverUrl, apiKey } = connection;
  const enabled = project !== '';
  const query = useInfiniteQuery({ ...submissionsQueryOptions({ serverUrl, apiKey }, project), enabled });
  return pagedListOf(query, enabled);
}
