import { type ComponentProps, lazy } from 'react';
import { fetchOnce, LoadFailure } from '@/ui/shared/lazy-code';
import type { SpansStore, SpansView as SpansViewOfTab } from '@/ui/spans';

/** What shows in a view's place when its code could not be fetched. NOTE: typed as any view, it takes no props. */
const failedView =
  (what: string) =>
  (error: unknown): { default: never } => ({
    default: (() => <LoadFailure what={what} error={error} />) as never,
  });

const loadSpans = fetchOnce(() => import('@/ui/spans'));
const loadPreview = fetchOnce(() => import('@/ui/preview'));
const loadResults = fetchOnce(() => import('@/ui/results'));
const loadHistory = fetchOnce(() => import('@/ui/history'));

// The views that are not on the first screen (the Sheet), each in a chunk of its own.
/**
 * Where the app keeps the Spans tab's search and selection between its showings: the store given (tests), or one
 * made with the tab's code the first time it shows (so neither comes with the first screen).
 */
export interface SpansStoreHolder {
  store: SpansStore | null;
}

export const SpansView = lazy(() =>
  loadSpans().then(
    ({ SpansStore, SpansView }) => ({
      default: function SpansTab({
        holder,
        ...props
      }: Omit<ComponentProps<typeof SpansViewOfTab>, 'store'> & { holder: SpansStoreHolder }) {
        // NOTE: made once, on the first showing, and kept by the app for the next.
        holder.store ??= new SpansStore();
        return <SpansView store={holder.store} {...props} />;
      },
    }),
    failedView('The Spans tab'),
  ),
);
export const PreviewView = lazy(() =>
  loadPreview().then((m) => ({ default: m.PreviewView }), failedView('The Preview')),
);
export const ResultsView = lazy(() =>
  loadResults().then((m) => ({ default: m.ResultsView }), failedView('The Results')),
);
export const HistoryView = lazy(() =>
  loadHistory().then((m) => ({ default: m.HistoryView }), failedView('The History')),
);

const ignore = () => undefined;
/** Starts fetching a view's code ahead of showing it (a failure shows when the view is shown). */
export const prefetchView = {
  spans: () => void loadSpans().catch(ignore),
  preview: () => void loadPreview().catch(ignore),
  results: () => void loadResults().catch(ignore),
  history: () => void loadHistory().catch(ignore),
};
