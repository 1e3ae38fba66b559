import { z } from 'zod';
import {
  logKeys,
  openSavedSheet,
  restoreSheet,
  type SavedDraft,
  SHEET_LOG_FORMAT,
  type SheetLogHead,
} from '@/core/draft';
import { restoreOutcome, storedOutcomeOf, type SubmissionOutcome } from '@/core/outcome';
import type { SheetModel } from '@/core/sheet';
import type { SheetSource, SheetStore } from '@/ui/sheet/sheet-store';

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
  /** The log it was restored from, to go on appending edits to (`markSaved`); null to start a new one. */
  log: SavedLog | null;
}

/** A sheet's log in IndexedDB: its id and how many records of edits it has. */
export interface SavedLog {
  id: string;
  logLength: number;
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

/** After this many saves of edits, the next save starts a new log from the sheet as it is. */
const MAX_LOG_RECORDS = 400;

/** What autosave last wrote for a sheet store: its log, up to which edit. */
interface SaveProgress {
  factory: IDBFactory;
  generation: number;
  edits: number;
  log: SavedLog;
}

const progress = new WeakMap<SheetStore, SaveProgress>();
const saving = new WeakMap<SheetStore, Promise<void>>();

/**
 * Says that the store's sheet, as it is now, is the log `log` (it was just restored from it), so the next save
 * appends to it instead of writing the columns again.
 */
export function markSaved(store: SheetStore, log: SavedLog, factory: IDBFactory = indexedDB): void {
  progress.set(store, { factory, generation: store.generation, edits: store.editCount, log });
}

function headOf(
  store: SheetStore,
  log: SavedLog,
  columns = store.model.columns,
  rowCount = store.model.rowCount,
) {
  return {
    format: SHEET_LOG_FORMAT,
    id: log.id,
    columns: [...columns],
    rowCount,
    logLength: log.logLength,
    source: { name: store.source.name, kind: store.source.kind },
    dirty: store.dirty,
    savedAt: new Date().toISOString(),
  } satisfies SheetLogHead;
}

/**
 * Saves the sheet, as a log (format 2): after an import or any replacement of the sheet, its columns once (one
 * record and one short task per column, so a million rows never freeze the page); after that only the edits made
 * since the last save, appended. Saves of one store run one after the other.
 */
export function saveSheet(store: SheetStore, factory: IDBFactory = indexedDB): Promise<void> {
  const previous = saving.get(store) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => saveNow(store, factory));
  saving.set(store, next);
  return next;
}

async function saveNow(store: SheetStore, factory: IDBFactory): Promise<void> {
  const saved = progress.get(store);
  if (
    saved !== undefined &&
    saved.factory === factory &&
    saved.generation === store.generation &&
    saved.log.logLength < MAX_LOG_RECORDS
  ) {
    const editCount = store.editCount;
    const edits = store.editsSince(saved.edits);
    const keys = logKeys(saved.log.id);
    const log = { id: saved.log.id, logLength: saved.log.logLength + (edits.length > 0 ? 1 : 0) };
    const head = await inTransaction(factory, 'readwrite', (objects) => {
      if (edits.length > 0) objects.put(edits, keys.edits(saved.log.logLength));
      // The head keeps the columns the log starts from: read it back, change what a save changes.
      const request = objects.get(CURRENT);
      request.onsuccess = () => {
        const current: unknown = request.result;
        const base = isLogHead(current, saved.log.id) ? current : null;
        if (base) objects.put({ ...base, ...headOf(store, log, base.columns, base.rowCount) }, CURRENT);
      };
      return () => request.result as unknown;
    });
    if (isLogHead(head, saved.log.id)) {
      progress.set(store, { factory, generation: saved.generation, edits: editCount, log });
      return;
    }
    // The head is gone or is another log's (another tab saved since): start a new log below.
  }
  await startLog(store, factory);
}

