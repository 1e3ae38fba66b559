import {
  type InfiniteData,
  infiniteQueryOptions,
  keepPreviousData,
  useInfiniteQuery,
} from '@tanstack/react-query';
import { querySpans } from '@/client';
import type { SpanFilter, SpansFound, SpanSummary } from '@/core/api';
import { type ServerConnection, toClientOptions } from '@/ui/settings';
import { useSettledValue } from '@/ui/shared/use-settled-value';
import { spanKeys } from './span-keys';

/** How many spans a page of the table asks for. */
export const PAGE_SIZE = 200;
/** How long typing must pause before a search goes out. */
export const SEARCH_DELAY_MS = 300;

/** One search: the project, the filter and how to reach the server. */
export interface SpanSearchRequest {
  project: string;
  filter: SpanFilter;
  connection: ServerConnection;
}

/** Where a search is, with the spans listed so far (kept while the next search runs, to avoid a blank table). */
export interface SpanSearchState {
  /** The search these spans answer, or are about to; null before any. */
  request: SpanSearchRequest | null;
  status: 'idle' | 'searching' | 'ready' | 'failed';
  spans: readonly SpanSummary[];
  /** How many spans match in all (asked with the first page). */
  total: number | null;
  nextCursor: string | null;
  error: unknown;
  loadingMore: boolean;
  /** Why the last next page failed; null once one succeeds. */
  moreError: unknown;
}

interface Listed {
  spans: readonly SpanSummary[];
  total: number | null;
  nextCursor: string | null;
}

const listedOf = (data: InfiniteData<SpansFound>): Listed => ({
  spans: data.pages.flatMap((page) => page.spans),
  total: data.pages[0]?.total ?? null,
  nextCursor: data.pages.at(-1)?.next_cursor ?? null,
});

/**
 * `POST /api/v1/projects/{project}/spans/query`: the spans a filter finds, newest first, a page at a time; the
 * first page asks for the total count.
 */
export function spanSearchQueryOptions(connection: ServerConnection, project: string, filter: SpanFilter) {
  return infiniteQueryOptions({
    queryKey: spanKeys.search(connection, project, filter),
    queryFn: ({ pageParam, signal }) =>
      querySpans(
        project,
        pageParam === null
          ? { filter, limit: PAGE_SIZE, count: true }
          : { filter, limit: PAGE_SIZE, cursor: pageParam },
        { ...toClientOptions(connection), signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    select: listedOf,
  });
}

const NO_SPANS: readonly SpanSummary[] = [];

const IDLE: SpanSearchState = {
  request: null,
  status: 'idle',
  spans: NO_SPANS,
  total: null,
  nextCursor: null,
  error: null,
  loadingMore: false,
  moreError: null,
};

/**
 * The search of the Spans tab: runs `request` whenever it changes, once typing has paused (at once for the first
 * search), dropping the search before it; the spans of the last search stay listed meanwhile. `loadMore` appends
 * the next page.
 */
export function useSpanSearch(request: SpanSearchRequest | null): {
  state: SpanSearchState;
  loadMore: () => void;
} {
  const [settled, waiting] = useSettledValue(request, JSON.stringify(request), (current) =>
    current === null ? 0 : SEARCH_DELAY_MS,
  );
  const query = useInfiniteQuery({
    ...spanSearchQueryOptions(
      settled?.connection ?? { serverUrl: '', apiKey: '' },
      settled?.project ?? '',
      settled?.filter ?? {},
    ),
    enabled: settled !== null,
    placeholderData: keepPreviousData,
  });
  const listed = query.data;
  const searching =
    waiting || query.isPending || query.isPlaceholderData || (query.isFetching && !query.isFetchingNextPage);
  const loadMore = () => {
    if (!searching && query.hasNextPage && !query.isFetching) void query.fetchNextPage();
  };
  if (request === null) return { state: IDLE, loadMore };
  if (searching) {
    return {
      state: {
        request,
        status: 'searching',
        spans: listed?.spans ?? NO_SPANS,
        total: listed?.total ?? null,
        nextCursor: listed?.nextCursor ?? null,
        error: null,
        loadingMore: false,
        moreError: null,
      },
      loadMore,
    };
  }
  if (query.isError && !query.isFetchNextPageError) {
    return {
      state: { ...IDLE, request, status: 'failed', error: query.error },
      loadMore,
    };
  }
  return {
    state: {
      request,
      status: 'ready',
      spans: listed?.spans ?? NO_SPANS,
      total: listed?.total ?? null,
      nextCursor: listed?.nextCursor ?? null,
      error: null,
      loadingMore: query.isFetchingNextPage,
      moreError: query.isFetchNextPageError ? query.error : null,
    },
    loadMore,
  };
}
