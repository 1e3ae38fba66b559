import type { ImportResult } from '@/core/import';
import type { ImportProgress, ImportWorkerMessage } from './import-worker-protocol';

/**
 * Reads a file into a table in a web worker, reporting progress. Aborting the signal stops the worker at once
 * and rejects with an AbortError; the current sheet is never touched here.
 */
export function readFileInWorker(
  file: File,
  onProgress: (progress: ImportProgress) => void,
  signal: AbortSignal,
): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module' });
    const stop = () => {
      worker.terminate();
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      stop();
      reject(new DOMException('The import was cancelled', 'AbortError'));
    };
    signal.addEventListener('abort', onAbort);
    worker.addEventListener('message', (event: MessageEvent<ImportWorkerMessage>) => {
      const message = event.data;
      if (message.type === 'progress') onProgress(message);
      else if (message.type === 'done') {
        stop();
        resolve(message.result);
      } else {
        stop();
        reject(new Error(message.message));
      }
    });
    worker.addEventListener('error', (event) => {
      stop();
      reject(new Error(event.message || 'The file could not be read'));
    });
    worker.postMessage({ file });
  });
}
