import { File as NodeFile } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { act, fireEvent } from '@testing-library/react';
import { vi } from 'vitest';
import { createImportWorkerHandler } from '@/ui/sheet/import/import-worker-handler';
import type { ImportWorkerRequest } from '@/ui/sheet/import/import-worker-protocol';

/**
 * The import worker run in this process, for jsdom, which has no `Worker`: the page's side
 * (`import-worker-client.ts`) starts and talks to it as to the real one, and the real worker's handler
 * (`import-worker-handler.ts`) answers. Messages cross as between threads: a task later, each side getting its own
 * copy (the worker's buffers moved, not copied), and none after `terminate()`.
 */
class InProcessImportWorker extends EventTarget {
  private terminated = false;
  private readonly handle = createImportWorkerHandler((message, transfer) => {
    if (this.terminated) return;
    const data = structuredClone(message, { transfer });
    setTimeout(() => {
      if (!this.terminated) this.dispatchEvent(new MessageEvent('message', { data }));
    });
  });

  constructor(url: string | URL) {
    super();
    if (!new URL(url, 'file:///').pathname.endsWith('/import-worker.ts'))
      throw new Error(`Only the import worker runs in-process in the component tests, not ${String(url)}`);
  }

  postMessage(request: ImportWorkerRequest): void {
    // NOTE: a file is passed as it is (it cannot change); the rest is copied, as the real boundary copies it.
    const received = request.type === 'import' ? request : structuredClone(request);
    setTimeout(() => {
      if (this.terminated) return;
      this.handle(received).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.dispatchEvent(new ErrorEvent('error', { message }));
      });
    });
  }

  terminate(): void {
    this.terminated = true;
  }
}

/**
 * Gives jsdom the import worker, run in-process (`InProcessImportWorker`): a file dropped or chosen then goes the
 * real import path, read, mapped and checked by the worker's own code. Undo with `vi.unstubAllGlobals()`. NOTE: a
 * restore there (`useAutosave` without an IndexedDB of its own) reads the global `indexedDB`, which jsdom lacks:
 * stub one (fake-indexeddb's `IDBFactory`) for that.
 */
export function runImportWorkerInProcess(): void {
  vi.stubGlobal('Worker', InProcessImportWorker);
}

/** What the component tests do as a user would (after Excalidraw's `tests/helpers/api.ts`). */
export const API = {
  /**
   * A file of `tests/fixtures` (or any path), as the browser hands a dropped or chosen file to the page. NOTE:
   * Node's `File`, as jsdom's cannot `stream()` its bytes, which the import worker reads them with.
   */
  file(path: string, name = basename(path)): File {
    return new NodeFile([readFileSync(path)], name) as unknown as File;
  },

  /**
   * Drags `file` over `target` and drops it there, as a user dropping a file from their files onto the page. Needs
   * `runImportWorkerInProcess()` for the import to run; wait for what the test checks after.
   */
  drop(target: Element, file: File): void {
    const dataTransfer = { files: [file], types: ['Files'], getData: () => '' };
    act(() => {
      fireEvent.dragOver(target, { dataTransfer });
      fireEvent.drop(target, { dataTransfer });
    });
  },
};
