import { type ReactNode, useEffect, useRef } from 'react';
import type { PagedList } from './api/paged-list';

type PagingState = Pick<PagedList<unknown>, 'status' | 'hasMore' | 'more' | 'loadMore'>;

/**
 * Keeps the keyboard focus when "Load more" brings the last page and its button goes away: the focus moves to
 * `target()` (the rows it brought) instead of being lost. Returns what the button calls when pressed.
 */
export function useFocusAfterLastPage(
  list: PagingState,
  target: () => HTMLElement | null | undefined,
): () => void {
  const pressed = useRef(false);
  useEffect(() => {
    if (!pressed.current || list.more.status === 'loading' || list.hasMore) return;
    pressed.current = false;
    if (list.status !== 'ready') return;
    const focused = document.activeElement;
    if (focused === null || focused === document.body) target()?.focus();
  });
  return () => {
    pressed.current = true;
  };
}

/**
 * The "Load more" button of a paged list. While a page loads it stays focusable (`aria-disabled`), so the focus
 * is not lost; the list's status line says that it loads.
 */
export function LoadMoreButton({
  list,
  onPress,
  children,
}: {
  list: PagingState;
  onPress: () => void;
  children: ReactNode;
}) {
  const loading = list.more.status === 'loading';
  return (
    <button
      type="button"
      className="history-load-more"
      aria-disabled={loading || undefined}
      onClick={() => {
        if (loading) return;
        onPress();
        list.loadMore();
      }}
    >
      {children}
    </button>
  );
}
