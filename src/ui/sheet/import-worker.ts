// A web worker that reads a dropped or chosen file off the main thread: bytes stream in from `file.stream()`,
// `src/core/import` parses them, and progress is posted as it goes.
import '@/ui/shared/strict-csp';
import { createFileImporter } from '@/core/import';
import type { ImportWorkerMessage } from './import-worker-protocol';

const PROGRESS_INTERVAL_MS = 100;

globalThis.addEventListener('message', (event: MessageEvent<{ file: File }>) => {
  void readFile(event.data.file);
});

function post(message: ImportWorkerMessage): void {
  globalThis.postMessage(message);
}

async function readFile(file: File): Promise<void> {
  try {
    const importer = createFileImporter(file.name, file.size);
    if (!importer.error) {
      const reader = file.stream().getReader();
      let lastReport = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        importer.push(value);
        if (importer.error) {
          await reader.cancel();
          break;
        }
        const now = performance.now();
        if (now - lastReport > PROGRESS_INTERVAL_MS) {
          lastReport = now;
          post({
            type: 'progress',
            bytesRead: importer.bytesRead,
            totalBytes: file.size,
            rows: importer.rowCount,
          });
        }
      }
    }
    post({ type: 'progress', bytesRead: file.size, totalBytes: file.size, rows: importer.rowCount });
    post({ type: 'done', result: await importer.finish() });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}
