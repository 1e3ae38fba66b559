/**
 * What shows while the code of a part of the app arrives (a `Suspense` fallback): a status that says what is
 * loading, read out by screen readers. `floating` sits over the page (for a dialog on its way), so nothing moves.
 */
export function LoadingStatus({ what, floating = false }: { what: string; floating?: boolean }) {
  return (
    <p role="status" className={floating ? 'loading-status loading-status-floating' : 'loading-status'}>
      Loading {what}…
    </p>
  );
}

/**
 * What shows when the code of a part of the app could not be fetched (the server is down, or was updated since the
 * page loaded): why, and what to do.
 */
export function LoadFailure({ what, error }: { what: string; error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p role="alert" className="banner banner-error">
      {what} could not be loaded ({message}). Reload the page to try again.
    </p>
  );
}

/**
 * Fetches code once (`import()` of a part of the app): the first call starts the download (pointing at what shows
 * it, or showing it), the others wait for the same; a failed fetch is tried again on the next call.
 */
export function fetchOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    }));
}
