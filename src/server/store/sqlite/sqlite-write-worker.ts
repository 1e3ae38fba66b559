// The SQLite store's write thread: it owns the write connection and runs every write of `SqliteSpanStore` (one
// immediate transaction each) one after another, off the server's event loop. Started by
// `openThreadedSqliteStore`; see sqlite-write-protocol.ts for the messages.
import { constants, setPriority } from 'node:os';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { SpanStore } from '@/server/store/span-store';
import { openSqliteStore } from './sqlite-store';
import {
  decodeSubmission,
  type FromWriteWorker,
  serializeError,
  type ToWriteWorker,
  type WriteCall,
  type WriteWorkerData,
} from './sqlite-write-protocol';

/**
 * NOTE: a hook for tests only, set by none of the server's configuration: a thread started with this variable ends
 * itself on a metadata write to the project it names, as a crash would, so a test can watch the server survive it.
 */
const exitOnProject = process.env.SPANPATCH_TEST_WRITE_THREAD_EXIT_ON;

function run(store: SpanStore, call: WriteCall): Promise<unknown> {
  switch (call.method) {
    case 'applyPatches': {
      const submission = decodeSubmission(call.submission);
      if (exitOnProject !== undefined && exitOnProject !== '' && submission.project === exitOnProject) {
        process.exit(70);
      }
      return store.applyPatches(submission);
    }
    case 'ingestSpans':
      return store.ingestSpans(call.project, call.spans);
    case 'upsertSpans':
      return store.upsertSpans(call.project, call.spans);
    case 'revertSubmission':
      return store.revertSubmission(call.request);
    case 'deleteProject':
      return store.deleteProject(call.project);
  }
}

function serve(port: MessagePort, path: string): void {
  const send = (message: FromWriteWorker) => port.postMessage(message);
  let store: SpanStore;
  try {
    store = openSqliteStore(path);
  } catch (error) {
    send({ type: 'open_failed', error: serializeError(error) });
    port.close();
    return;
  }
  // NOTE: every write of SqliteSpanStore runs synchronously, so writes are serialized already; the chain keeps them
  // in order even if one ever awaits.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (message: ToWriteWorker) => {
    queue = queue.then(async () => {
      if (message.type === 'close') {
        await store.close();
        send({ type: 'closed' });
        port.close();
        return;
      }
      try {
        send({ type: 'result', id: message.id, value: await run(store, message.call) });
      } catch (error) {
        send({ type: 'failed', id: message.id, error: serializeError(error) });
      }
    });
  });
  send({ type: 'ready' });
}

if (parentPort === null) throw new Error('sqlite-write-worker.ts runs as a worker thread only');
// NOTE: a nice value is a thread's own on Linux: this thread yields the CPU to the event loop (reads, /healthz)
// when both want it, so a write does not delay a read on a busy machine, and takes every cycle the reads leave.
try {
  setPriority(constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // Not allowed or not supported here: writes then share the CPU with the event loop evenly.
}
serve(parentPort, (workerData as WriteWorkerData).path);
