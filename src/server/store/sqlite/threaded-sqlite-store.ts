import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Transferable, Worker } from 'node:worker_threads';
import type {
  PatchResponse,
  RevertResponse,
  FieldsResponse,
  LookupResponse,
  SpanDetail,
  SpanError,
  Submission,
  SubmissionChange,
} from '@/core/api';
import type { IncomingSpan } from '@/server/patch/plan-ingest';
import type {
  IngestOutcome,
  UpsertOutcome,
  PatchOutcome,
  PatchSubmission,
  RevertRequest,
  SpanPage,
  SpanQuery,
  SpanSearch,
  SpanSearchResult,
  SpanStore,
  StoreHealth,
  StoreLoad,
  StoreReadiness,
  SubmissionList,
  SubmissionListQuery,
  SubmissionPage,
  SubmissionPageQuery,
  StoredProject,
} from '@/server/store/span-store';
import { StoreOpenError } from '@/server/store/store-open-error';
import { StoreUnavailableError } from '@/server/store/store-unavailable-error';
import { openSqliteStore, type SqliteSpanStore } from './sqlite-store';
import {
  deserializeError,
  encodeSubmission,
  type FromWriteWorker,
  type ToWriteWorker,
  type WriteCall,
  type WriteResults,
  type WriteWorkerData,
} from './sqlite-write-protocol';

/** How long /healthz keeps reporting a failed write, unless a write succeeds first (as `SqliteSpanStore` does). */
const RECENT_FAILURE_MS = 60_000;

/**
 * This module's file URL. NOTE: under a test environment that serves modules over HTTP (vitest's jsdom), the module
 * URL is `http://localhost/src/…`; the file is then the same path below the working folder.
 */
function moduleFileUrl(url: string): URL {
  const parsed = new URL(url);
  return parsed.protocol === 'file:'
    ? parsed
    : pathToFileURL(join(process.cwd(), decodeURIComponent(parsed.pathname)));
}

const moduleUrl = moduleFileUrl(import.meta.url);

/**
 * Whether this module runs compiled: from the installed package's dist/cli (scripts/build-cli.mjs), where the
 * write worker is built to `sqlite-write-worker.js` beside it, rather than from its TypeScript source.
 */
const compiled = moduleUrl.pathname.endsWith('.js');

/**
 * Starts the write worker. Compiled, it is plain JavaScript beside this module. From the TypeScript sources
 * (`node --import tsx`, `tsImport` in `npm start` and the command line in the repository, or vitest's own
 * transform), on Node 20 a worker thread cannot load a `.ts` entry even with tsx's `--import` in its options: a
 * few lines of JavaScript register tsx there (found from this file, so the server's working folder does not
 * matter), resolve the `@/` alias to this source tree (tsx would take it from the working folder's tsconfig.json),
 * then load the worker file. NOTE: tsx's CommonJS hook, not its ESM one (`tsImport`): it starts the thread in a
 * third of the time (about 70 ms, not 200), as it needs no loader thread of its own.
 */
function startWorker(data: WriteWorkerData): Worker {
  if (compiled) {
    return new Worker(new URL('./sqlite-write-worker.js', moduleUrl), { workerData: data, execArgv: [] });
  }
  const workerUrl = new URL('./sqlite-write-worker.ts', moduleUrl);
  const tsx = JSON.stringify(createRequire(workerUrl).resolve('tsx/cjs/api'));
  const src = JSON.stringify(fileURLToPath(new URL('../../../', workerUrl)));
  const worker = JSON.stringify(fileURLToPath(workerUrl));
  const bootstrap = `
    const Module = require('node:module');
    require(${tsx}).register();
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      return resolveFilename.call(this, request.startsWith('@/') ? ${src} + request.slice(2) : request, ...rest);
    };
    require(${worker});`;
  return new Worker(bootstrap, { eval: true, workerData: data, execArgv: [] });
}

/**
 * Why the writes in flight on a write thread that crashed failed: a store failure (503), never a bug of the request.
 * A write is one transaction, so it is all or nothing; the client's retry (same Idempotency-Key) applies it once.
 */
function threadStopped(what: string, cause?: unknown): StoreUnavailableError {
  return new StoreUnavailableError(
    'write_thread_stopped',
    `The database's write thread ${what} during this write. A write is all or nothing, and a new thread takes the next one: try again (a retry with the same Idempotency-Key applies it at most once).`,
    cause === undefined ? {} : { cause },
  );
}

