import { useEffect, useRef, useState } from 'react';

/** One page as a paged route answers it: its rows, how many match in all (when said), and where to go on. */
export interface Page<Item> {
  items: Item[];
  total: number | null;
  next: string | null;
}

/** What to load: `key` names everything the pages depend on; rows of the same `scope` stay shown meanwhile. */
export interface PagedRequest {
  key: string;
  scope: string;
}

/** A list read page by page from the server, as far as the user asked. */
export interface PagedList<Item> {
  /** The first page: not asked for, under way, answered, or failed. */
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** Every row loaded so far; while a new first page loads, the rows of the same scope loaded before. */
  items: readonly Item[];
  /** How many rows match in all, when the server says. */
  total: number | null;
  /** True when the server has more rows after these. */
  hasMore: boolean;
  /** Why the first page failed. */
  error: unknown;
  /** The page after: not asked for, under way, or failed (with why). */
  more: { status: 'idle' | 'loading' | 'failed'; error: unknown };
  /** Loads the next page and adds its rows; does nothing while one loads or when there is none. */
  loadMore: () => void;
}

interface Loaded<Item> {
  key: string;
  scope: string;
  status: 'ready' | 'failed';
  items: Item[];
  total: number | null;
  next: string | null;
  error: unknown;
  more: 'idle' | 'loading' | 'failed';
  moreError: unknown;
}

/**
 * Reads a paged list: the first page whenever `request.key` changes (null: nothing to load), aborting the one it
 * replaces, then one page more on each `loadMore`. Never stops at a cap: the user pages as far as the server has
 * rows. `loadPage` gets the cursor of the page to read (null for the first).
 */
export function usePagedList<Item>(
  request: PagedRequest | null,
  loadPage: (cursor: string | null, signal: AbortSignal) => Promise<Page<Item>>,
): PagedList<Item> {
  const [loaded, setLoaded] = useState<Loaded<Item> | null>(null);
  const moreRequest = useRef<AbortController | null>(null);
  const key = request?.key ?? null;
  const scope = request?.scope ?? '';

  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    const settle = (next: Omit<Loaded<Item>, 'key' | 'scope' | 'more' | 'moreError'>) => {
      if (!controller.signal.aborted) setLoaded({ key, scope, more: 'idle', moreError: null, ...next });
    };
    loadPage(null, controller.signal).then(
      (page) =>
        settle({ status: 'ready', items: page.items, total: page.total, next: page.next, error: null }),
      (error: unknown) => settle({ status: 'failed', items: [], total: null, next: null, error }),
    );
    return () => {
      controller.abort();
      moreRequest.current?.abort();
      moreRequest.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` names everything `loadPage` depends on
  }, [key]);

  const loadMore = () => {
    if (loaded === null || loaded.key !== key || loaded.next === null || loaded.more === 'loading') return;
    const cursor = loaded.next;
    const forKey = loaded.key;
    const controller = new AbortController();
    moreRequest.current = controller;
    const update = (change: (current: Loaded<Item>) => Loaded<Item>) =>
      setLoaded((current) =>
        current !== null && current.key === forKey && !controller.signal.aborted ? change(current) : current,
      );
    update((current) => ({ ...current, more: 'loading', moreError: null }));
    loadPage(cursor, controller.signal).then(
      (page) =>
        update((current) => ({
          ...current,
          items: [...current.items, ...page.items],
          total: page.total ?? current.total,
          next: page.next,
          more: 'idle',
        })),
      (error: unknown) => update((current) => ({ ...current, more: 'failed', moreError: error })),
    );
  };

  const idleMore = { status: 'idle', error: null } as const;
  if (key === null) {
    return { status: 'idle', items: [], total: null, hasMore: false, error: null, more: idleMore, loadMore };
  }
  if (loaded === null || loaded.key !== key) {
    const previous = loaded?.scope === scope && loaded.status === 'ready' ? loaded : null;
    return {
      status: 'loading',
      items: previous?.items ?? [],
      total: previous?.total ?? null,
      hasMore: false,
      error: null,
      more: idleMore,
      loadMore,
    };
  }
  return {
    status: loaded.status,
    items: loaded.items,
    total: loaded.total,
    hasMore: loaded.next !== null,
    error: loaded.error,
    more: { status: loaded.more, error: loaded.moreError },
    loadMore,
  };
}
