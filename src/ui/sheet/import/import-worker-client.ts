import type { ColumnSettings } from '@/core/columns';
import type { ImportError, ImportedTable } from '@/core/import';
import { type PackedSheet, SheetModel } from '@/core/sheet';
import type { SavedSheets } from '@/ui/sheet/autosave/autosave';
import { type ApplyOffPage, SheetStore } from '@/ui/sheet/sheet-store';
import type {
  ImportProgress,
  ImportTimings,
  ImportWorkerMessage,
  ImportWorkerRequest,
} from './import-worker-protocol';

/** A file read and checked in the worker, or read and waiting for its columns to be mapped, or refused. */
export type WorkerImport =
  | { kind: 'sheet'; sheet: PackedSheet }
  | {
      kind: 'mapping';
      /** The first rows of the file, to recognise its columns by. */
      preview: ImportedTable;
      rowCount: number;
      columns: ColumnSettings[];
      /** Checks the file with the columns mapped; the worker keeps the file until then. */
      build: (columns: ColumnSettings[]) => Promise<PackedSheet>;
    }
  | { kind: 'rejected'; error: ImportError };

export interface ReadCallbacks {
  onProgress: (progress: ImportProgress) => void;
  /** The file is read; its rows are being checked. */
  onChecking: (rows: number) => void;
}

let warm: Worker | null = null;

/**
 * Shows the worker's steps in the page's performance timeline (DevTools' Performance panel, and the benchmark),
 * ending now: the worker's clock is not the page's.
 */
function recordTimings({ readMs, checkMs, packMs }: ImportTimings): void {
  if (typeof performance.measure !== 'function') return;
  const end = performance.now();
  const steps: [string, number][] = [
    ['Spanpatch import: read and parse (worker)', readMs],
    ['Spanpatch import: check (worker)', checkMs],
    ['Spanpatch import: pack (worker)', packMs],
  ];
  let start = end - readMs - checkMs - packMs;
  for (const [name, duration] of steps) {
    performance.measure(name, { start: Math.max(0, start), duration });
    start += duration;
  }
}

function startWorker(): Worker {
  return new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module' });
}

/**
 * Starts the import worker ahead of the first import (with the app), so reading a file does not wait for the
 * worker's module to load. Each import takes the worker started ahead and starts the next.
 */
export function warmUpImportWorker(): void {
  if (warm === null && typeof Worker !== 'undefined') warm = startWorker();
}

function takeWorker(): Worker {
  const worker = warm ?? startWorker();
  warm = null;
  return worker;
}

/**
 * Reads and checks a file (`sheet`: the sheet of a workbook) in a web worker, reporting progress. Aborting the signal stops the worker at once and
 * rejects with an AbortError (also while the columns are being mapped); the current sheet is never touched here.
 */
