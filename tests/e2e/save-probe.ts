import type { Page, Worker } from 'playwright-core';
import { z } from 'zod';
import { logKeys, openSheetLog } from '@/core/draft';
import { type LogRestore, sheetLogHeadSchema } from '@/core/draft/sheet-log';
import { type CellChange, sheetEditSchema } from '@/core/sheet';

/** The IndexedDB writes one realm (the page or a worker) has made, as `installSaveProbe` records them. */
interface SaveRecord {
  /** Read-write transactions begun. */
  started: number;
  /** When each one ended (committed, failed or aborted), in milliseconds since the epoch. */
  ended: number[];
}

declare global {
  /** Set by the probe in the page and in its workers. */
  var spanpatchSaveProbe: SaveRecord | undefined;
}

/**
 * Wraps `IDBDatabase.prototype.transaction` in the realm it runs in, so every read-write transaction is counted
 * and its end time kept. Runs in the browser (the page or a worker), never in Node: it must not refer to
 * anything outside itself.
 */
function installSaveProbe(): void {
  if (typeof IDBDatabase === 'undefined' || globalThis.spanpatchSaveProbe) return;
  const record: SaveRecord = { started: 0, ended: [] };
  globalThis.spanpatchSaveProbe = record;
  const begin = IDBDatabase.prototype.transaction;
  // NOTE: no named functions in here: the test runner's transform would name them with a helper the browser
  // does not have.
  IDBDatabase.prototype.transaction = function (
    this: IDBDatabase,
    ...args: Parameters<IDBDatabase['transaction']>
  ) {
    const opened = begin.apply(this, args);
    if (opened.mode === 'readwrite') {
      record.started++;
      opened.addEventListener('complete', () =>
        record.ended.push(performance.timeOrigin + performance.now()),
      );
      opened.addEventListener('abort', () => record.ended.push(performance.timeOrigin + performance.now()));
    }
    return opened;
  };
}

function readSaveRecord(): SaveRecord {
  return globalThis.spanpatchSaveProbe ?? { started: 0, ended: [] };
}

/**
 * Counts the app's saves to IndexedDB, in the page (from before its first script, reloads included) and in the
 * workers it starts (from the moment Playwright reports them), so a test or benchmark can wait for the autosave
 * after an edit wherever the app runs it.
 */
export async function probeSaves(page: Page): Promise<void> {
  await page.addInitScript(installSaveProbe);
  page.on('worker', (worker: Worker) => {
    worker.evaluate(installSaveProbe).catch(() => undefined);
  });
}

/** The saves recorded so far, in the page and in its live workers. */
async function savesSoFar(page: Page): Promise<{ pending: number; ended: number[] }> {
  const realms = [
    page.evaluate(readSaveRecord).catch(() => null),
    ...page.workers().map((worker) => worker.evaluate(readSaveRecord).catch(() => null)),
  ];
  let pending = 0;
  const ended: number[] = [];
  for (const record of await Promise.all(realms)) {
    if (!record) continue;
    pending += record.started - record.ended.length;
    ended.push(...record.ended);
  }
  return { pending, ended };
}

/** Milliseconds since the epoch, in the page's clock. */
export function pageEpoch(page: Page): Promise<number> {
  return page.evaluate(() => performance.timeOrigin + performance.now());
}

/**
 * Waits until a save begun after `since` (ms since the epoch, see `pageEpoch`) has ended and no write is under
 * way, then `quietMs` more with no new one; gives when the last one ended, or null when none ended within
 * `timeoutMs` (the app saved nowhere this probe sees, or not at all).
 */