/**
 * Visits every record of a store in key order (a cursor: no key range, which needs the page's IDBKeyRange), then
 * calls `done`. The store holds a handful of records: a log's columns and saves, and drafts set aside.
 */
function eachRecord(
  objects: IDBObjectStore,
  visit: (key: string, value: unknown, cursor: IDBCursorWithValue) => void,
  done: () => void = () => undefined,
): void {
  const cursor = objects.openCursor();
  cursor.onsuccess = () => {
    const position = cursor.result;
    if (!position) return done();
    if (typeof position.key === 'string') visit(position.key, position.value, position);
    position.continue();
  };
}

function isLogHead(value: unknown, id: string): value is SheetLogHead {
  return typeof value === 'object' && value !== null && (value as { id?: unknown }).id === id;
}

/** Writes the sheet as it is now as a new log: each column packed, then the head; older logs are removed. */
async function startLog(store: SheetStore, factory: IDBFactory): Promise<void> {
  const model = store.model;
  const generation = store.generation;
  const editCount = store.editCount;
  const columns = [...model.columns];
  const rowCount = model.rowCount;
  const packed = model.packColumns();
  const log: SavedLog = { id: newLogId(), logLength: 0 };
  const keys = logKeys(log.id);
  for (const [index, cells] of packed.entries()) {
    await inTransaction(factory, 'readwrite', (objects) => {
      objects.put(cells, keys.column(index));
      return () => undefined;
    });
  }
  await inTransaction(factory, 'readwrite', (objects) => {
    objects.put(headOf(store, log, columns, rowCount), CURRENT);
    // Every other log goes: the one this replaces, and any a closed tab left half written.
    eachRecord(objects, (key, _value, cursor) => {
      if (key.startsWith('log:') && !key.startsWith(keys.prefix)) cursor.delete();
    });
    return () => undefined;
  });
  progress.set(store, { factory, generation, edits: editCount, log });
}

function newLogId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
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
    const setAside = (raw: unknown, reason: string) => {
      const keptAt = new Date().toISOString();
      objects.put({ raw, reason, keptAt }, `${UNRESTORED}${keptAt}`);
    };
    const current = objects.get(CURRENT);
    current.onsuccess = () => {
      const raw: unknown = current.result;
      if (raw === undefined) {
        collectUnrestored();
        return;
      }
      // Every saved format opens one way: migrated to the current one, then opened as a log (`openSavedSheet`).
      const open = (draft: SavedDraft, kept: unknown) => {
        const opened = openSavedSheet(draft);
        if (opened.ok) {
          const { model, source, dirty, repairs, lostEdits, log } = opened;
          sheet = { model, source, dirty, repairs, log };
          if (lostEdits > 0) setAside(kept, repairs.join(' '));
        } else {
          setAside(kept, opened.reason);
          objects.delete(CURRENT);
        }
        // Issued after the put: requests of a transaction run in order, so the cursor sees the draft set aside.
        collectUnrestored();
      };
      if (isLogFormat(raw)) {
        // Format 2: the head, then the log's columns and edits, read in the same transaction.
        const keys = logKeys(String(raw.id));
        const columns: unknown[] = [];
        const edits: unknown[] = [];
        // NOTE: keys sort as their text: columns and edits are numbered with leading zeros (`logKeys`).
        eachRecord(
          objects,
          (key, value) => {
            if (key.startsWith(`${keys.prefix}column:`)) columns.push(value);
            else if (key.startsWith(`${keys.prefix}edits:`)) edits.push(value);
          },
          () => open({ head: raw, columns, edits }, { head: raw, columns, edits }),
        );
        return;
      }
      // An older draft is one record: it is kept as it was should it not open.
      open({ head: raw, columns: [], edits: [] }, raw);
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

/** True for a head of autosave's format 2 (a log), whose records are read with it; anything else is one record. */
function isLogFormat(raw: unknown): raw is { format: number; id: unknown } {
  return typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format === SHEET_LOG_FORMAT;
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
