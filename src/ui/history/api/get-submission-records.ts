import {
  type InfiniteData,
  infiniteQueryOptions,
  keepPreviousData,
  useInfiniteQuery,
} from '@tanstack/react-query';
import { listSubmissionChanges, listSubmissionErrors } from '@/client';
import type { SpanError, SubmissionChange, SubmissionChangesPage, SubmissionErrorsPage } from '@/core/api';
import { type ServerConnection, toClientOptions } from '@/ui/settings';
import { historyKeys } from './history-keys';
import { type LoadedRows, type PagedList, pagedListOf } from './paged-list';

/** How many changes or errors one "Load more" reads. */
export const DETAIL_PAGE_SIZE = 200;

const changeRows = (data: InfiniteData<SubmissionChangesPage>): LoadedRows<SubmissionChange> => ({
  items: data.pages.flatMap((page) => page.changes),
  total: data.pages.at(-1)?.total ?? null,
});

const errorRows = (data: InfiniteData<SubmissionErrorsPage>): LoadedRows<SpanError> => ({
  items: data.pages.flatMap((page) => page.errors),
  total: data.pages.at(-1)?.total ?? null,
});

/** The page query of a search: the start of a span ID, or part of a key (changes) or of a message (errors). */
const pageQuery = (search: string, cursor: string | null) => ({
  limit: DETAIL_PAGE_SIZE,
  cursor,
  ...(search === '' ? {} : { q: search }),
});

/** `GET /api/v1/submissions/{id}/changes`: each key a submission changed, before and after, oldest first. */
export function submissionChangesQueryOptions(
  connection: ServerConnection,
  project: string,
  id: string,
  search: string,
) {
  return infiniteQueryOptions({
    queryKey: historyKeys.records(connection, project, id, 'changes', search),
    queryFn: ({ pageParam, signal }) =>
      listSubmissionChanges(id, pageQuery(search, pageParam), { ...toClientOptions(connection), signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    select: changeRows,
    // A new search shows the rows of the last one until its answer comes.
    placeholderData: keepPreviousData,
  });
}

/** `GET /api/v1/submissions/{id}/errors`: a submission's per-span errors, in the order they happened. */
export function submissionErrorsQueryOptions(
  connection: ServerConnection,
  project: string,
  id: string,
  search: string,
) {
  return infiniteQueryOptions({
    queryKey: historyKeys.records(connection, project, id, 'errors', search),
    queryFn: ({ pageParam, signal }) =>
      listSubmissionErrors(id, pageQuery(search, pageParam), { ...toClientOptions(connection), signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    select: errorRows,
    placeholderData: keepPreviousData,
  });
}

/** A submission's changes matching a search, as far as "Load more changes" went. */
export function useSubmissionChanges(
  connection: ServerConnection,
  project: string,
  id: string,
  search: string,
): PagedList<SubmissionChange> {
  const { serverUrl, apiKey } = connection;
  const query = useInfiniteQuery(submissionChangesQueryOptions({ serverUrl, apiKey }, project, id, search));
  return pagedListOf(query, true);
}

/** A submission's errors matching a search, as far as "Load more errors" went. */
export function useSubmissionErrors(
  connection: ServerConnection,
  project: string,
  id: string,
  search: string,
): PagedList<SpanError> {
  const { serverUrl, apiKey } = connection;
  const query = useInfiniteQuery(submissionErrorsQueryOptions({ serverUrl, apiKey }, project, id, search));
  return pagedListOf(query, true);
}