interface PendingWrite {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One write thread: started ready (or failing with the reason it could not open the database), then called. */
class WriteThread {
  private readonly pending = new Map<number, PendingWrite>();
  private nextId = 1;
  private closing = false;
  /** Why the thread stopped (closed, crashed or ended); null while it runs. */
  stopped: Error | null = null;
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromWriteWorker) => this.receive(message));
    worker.on('error', (error) => this.stop(threadStopped(`failed: ${error.message}`, error)));
    worker.on('exit', (code) => {
      this.stop(
        this.closing
          ? new Error('The span store is closed')
          : threadStopped(`stopped unexpectedly (exit code ${code})`),
      );
    });
  }

  /** Starts a thread on the database at `path`; rejects with the thread's `StoreOpenError` if it cannot open it. */
  static start(path: string): Promise<WriteThread> {
    const worker = startWorker({ path });
    return new Promise((resolve, reject) => {
      const settle = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (message: FromWriteWorker) => {
        if (message.type !== 'ready' && message.type !== 'open_failed') return;
        settle();
        if (message.type === 'open_failed') return reject(deserializeError(message.error));
        const thread = new WriteThread(worker);
        worker.unref();
        resolve(thread);
      };
      const onError = (error: Error) => {
        settle();
        reject(error);
      };
      const onExit = (code: number) => {
        settle();
        reject(new Error(`The database's write thread stopped as it started (exit code ${code})`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  call<M extends WriteCall['method']>(
    call: Extract<WriteCall, { method: M }>,
    transfer: Transferable[] = [],
  ): Promise<WriteResults[M]> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (this.closing) return Promise.reject(new Error('The span store is closed'));
    const id = this.nextId++;
    const done = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // NOTE: the thread keeps the process alive only while a write is under way.
    if (this.pending.size === 1) this.worker.ref();
    this.post({ type: 'call', id, call }, transfer);
    return done as Promise<WriteResults[M]>;
  }

  /** Lets the writes already sent finish, then ends the thread. */
  async close(): Promise<void> {
    if (!this.closing && !this.stopped) {
      this.closing = true;
      this.worker.ref();
      this.post({ type: 'close' });
    }
    await this.exited;
  }

  private post(message: ToWriteWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private receive(message: FromWriteWorker): void {
    if (message.type === 'closed') {
      void this.worker.terminate();
      return;
    }
    if (message.type !== 'result' && message.type !== 'failed') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0 && !this.closing) this.worker.unref();
    if (message.type === 'result') pending.resolve(message.value);
    else pending.reject(deserializeError(message.error));
  }

  private stop(error: Error): void {
    this.stopped ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/**
 * Opens the SQLite span store with its writes on a worker thread, so a long write never stalls the server's event
 * loop: reads run here on their own connection (WAL lets them proceed while the thread writes), and the thread owns
 * the write connection. Throws `StoreOpenError`, as `openSqliteStore` does, when the file cannot be the database.
 */
export async function openThreadedSqliteStore(path: string): Promise<ThreadedSqliteStore> {
  const reader = openSqliteStore(path);
  try {
    return new ThreadedSqliteStore(reader, path, await WriteThread.start(path));
  } catch (error) {
    await reader.close();
    throw error;
  }
}

/**
 * The SQLite store with writes off the event loop. Reads (and `/healthz`'s write probe, which never waits for a
 * lock) run on this thread's connection through a `SqliteSpanStore`; `applyPatches`, `ingestSpans`,
 * `revertSubmission` (a dry run too: it plans in an immediate transaction, which would wait for the writer's lock
 * here) and `deleteProject` run one after another on the write thread's own `SqliteSpanStore`. Errors thrown there
 * come back as the same classes with the same messages.
 */
export class ThreadedSqliteStore implements SpanStore {
  private closed: Promise<void> | null = null;
  /** Writes sent and not yet answered: close() lets them finish. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** A write thread starting in place of one that stopped. */
  private restarting: Promise<WriteThread> | null = null;
  /** The last write that failed for the storage, until a write succeeds; /healthz reports it for a while. */
  private lastFailure: { error: StoreUnavailableError; at: number } | null = null;

  constructor(
    private readonly reader: SqliteSpanStore,
    private readonly path: string,
    private writer: WriteThread,
  ) {}

  listProjects(): Promise<StoredProject[]> {
    return this.reader.listProjects();
  }

  getFields(project: string): Promise<FieldsResponse['fields']> {
    return this.reader.getFields(project);
  }

  lookupSpans(project: string, spanIds: readonly string[]): Promise<LookupResponse> {
    return this.reader.lookupSpans(project, spanIds);
  }

  listSpans(project: string, query: SpanQuery): Promise<SpanPage> {
    return this.reader.listSpans(project, query);
  }

  searchSpans(project: string, search: SpanSearch): Promise<SpanSearchResult> {
    return this.reader.searchSpans(project, search);
  }

  /** How SQLite runs a search's page query, to check in tests that lookups use their indexes. */
  searchPlan(project: string, search: SpanSearch): string[] {
    return this.reader.searchPlan(project, search);
  }

  /** How SQLite reads a trace for a span's detail, to check in tests that it uses its index. */
  tracePlan(project: string, traceId: string): string[] {
    return this.reader.tracePlan(project, traceId);
  }

  getSpan(project: string, spanId: string): Promise<SpanDetail | null> {
    return this.reader.getSpan(project, spanId);
  }

  listSubmissions(query: SubmissionListQuery): Promise<SubmissionList> {
    return this.reader.listSubmissions(query);
  }

  getSubmission(id: string): Promise<Submission | null> {
    return this.reader.getSubmission(id);
  }

  listSubmissionChanges(
    id: string,
    query: SubmissionPageQuery,
  ): Promise<SubmissionPage<SubmissionChange> | null> {
    return this.reader.listSubmissionChanges(id, query);
  }

  listSubmissionErrors(id: string, query: SubmissionPageQuery): Promise<SubmissionPage<SpanError> | null> {
    return this.reader.listSubmissionErrors(id, query);
  }

  findReplay(submission: PatchSubmission): Promise<PatchResponse | null> {
    return this.reader.findReplay(submission);
  }

  applyPatches(submission: PatchSubmission): Promise<PatchOutcome> {
    const bytes = encodeSubmission(submission);
    return this.write({ method: 'applyPatches', submission: bytes }, [bytes.buffer]);
  }

  ingestSpans(project: string, spans: readonly IncomingSpan[]): Promise<IngestOutcome> {
    return this.write({ method: 'ingestSpans', project, spans });
  }

  upsertSpans(project: string, spans: readonly IncomingSpan[]): Promise<UpsertOutcome> {
    return this.write({ method: 'upsertSpans', project, spans });
  }

  revertSubmission(request: RevertRequest): Promise<RevertResponse | null> {
    return this.write({ method: 'revertSubmission', request }, [], !request.dryRun);
  }

  deleteProject(project: string): Promise<boolean> {
    return this.write({ method: 'deleteProject', project });
  }

  async health(): Promise<StoreHealth> {
    const health = await this.reader.health();
    if (!health.writable) return health;
    const failure = this.lastFailure;
    if (failure && Date.now() - failure.at < RECENT_FAILURE_MS) {
      return { writable: false, message: failure.error.message };
    }
    return { writable: true };
  }

  ready(): Promise<StoreReadiness> {
    return this.reader.ready();
  }

  load(): StoreLoad {
    return { pools: [], queuedWrites: this.inFlight.size };
  }

  /** Lets the writes under way finish, then ends the write thread and closes both connections. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await Promise.allSettled([...this.inFlight]);
      await this.writer.close();
      await this.reader.close();
    })();
    return this.closed;
  }

  /**
   * Runs a write on the write thread (a new thread when the last one stopped), keeping the last storage failure for
   * /healthz; a write that succeeds (`clearsFailure`: a real write, not a dry run) clears it.
   */
  private write<M extends WriteCall['method']>(
    call: Extract<WriteCall, { method: M }>,
    transfer: Transferable[] = [],
    clearsFailure = true,
  ): Promise<WriteResults[M]> {
    if (this.closed) return Promise.reject(new Error('The span store is closed'));
    // NOTE: posted now when the thread runs (not after an await), so a close() called next comes after this write.
    const writer = this.writer.stopped ? this.restartedWriter() : this.writer;
    const running = (
      writer instanceof WriteThread
        ? writer.call(call, transfer)
        : writer.then((started) => started.call(call, transfer))
    ).then(
      (result) => {
        if (clearsFailure) this.lastFailure = null;
        return result;
      },
      (error: unknown) => {
        if (error instanceof StoreUnavailableError) this.lastFailure = { error, at: Date.now() };
        throw error;
      },
    );
    const settled = () => this.inFlight.delete(running);
    this.inFlight.add(running);
    running.then(settled, settled);
    return running;
  }

  /** A new write thread for one that stopped: a bug or a crash there must not end every later write. */
  private restartedWriter(): Promise<WriteThread> {
    this.restarting ??= WriteThread.start(this.path).then(
      (writer) => {
        this.writer = writer;
        this.restarting = null;
        return writer;
      },
      (error: unknown) => {
        this.restarting = null;
        if (error instanceof StoreOpenError) throw new StoreUnavailableError('cannot_open', error.message);
        const why = error instanceof Error ? error.message : String(error);
        throw new StoreUnavailableError(
          'write_thread_stopped',
          `The database's write thread could not start again (${why}); try again.`,
          { cause: error },
        );
      },
    );
    return this.restarting;
  }
}
