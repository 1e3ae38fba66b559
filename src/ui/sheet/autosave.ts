import { z } from 'zod';
import { restoreSheet, sheetDraftOf } from '@/core/restore-sheet';
import { SheetModel } from '@/core/sheet-model';
import type { SheetSource, SheetStore } from './sheet-store';

const DATABASE = 'spanpatch';
const STORE = 'sheets';
const CURRENT = 'current';
/** Drafts that could not be restored are kept under this prefix and the time they were set aside. */
const UNRESTORED = 'unrestored:';

/** A saved draft that could not be restored, kept as it was so the user can download it. */
export interface UnrestoredDraft {
  /** Where it is kept in IndexedDB. */
  key: string;
  /** The draft exactly as it was stored. */
  raw: unknown;
  /** Why it could not be restored, in plain words. */
  reason: string;
  /** When it was set aside (ISO time). */
  keptAt: string;
}

/** The sheet the last save restores to, ready for `SheetStore.replace`. */
export interface RestoredSheet {
  model: SheetModel;
  source: SheetSource;
  dirty: boolean;
  /** What was repaired to restore it, in plain words; empty for a sound draft. */
  repairs: string[];
}

/** What a reload finds: the last saved sheet (null when there is none to restore) and drafts set aside. */
export interface SavedSheets {
  sheet: RestoredSheet | null;
  unrestored: UnrestoredDraft[];
}

const keptDraftSchema = z.object({ raw: z.unknown(), reason: z.string(), keptAt: z.string() });

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB is not available'));
  });
}

/**
 * Runs `work` in one transaction of the sheets store; `work` returns a function giving the result once the
 * transaction has completed.
 */
async function inTransaction<T>(
  factory: IDBFactory,
  mode: IDBTransactionMode,
  work: (objects: IDBObjectStore) => () => T,
): Promise<T> {
  const database = await openDatabase(factory);
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const result = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(result());
      transaction.onerror = () => reject(transaction.error ?? new Error('The browser storage failed'));
      transaction.onabort = () => reject(transaction.error ?? new Error('The browser storage stopped'));
    });
  } finally {
    database.close();
  }
}

/** Saves the sheet as it is now, replacing the previous save (never a draft set aside). */
export async function saveSheet(store: SheetStore, factory: IDBFactory = indexedDB): Promise<void> {
  const draft = sheetDraftOf(store.model, store.source, store.dirty, new Date().toISOString());
  await inTransaction(factory, 'readwrite', (objects) => {
    objects.put(draft, CURRENT);
    return () => undefined;
  });
}

/**
 * Reads the last saved sheet and repairs it at the boundary (`restoreSheet`). NOTE: a draft that cannot be
 * restored is moved, as it was, to a key of its own in the same transaction, so autosave goes on saving the new
 * sheet without ever overwriting it; it stays until the user discards it (`discardUnrestoredDraft`).
 */
export async function loadSavedSheets(factory: IDBFactory = indexedDB): Promise<SavedSheets> {
  return inTransaction(factory, 'readwrite', (objects) => {
    let sheet: RestoredSheet | null = null;
    const unrestored: UnrestoredDraft[] = [];
    const collectUnrestored = () => {
      const cursor = objects.openCursor();
      cursor.onsuccess = () => {
        const position = cursor.result;
        if (!position) return;
        const key = position.key;
        if (typeof key === 'string' && key.startsWith(UNRESTORED))
          unrestored.push(keptDraftOf(key, position.value));
        position.continue();
      };
    };
    const current = objects.get(CURRENT);
    current.onsuccess = () => {
      const raw: unknown = current.result;
      const restored = raw === undefined ? null : openDraft(raw);
      if (restored?.ok) sheet = restored.sheet;
      else if (restored) {
        const keptAt = new Date().toISOString();
        objects.put({ raw, reason: restored.reason, keptAt }, `${UNRESTORED}${keptAt}`);
        objects.delete(CURRENT);
      }
      // Issued after the put: requests of a transaction run in order, so the cursor sees the draft set aside.
      collectUnrestored();
    };
    return () => ({ sheet, unrestored });
  });
}

/** Forgets a draft set aside because it could not be restored; the user chose to. */
export async function discardUnrestoredDraft(key: string, factory: IDBFactory = indexedDB): Promise<void> {
  if (!key.startsWith(UNRESTORED)) throw new Error(`${key} is not a draft set aside`);
  await inTransaction(factory, 'readwrite', (objects) => {
    objects.delete(key);
    return () => undefined;
  });
}

/** The sheet a stored draft restores to, or why it cannot be. */
function openDraft(raw: unknown): { ok: true; sheet: RestoredSheet } | { ok: false; reason: string } {
  const restored = restoreSheet(raw);
  if (!restored.ok) return restored;
  const { columns, cells, rowCount, source, dirty } = restored.draft;
  try {
    const model = new SheetModel(columns, cells, rowCount);
    return { ok: true, sheet: { model, source, dirty, repairs: restored.repairs } };
  } catch (error) {
    // NOTE: restoreSheet returns only what a SheetModel takes; this keeps the draft should that ever be wrong.
    return {
      ok: false,
      reason: `It could not be opened as a sheet: ${error instanceof Error ? error.message : String(error)}.`,
    };
  }
}

/** A draft set aside as it was read back: the record written, or anything else under that key kept whole. */
function keptDraftOf(key: string, value: unknown): UnrestoredDraft {
  const parsed = keptDraftSchema.safeParse(value);
  if (parsed.success) return { key, ...parsed.data };
  const restored = restoreSheet(value);
  return {
    key,
    raw: value,
    reason: restored.ok ? 'It was set aside.' : restored.reason,
    keptAt: key.slice(UNRESTORED.length),
  };
}
