import { useEffect, useState } from 'react';

/** Where a request is: not asked for, under way (with the previous answer, if any), answered, or failed. */
export type RequestState<T> =
  | { status: 'idle' }
  | { status: 'loading'; previous: T | null }
  | { status: 'ready'; data: T }
  | { status: 'failed'; error: unknown };

/**
 * Runs `load` whenever `key` changes (null: nothing to load), aborting the request it replaces. The key must
 * name everything `load` depends on; a refresh changes it (e.g. with a counter).
 */
export function useRequest<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
): RequestState<T> {
  const [settled, setSettled] = useState<{ key: string; state: RequestState<T> } | null>(null);
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setSettled({ key, state: { status: 'ready', data } });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setSettled({ key, state: { status: 'failed', error } });
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` names everything `load` depends on
  }, [key]);
  if (key === null) return { status: 'idle' };
  if (settled?.key !== key) {
    return { status: 'loading', previous: settled?.state.status === 'ready' ? settled.state.data : null };
  }
  return settled.state;
}
