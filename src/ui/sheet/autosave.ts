import { z } from 'zod';
import { restoreSheet, sheetDraftOf } from '@/core/restore-sheet';
import { SheetModel } from '@/core/sheet-model';
import { restoreOutcome, storedOutcomeOf } from '@/core/restore-outcome';
import type { SubmissionOutcome } from '@/core/submission-outcome';
import type { SheetSource, SheetStore } from './sheet-store';

const DATABASE = 'spanpatch';
/** Version 2 added the submissions store beside the sheets; version 1 had the sheets only. */
const DATABASE_VERSION = 2;
const STORE = 'sheets';
const CURRENT = 'current';
/** The last submission's outcome, beside the sheet draft (SPEC §9). */
const SUBMISSIONS = 'submissions';
const LAST_SUBMISSION = 'last';
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
    const request = factory.open(DATABASE, DATABASE_VERSION);
    request.onupgradeneeded = () => {
      const database = request.result;
      // NOTE: an upgrade from version 1 keeps the sheets store and its draft as they are.
      if (!database.objectStoreNames.contains(STORE)) database.createObjectStore(STORE);
      if (!database.objectStoreNames.contains(SUBMISSIONS)) database.createObjectStore(SUBMISSIONS);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB is not available'));
  });
}

/**
 * Runs `work` in one transaction of one store (the sheets unless told); `work` returns a function giving the
 * result once the transaction has completed.
 */
async function inTransaction<T>(
  factory: IDBFactory,
  mode: IDBTransactionMode,
  work: (objects: IDBObjectStore) => () => T,
  storeName: string = STORE,
): Promise<T> {
  const database = await openDatabase(factory);
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = database.transaction(storeName, mode);
      const result = work(transaction.objectStore(storeName));
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

/** What a reload finds of the last submission: its outcome, or why what was saved could not be used. */
export interface SavedSubmission {
  outcome: SubmissionOutcome | null;
  /** Why the saved outcome could not be restored, in plain words; null when there was none or it was sound. */
  problem: string | null;
}

/** Saves the last submission's outcome beside the sheet draft, replacing the one before. */
export async function saveLastSubmission(
  outcome: SubmissionOutcome,
  factory: IDBFactory = indexedDB,
): Promise<void> {
  const record = storedOutcomeOf(outcome);
  await inTransaction(
    factory,
    'readwrite',
    (objects) => {
      objects.put(record, LAST_SUBMISSION);
      return () => undefined;
    },
    SUBMISSIONS,
  );
}

/**
 * Reads the last submission's outcome and checks it at the boundary (`restoreOutcome`). NOTE: one that cannot
 * be restored is removed in the same transaction (the server's History keeps the submission itself), so the
 * reason is told once, not at every reload.
 */
export async function loadLastSubmission(factory: IDBFactory = indexedDB): Promise<SavedSubmission> {
  return inTransaction(
    factory,
    'readwrite',
    (objects) => {
      let saved: SavedSubmission = { outcome: null, problem: null };
      const request = objects.get(LAST_SUBMISSION);
      request.onsuccess = () => {
        const raw: unknown = request.result;
        if (raw === undefined) return;
        const restored = restoreOutcome(raw);
        if (restored.ok) {
          saved = { outcome: restored.outcome, problem: null };
        } else {
          saved = { outcome: null, problem: restored.reason };
          objects.delete(LAST_SUBMISSION);
        }
      };
      return () => saved;
    },
    SUBMISSIONS,
  );
}
