import type { UseInfiniteQueryResult } from '@tanstack/react-query';

/** The rows of a paged list's pages loaded so far, in order, and how many match in all (when the server says). */
export interface LoadedRows<Item> {
  items: readonly Item[];
  total: number | null;
}

/** A list read page by page from the server, as far as the user asked. */
export interface PagedList<Item> {
  /** The first page: not asked for, under way, answered, or failed. */
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** Every row loaded so far; while the list is read again (a refresh, a new search), the rows shown before. */
  items: readonly Item[];
  /** How many rows match in all, when the server says. */
  total: number | null;
  /** True when the server has more rows after these. */
  hasMore: boolean;
  /** Why the first page failed. */
  error: unknown;
  /** The page after: not asked for, under way, or failed (with why). */
  more: { status: 'idle' | 'loading' | 'failed'; error: unknown };
  /** Loads the next page and adds its rows; does nothing while the list loads or when there is none. */
  loadMore: () => void;
}

const IDLE_MORE = { status: 'idle', error: null } as const;

/**
 * What a paged list shows, from its infinite query (whose `select` gives `LoadedRows`): the first page loading
 * (with the rows shown before, if any), failed, or ready with the page after loading or failed. Never stops at a
 * cap: the user pages as far as the server has rows.
 */
export function pagedListOf<Item>(
  query: UseInfiniteQueryResult<LoadedRows<Item>>,
  enabled: boolean,
): PagedList<Item> {
  const loadMore = () => {
    if (query.hasNextPage && !query.isFetching) void query.fetchNextPage();
  };
  if (!enabled) {
    return { status: 'idle', items: [], total: null, hasMore: false, error: null, more: IDLE_MORE, loadMore };
  }
  if (query.isPending || query.isPlaceholderData || (query.isFetching && !query.isFetchingNextPage)) {
    return {
      status: 'loading',
      items: query.data?.items ?? [],
      total: query.data?.total ?? null,
      hasMore: false,
      error: null,
      more: IDLE_MORE,
      loadMore,
    };
  }
  if (query.isError && !query.isFetchNextPageError) {
    return {
      status: 'failed',
      items: [],
      total: null,
      hasMore: false,
      error: query.error,
      more: IDLE_MORE,
      loadMore,
    };
  }
  return {
    status: 'ready',
    items: query.data?.items ?? [],
    total: query.data?.total ?? null,
    hasMore: query.hasNextPage,
    error: null,
    more: query.isFetchingNextPage
      ? { status: 'loading', error: null }
      : query.isFetchNextPageError
        ? { status: 'failed', error: query.error }
        : IDLE_MORE,
    loadMore,
  };
}
