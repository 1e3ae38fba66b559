import { useEffect, useState } from 'react';
import { loadSavedSheet, saveSheet } from './autosave';
import type { SheetStore } from './sheet-store';

const SAVE_DELAY_MS = 600;

/**
 * Restores the last saved sheet once, then saves the sheet shortly after every change, so a reload or a crashed
 * tab finds it as it was. Returns 'restoring' until the saved sheet is back, and whether the last save failed.
 */
export function useAutosave(store: SheetStore): { restoring: boolean; saveError: string | null } {
  const [restoring, setRestoring] = useState(true);
  const [saveError, setSaveError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    loadSavedSheet()
      .then((saved) => {
        if (!cancelled && saved) store.replace(saved.model, saved.source, saved.dirty);
      })
      .catch(() => undefined)
      .finally(() => {
        if (!cancelled) setRestoring(false);
      });
    return () => {
      cancelled = true;
    };
  }, [store]);

  useEffect(() => {
    if (restoring) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = store.subscribe(() => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        saveSheet(store)
          .then(() => setSaveError(null))
          .catch((error: unknown) =>
            setSaveError(`Autosave failed: ${error instanceof Error ? error.message : String(error)}`),
          );
      }, SAVE_DELAY_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store, restoring]);

  return { restoring, saveError };
}
