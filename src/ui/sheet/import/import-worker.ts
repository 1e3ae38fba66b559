// A web worker that reads a dropped or chosen file off the main thread, checks the sheet, opens the sheet autosave
// kept after a reload, and applies the edits of a large sheet that recheck every row: what it does with each request
// of the page is import-worker-handler.ts; this file only ties that to the worker's global scope.
import '@/ui/shared/strict-csp';
import { createImportWorkerHandler } from './import-worker-handler';
import type { ImportWorkerRequest } from './import-worker-protocol';

const handle = createImportWorkerHandler((message, transfer) =>
  globalThis.postMessage(message, { transfer }),
);

globalThis.addEventListener('message', (event: MessageEvent<ImportWorkerRequest>) => {
  void handle(event.data);
});