export function readFileInWorker(
  file: File,
  knownKeys: readonly string[],
  callbacks: ReadCallbacks,
  signal: AbortSignal,
  sheet?: string,
): Promise<WorkerImport> {
  const worker = takeWorker();
  let settle: { resolve: (message: ImportWorkerMessage) => void; reject: (error: Error) => void } | null =
    null;
  const stop = () => {
    worker.terminate();
    signal.removeEventListener('abort', onAbort);
    warmUpImportWorker();
  };
  const onAbort = () => {
    stop();
    settle?.reject(new DOMException('The import was cancelled', 'AbortError'));
  };
  signal.addEventListener('abort', onAbort);
  /** The next message that ends a step: the sheet, the mapping step, or a failure. */
  const nextAnswer = (request: ImportWorkerRequest) =>
    new Promise<ImportWorkerMessage>((resolve, reject) => {
      settle = { resolve, reject };
      worker.postMessage(request);
    });
  worker.addEventListener('message', (event: MessageEvent<ImportWorkerMessage>) => {
    const message = event.data;
    if (message.type === 'progress') callbacks.onProgress(message);
    else if (message.type === 'checking') callbacks.onChecking(message.rows);
    else settle?.resolve(message);
  });
  worker.addEventListener('error', (event) => {
    stop();
    settle?.reject(new Error(event.message || 'The file could not be read'));
  });
  const finished = (message: ImportWorkerMessage): PackedSheet => {
    stop();
    if (message.type === 'done') {
      recordTimings(message.timings);
      return message.sheet;
    }
    if (message.type === 'failed') throw new Error(message.message);
    throw new Error('The import worker answered out of turn');
  };
  if (signal.aborted) {
    stop();
    return Promise.reject(new DOMException('The import was cancelled', 'AbortError'));
  }
  return nextAnswer({ type: 'import', file, knownKeys, ...(sheet === undefined ? {} : { sheet }) }).then(
    (message): WorkerImport => {
      if (message.type === 'rejected') {
        stop();
        return { kind: 'rejected', error: message.error };
      }
      if (message.type === 'mapping') {
        return {
          kind: 'mapping',
          preview: message.preview,
          rowCount: message.rowCount,
          columns: message.columns,
          build: (columns) => nextAnswer({ type: 'build', columns }).then(finished),
        };
      }
      return { kind: 'sheet', sheet: finished(message) };
    },
  );
}

/**
 * Opens the sheet autosave kept, in the worker (reading IndexedDB, computing the sheet, replaying its edits):
 * the page only opens the packed result. Rejects when the saved sheet cannot be read at all.
 */
export function restoreInWorker(): Promise<SavedSheets> {
  const worker = takeWorker();
  return new Promise<SavedSheets>((resolve, reject) => {
    const stop = () => {
      worker.terminate();
      warmUpImportWorker();
    };
    worker.addEventListener('message', (event: MessageEvent<ImportWorkerMessage>) => {
      const message = event.data;
      if (message.type === 'restored') {
        stop();
        const { restored, unrestored } = message;
        resolve({
          sheet:
            restored === null
              ? null
              : {
                  model: SheetModel.unpack(restored.sheet),
                  source: restored.source,
                  dirty: restored.dirty,
                  repairs: restored.repairs,
                  log: restored.log,
                },
          unrestored,
        });
      } else if (message.type === 'failed') {
        stop();
        reject(new Error(message.message));
      }
    });
    worker.addEventListener('error', (event) => {
      stop();
      reject(new Error(event.message || 'The saved sheet could not be read'));
    });
    worker.postMessage({ type: 'restore' } satisfies ImportWorkerRequest);
  });
}

/**
 * Applies edits that recheck every row of a large sheet in a worker (`SheetStore.applyOffPage`): a copy of the
 * sheet goes there packed, and the sheet after the edits comes back packed, opened without computing a row.
 */
export const applyInWorker: ApplyOffPage = (model, edits, projectTypes) => {
  const worker = takeWorker();
  return new Promise((resolve, reject) => {
    const stop = () => {
      worker.terminate();
      warmUpImportWorker();
    };
    worker.addEventListener('message', (event: MessageEvent<ImportWorkerMessage>) => {
      const message = event.data;
      if (message.type === 'applied') {
        stop();
        resolve({ model: SheetModel.unpack(message.sheet), results: message.results });
      } else if (message.type === 'failed') {
        stop();
        reject(new Error(message.message));
      }
    });
    worker.addEventListener('error', (event) => {
      stop();
      reject(new Error(event.message || 'The change could not be applied'));
    });
    worker.postMessage({
      type: 'apply',
      sheet: model.pack(),
      edits,
      projectTypes: projectTypes && [...projectTypes],
    } satisfies ImportWorkerRequest);
  });
};

/** The app's sheet: a new sheet whose large rechecks run in a worker, where the browser has workers. */
export function appSheetStore(): SheetStore {
  const store = new SheetStore();
  if (typeof Worker !== 'undefined') store.applyOffPage = applyInWorker;
  return store;
}