export async function waitForSave(
  page: Page,
  since: number,
  { timeoutMs, quietMs = 300 }: { timeoutMs: number; quietMs?: number },
): Promise<number | null> {
  const giveUpAt = Date.now() + timeoutMs;
  let lastSeen: number | null = null;
  let quietSince = 0;
  while (Date.now() < giveUpAt) {
    const { pending, ended } = await savesSoFar(page);
    const after = ended.filter((at) => at >= since);
    const last = after.length === 0 ? null : Math.max(...after);
    if (last !== null && pending === 0) {
      if (last !== lastSeen) {
        lastSeen = last;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) {
        return last;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return lastSeen;
}

/**
 * Reads records autosave keeps in this page's IndexedDB, of the sheet or (`submissions`) of the last submission's
 * outcome (null when it has none yet), without creating anything. NOTE: the database and store names are
 * autosave's (src/ui/sheet/autosave/autosave.ts). What comes back keeps what JSON would lose and a reload reads:
 * typed arrays, and keys whose value is undefined (an emptied cell).
 */
function readSavedRecords(
  page: Page,
  keys: string[],
  storeName: 'sheets' | 'submissions' = 'sheets',
): Promise<unknown[] | null> {
  return page.evaluate(
    (wanted) =>
      new Promise<unknown[] | null>((resolve, reject) => {
        const request = indexedDB.open('spanpatch');
        // Not there yet: create nothing (the app makes its database itself).
        request.onupgradeneeded = () => request.transaction?.abort();
        request.onerror = () =>
          request.error?.name === 'AbortError' ? resolve(null) : reject(request.error);
        request.onsuccess = () => {
          const database = request.result;
          if (!database.objectStoreNames.contains(wanted.storeName)) {
            database.close();
            resolve(null);
            return;
          }
          const objects = database.transaction(wanted.storeName, 'readonly').objectStore(wanted.storeName);
          // NOTE: no function assigned to a name in here (see installSaveProbe).
          Promise.all(
            wanted.keys.map(
              (key) =>
                new Promise<unknown>((found, failed) => {
                  const got = objects.get(key);
                  got.onsuccess = () => found(got.result);
                  got.onerror = () => failed(got.error);
                }),
            ),
          ).then((values) => {
            database.close();
            resolve(values);
          }, reject);
        };
      }),
    { keys, storeName },
  );
}

/** The saved log's head, or null while no sheet is saved as a log. */
async function savedHead(page: Page) {
  const [head] = (await readSavedRecords(page, ['current'])) ?? [];
  const parsed = sheetLogHeadSchema.safeParse(head);
  return parsed.success ? parsed.data : null;
}

/** The rows of the sheet saved in this page's IndexedDB (its columns written), or null while none is saved. */
export async function savedRowCount(page: Page): Promise<number | null> {
  return (await savedHead(page))?.rowCount ?? null;
}

/**
 * The sheet a reload would give back now: the log autosave kept in this page's IndexedDB, opened by the app's own
 * `openSheetLog`; null while no sheet is saved. Reads every column: for sheets of a few thousand rows.
 */
export async function savedSheet(page: Page): Promise<LogRestore | null> {
  const head = await savedHead(page);
  if (head === null) return null;
  const keys = logKeys(head.id);
  const records = await readSavedRecords(page, [
    ...head.columns.map((_, index) => keys.column(index)),
    ...Array.from({ length: head.logLength }, (_, index) => keys.edits(index)),
  ]);
  if (records === null) return null;
  return openSheetLog(head, records.slice(0, head.columns.length), records.slice(head.columns.length));
}

/**
 * The cells set by the edits saved after the sheet's columns (what a reload replays on them), in order; null while
 * no sheet is saved. Reads the head and the records of edits only, never the columns: for a large sheet, whose
 * edits are appended to its log once its import was saved.
 */
export async function savedCellEdits(page: Page): Promise<CellChange[] | null> {
  const head = await savedHead(page);
  if (head === null) return null;
  const keys = logKeys(head.id);
  const records = await readSavedRecords(
    page,
    Array.from({ length: head.logLength }, (_, index) => keys.edits(index)),
  );
  const edits = z.array(z.array(sheetEditSchema)).safeParse(records);
  if (!edits.success) return null;
  return edits.data.flat().flatMap((edit) => (edit.kind === 'set_cells' ? edit.cells : []));
}

/**
 * The last submission's outcome autosave kept in this page's IndexedDB, as stored (what a reload brings Results
 * back from); null while none is saved.
 */
export async function savedOutcome(page: Page): Promise<unknown> {
  const [outcome] = (await readSavedRecords(page, ['last'], 'submissions')) ?? [];
  return outcome ?? null;
}
