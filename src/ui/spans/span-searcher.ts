import { useEffect, useState } from 'react';
import { type ClientOptions, querySpans } from '@/client';
import type { SpanFilter, SpanSummary } from '@/core/api';
import { Store } from '@/ui/shared/store';
import { useStore } from '@/ui/shared/use-store';

/** How many spans a page of the table asks for. */
export const PAGE_SIZE = 200;
/** How long typing must pause before a search goes out. */
export const SEARCH_DELAY_MS = 300;

/** One search: the project, the filter and how to reach the server. */
export interface SpanSearchRequest {
  project: string;
  filter: SpanFilter;
  options: ClientOptions;
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

const IDLE: SpanSearchState = {
  request: null,
  status: 'idle',
  spans: [],
  total: null,
  nextCursor: null,
  error: null,
  loadingMore: false,
  moreError: null,
};

const keyOf = (request: SpanSearchRequest | null) => (request === null ? null : JSON.stringify(request));

/**
 * Runs the Spans tab's searches: each new search waits for typing to pause, cancels the one before it (timer and
 * request), and asks for the first page with the total count; `loadMore` appends the next page.
 */
export class SpanSearcher extends Store<SpanSearchState> {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private controller: AbortController | null = null;
  private moreController: AbortController | null = null;
  /** Set when the view left; the next search then goes out at once, as a first one does. */
  private disposed = false;

  constructor(
    private readonly onSpans: (spans: readonly SpanSummary[]) => void = () => undefined,
    private readonly delayMs = SEARCH_DELAY_MS,
  ) {
    super(IDLE);
  }

  /** Searches (after the delay, at once for the first search); a search equal to the current one is kept. */
  search(request: SpanSearchRequest | null): void {
    const state = this.getState();
    const key = keyOf(request);
    const busy = this.timer !== null || this.controller !== null;
    if (key === keyOf(state.request) && (state.status === 'ready' || busy)) return;
    this.cancel();
    if (request === null) {
      this.setState(IDLE);
      return;
    }
    const first = state.request === null || this.disposed;
    this.disposed = false;
    this.setState({
      ...state,
      request,
      status: 'searching',
      error: null,
      loadingMore: false,
      moreError: null,
    });
    if (first) this.run(request);
    else this.timer = setTimeout(() => this.run(request), this.delayMs);
  }

  /** Asks for the next page of the current search, unless one is on its way or there is none. */
  loadMore(): void {
    const state = this.getState();
    const { request, nextCursor } = state;
    if (state.status !== 'ready' || request === null || nextCursor === null || this.moreController) return;
    const controller = new AbortController();
    this.moreController = controller;
    this.setState({ ...state, loadingMore: true, moreError: null });
    querySpans(
      request.project,
      { filter: request.filter, limit: PAGE_SIZE, cursor: nextCursor },
      { ...request.options, signal: controller.signal },
    ).then(
      (page) => {
        if (controller.signal.aborted) return;
        this.moreController = null;
        this.onSpans(page.spans);
        const now = this.getState();
        this.setState({
          ...now,
          spans: [...now.spans, ...page.spans],
          nextCursor: page.next_cursor,
          loadingMore: false,
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        this.moreController = null;
        this.setState({ ...this.getState(), loadingMore: false, moreError: error });
      },
    );
  }

  /** Stops everything under way (the view is leaving); a later `search` starts again. */
  dispose(): void {
    this.cancel();
    this.disposed = true;
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.controller?.abort();
    this.controller = null;
    this.moreController?.abort();
    this.moreController = null;
  }

  private run(request: SpanSearchRequest): void {
    this.timer = null;
    const controller = new AbortController();
    this.controller = controller;
    querySpans(
      request.project,
      { filter: request.filter, limit: PAGE_SIZE, count: true },
      { ...request.options, signal: controller.signal },
    ).then(
      (page) => {
        if (controller.signal.aborted) return;
        this.controller = null;
        this.onSpans(page.spans);
        this.setState({
          ...this.getState(),
          status: 'ready',
          spans: page.spans,
          total: page.total ?? null,
          nextCursor: page.next_cursor,
          error: null,
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        this.controller = null;
        this.setState({
          ...this.getState(),
          status: 'failed',
          error,
          spans: [],
          total: null,
          nextCursor: null,
        });
      },
    );
  }
}

/** The search of the Spans tab: runs `request` whenever it changes (debounced), and stops when the view leaves. */
export function useSpanSearch(
  request: SpanSearchRequest | null,
  onSpans: (spans: readonly SpanSummary[]) => void,
): { state: SpanSearchState; loadMore: () => void } {
  const [searcher] = useState(() => new SpanSearcher(onSpans));
  const key = keyOf(request);
  useEffect(() => {
    searcher.search(request);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` names everything `request` holds
  }, [searcher, key]);
  useEffect(() => () => searcher.dispose(), [searcher]);
  const state = useStore(searcher, (current) => current);
  return { state, loadMore: () => searcher.loadMore() };
}
