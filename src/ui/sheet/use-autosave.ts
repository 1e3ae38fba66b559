import { useCallback, useEffect, useRef, useState } from 'react';
import {
  discardUnrestoredDraft,
  loadSavedSheets,
  markSaved,
  saveSheet,
  type UnrestoredDraft,
} from '@/ui/sheet/autosave/autosave';
import { restoreInWorker } from '@/ui/sheet/import/import-worker-client';
import type { SheetStore } from './sheet-store';

const SAVE_DELAY_MS = 600;

/** Saved drafts that could not be restored, and how the user lets one go. */
export interface UnrestoredDrafts {
  drafts: readonly UnrestoredDraft[];
  discard: (key: string) => void;
}

export interface Autosave {
  /** True until the saved sheet is back (or known not to be there). */
  restoring: boolean;
  /** Why the last save (or the restore, or a discard) failed; null when it did not. */
  saveError: string | null;
  unrestored: UnrestoredDrafts;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Restores the last saved sheet once (in the import worker), then saves the sheet shortly after every change (its
 * edits appended to the saved log), so a reload or a crashed
 * tab finds it as it was. A saved draft that cannot be restored is set aside (see `loadSavedSheets`) and listed in
 * `unrestored` until the user discards it. When the saved sheet cannot even be read, autosave stays off, so what
 * is stored is never overwritten unseen. `factory` is the IndexedDB to use (tests pass a fake).
 */
export function useAutosave(store: SheetStore, factory?: IDBFactory): Autosave {
  const [restoring, setRestoring] = useState(true);
  const [readFailed, setReadFailed] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [drafts, setDrafts] = useState<readonly UnrestoredDraft[]>([]);
  // True when the sheet changed while the saved one was coming back (a file imported meanwhile): nothing saved it
  // then, so it is saved as soon as saving starts, edited or not.
  const [changedWhileRestoring, setChangedWhileRestoring] = useState(false);
  // The sheet as the restore left it. NOTE: saving subscribes in an effect, after the restore's render; an edit
  // made in between (a busy machine, a fast user) would otherwise go unsaved until the next one.
  const restoredAt = useRef<{ generation: number; version: number } | null>(null);

  useEffect(() => {
    let cancelled = false;
    // A sheet the user imported before the saved one came back wins: it is not replaced by the older one.
    const generation = store.generation;
    // NOTE: the app restores in the import worker (no long task on the page); tests pass a fake IndexedDB.
    const saved =
      factory === undefined && typeof Worker !== 'undefined' ? restoreInWorker() : loadSavedSheets(factory);
    saved
      .then(({ sheet, unrestored }) => {
        if (cancelled) return;
        const changed = store.generation !== generation;
        if (sheet && !changed) {
          store.replace(sheet.model, sheet.source, sheet.dirty);
          if (sheet.log) markSaved(store, sheet.log, factory);
        }
        restoredAt.current = { generation: store.generation, version: store.getState().version };
        setChangedWhileRestoring(changed);
        setDrafts(unrestored);
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        setReadFailed(true);
        setSaveError(
          `Your saved sheet could not be read (${messageOf(error)}); autosave is off so it is not overwritten.`,
        );
      })
      .finally(() => {
        if (!cancelled) setRestoring(false);
      });
    return () => {
      cancelled = true;
    };
  }, [store, factory]);

  useEffect(() => {
    if (restoring || readFailed) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const saveSoon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        saveSheet(store, factory)
          .then(() => setSaveError(null))
          .catch((error: unknown) => setSaveError(`Autosave failed: ${messageOf(error)}`));
      }, SAVE_DELAY_MS);
    };
    const unsubscribe = store.subscribe(saveSoon);
    const at = restoredAt.current;
    const editedSinceRestore =
      at !== null && (at.generation !== store.generation || at.version !== store.getState().version);
    if (changedWhileRestoring || editedSinceRestore) saveSoon();
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store, factory, restoring, readFailed, changedWhileRestoring]);

  const discard = useCallback(
    (key: string) => {
      discardUnrestoredDraft(key, factory)
        .then(() => setDrafts((current) => current.filter((draft) => draft.key !== key)))
        .catch((error: unknown) =>
          setSaveError(`The saved draft could not be discarded: ${messageOf(error)}`),
        );
    },
    [factory],
  );

  return { restoring, saveError, unrestored: { drafts, discard } };
}
