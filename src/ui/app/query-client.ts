import { QueryClient } from '@tanstack/react-query';

/** How long what a tab read stays fresh: a visit within it shows what was read, later it is read again. */
export const FRESH_FOR_MS = 30_000;

/**
 * The app's one cache of what it read from the server (TanStack Query). A tab visited again within
 * `FRESH_FOR_MS` shows what it read without asking again; a submission or a revert marks what it changed as out of
 * date instead (`invalidateProject`). No retries (a failure is shown at once, in plain words, as the client
 * reports it), nothing read again because the window got the focus or the network came back, and every request
 * sent whether or not the browser believes it is online: the server is often on this very machine.
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: FRESH_FOR_MS,
        retry: false,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        networkMode: 'always',
      },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}
