import { type RefObject, useCallback, useLayoutEffect, useState } from 'react';

/** A row in view: its index in the list and where it starts, in pixels from the top of the scroll area. */
export interface FixedRow {
  index: number;
  start: number;
}

interface Viewport {
  /** The scroll position, less where the rows begin in the scroll area (below a sticky header). */
  top: number;
  height: number;
}

/**
 * The rows of a long list of rows of one height that are in view (and `overscan` more each side), from the
 * scroll position alone: no object per row, so a list of a million rows costs what a list of fifty does. (A
 * virtualizer that measures rows keeps a measurement per row: 190 ms and 1,000,000 objects to start at 1M rows.)
 * `fallbackHeight` stands in for the viewport until it is laid out (and where it never is, as in jsdom).
 */
export function useFixedRows({
  count,
  rowHeight,
  scrollRef,
  bodyRef,
  overscan = 12,
  fallbackHeight = 640,
}: {
  count: number;
  rowHeight: number;
  scrollRef: RefObject<HTMLElement | null>;
  /** The element the rows are placed in, when something (a header) comes before it in the scroll area. */
  bodyRef?: RefObject<HTMLElement | null>;
  overscan?: number;
  fallbackHeight?: number;
}) {
  /** Where the rows begin in the scroll area, in pixels from its top. */
  const bodyOffset = useCallback(() => {
    const element = scrollRef.current;
    const body = bodyRef?.current;
    if (!element || !body) return 0;
    return body.getBoundingClientRect().top - element.getBoundingClientRect().top + element.scrollTop;
  }, [scrollRef, bodyRef]);

  const [viewport, setViewport] = useState<Viewport>({ top: 0, height: fallbackHeight });

  const measure = useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    const next = { top: element.scrollTop - bodyOffset(), height: element.clientHeight || fallbackHeight };
    setViewport((current) => (current.top === next.top && current.height === next.height ? current : next));
  }, [scrollRef, fallbackHeight, bodyOffset]);

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    measure();
    element.addEventListener('scroll', measure, { passive: true });
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    observer?.observe(element);
    return () => {
      element.removeEventListener('scroll', measure);
      observer?.disconnect();
    };
  }, [scrollRef, measure]);

  const first = Math.max(0, Math.floor(Math.max(0, viewport.top) / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil((viewport.top + viewport.height) / rowHeight) + overscan);
  const rows: FixedRow[] = [];
  for (let index = first; index < end; index++) rows.push({ index, start: index * rowHeight });

  /**
   * Scrolls as little as needed to bring a row into view: below what comes before the rows (a sticky header stays
   * over them), above the bottom.
   */
  const scrollToIndex = useCallback(
    (index: number) => {
      const element = scrollRef.current;
      if (!element) return;
      const offset = bodyOffset();
      const start = offset + index * rowHeight;
      const height = element.clientHeight || fallbackHeight;
      if (start - offset < element.scrollTop) element.scrollTop = start - offset;
      else if (start + rowHeight > element.scrollTop + height) element.scrollTop = start + rowHeight - height;
      measure();
    },
    [scrollRef, rowHeight, fallbackHeight, measure, bodyOffset],
  );

  return { rows, totalSize: count * rowHeight, scrollToIndex };
}
