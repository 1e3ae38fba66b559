import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ApiErrorStatus } from '@/core/api';
import type { PreparedRouteId } from '@/server/routes/prepared-bodies';
import { HttpError } from './api-error';

/** Bodies from this size are parsed on a parse thread; smaller ones on the event loop, where that is quicker. */
export const OFF_THREAD_MIN_BYTES = 64 * 1024;

/** A body for a parse thread: its bytes (moved, not copied) and the route whose schema checks it. */
export interface ToParseThread {
  id: number;
  routeId: PreparedRouteId;
  bytes: ArrayBuffer;
}

/** A parse thread's answer: the prepared body as UTF-8 JSON, the 4xx the request gets, or its own failure. */
export type FromParseThread =
  | { id: 0; kind: 'ready' }
  | { id: number; kind: 'prepared'; prepared: ArrayBuffer }
  | { id: number; kind: 'refused'; status: ApiErrorStatus; code: string; message: string }
  | { id: number; kind: 'failed'; message: string };

/** What became of a body sent to a parse thread; `unavailable`: no thread could read it, read it here. */
export type OffThreadParse = { kind: 'prepared'; value: unknown } | { kind: 'unavailable' };

/** This module's file URL (under vitest's jsdom the module URL is `http://localhost/src/…`). */
function moduleFileUrl(url: string): URL {
  const parsed = new URL(url);
  return parsed.protocol === 'file:'
    ? parsed
    : pathToFileURL(join(process.cwd(), decodeURIComponent(parsed.pathname)));
}

const moduleUrl = moduleFileUrl(import.meta.url);

/**
 * Starts a parse thread: compiled (dist/cli, or the repository's bundle), `body-parse-worker.js` beside this module;
 * from the TypeScript sources, a few lines that register tsx and the `@/` alias first, as the SQLite store's write
 * thread does (src/server/store/sqlite/threaded-sqlite-store.ts says why).
 */
function startThread(): Worker {
  if (moduleUrl.pathname.endsWith('.js'))
    return new Worker(new URL('./body-parse-worker.js', moduleUrl), { execArgv: [] });
  const workerUrl = new URL('./body-parse-worker.ts', moduleUrl);
  const tsx = JSON.stringify(createRequire(workerUrl).resolve('tsx/cjs/api'));
  const src = JSON.stringify(fileURLToPath(new URL('../../', workerUrl)));
  const worker = JSON.stringify(fileURLToPath(workerUrl));
  const bootstrap = `
    const Module = require('node:module');
    require(${tsx}).register();
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      return resolveFilename.call(this, request.startsWith('@/') ? ${src} + request.slice(2) : request, ...rest);
    };
    require(${worker});`;
  return new Worker(bootstrap, { eval: true, execArgv: [] });
}

/**
 * A parse thread for the server's large write bodies (SPEC §11: writes never stall reads): the JSON, the schema
 * check and the preparation of a 10,000-span body take tens of milliseconds that /healthz and lookups would
 * otherwise wait behind. Started at the first large body; a thread that fails is replaced at the next one, and a
 * thread that cannot start at all leaves every body to the event loop, as before. The answers are the same either
 * way: what a thread refuses is the same 400 the event loop would give.
 */
export class BodyParsePool {
  private thread: Worker | null = null;
  private broken = false;
  private nextId = 1;
  /** Bodies sent to the thread, by id: what resolves each with the thread's answer (null: no answer will come). */
  private readonly pending = new Map<number, (answer: FromParseThread | null) => void>();

  /**
   * Reads a body on the parse thread: its prepared form, an `HttpError` (400) thrown for a body that is not JSON or
   * does not match the route's schema, or `unavailable` when no thread could read it.
   */
  async parse(routeId: PreparedRouteId, bytes: Uint8Array): Promise<OffThreadParse> {
    const thread = this.running();
    if (thread === null) return { kind: 'unavailable' };
    const id = this.nextId++;
    // NOTE: the bytes move to the thread (no copy) when they are a buffer of their own, as a large body's are.
    const own =
      bytes.byteOffset === 0 &&
      bytes.buffer instanceof ArrayBuffer &&
      bytes.buffer.byteLength === bytes.byteLength
        ? bytes.buffer
        : bytes.slice().buffer;
    const answered = new Promise<FromParseThread | null>((resolve) => this.pending.set(id, resolve));
    if (this.pending.size === 1) thread.ref();
    const message: ToParseThread = { id, routeId, bytes: own };
    thread.postMessage(message, [own]);
    const answer = await answered;
    if (answer === null || answer.kind === 'ready') return { kind: 'unavailable' };
    if (answer.kind === 'refused') throw new HttpError(answer.status, answer.code, answer.message);
    if (answer.kind === 'failed') return { kind: 'unavailable' };
    return { kind: 'prepared', value: JSON.parse(Buffer.from(answer.prepared).toString('utf8')) as unknown };
  }

  /** Ends the thread; bodies it was reading are read on the event loop. */
  async close(): Promise<void> {
    this.broken = true;
    const thread = this.thread;
    this.thread = null;
    if (thread !== null) await thread.terminate();
    this.settleAll();
  }

  private running(): Worker | null {
    if (this.broken) return null;
    if (this.thread !== null) return this.thread;
    let thread: Worker;
    try {
      thread = startThread();
    } catch {
      this.broken = true;
      return null;
    }
    let ready = false;
    thread.on('message', (answer: FromParseThread) => {
      if (answer.kind === 'ready') {
        ready = true;
        return;
      }
      const resolve = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (this.pending.size === 0) thread.unref();
      resolve?.(answer);
    });
    const stop = () => {
      // NOTE: a thread that could not load its code will not the next time either: bodies stay on the event loop.
      if (!ready) this.broken = true;
      if (this.thread === thread) this.thread = null;
      this.settleAll();
    };
    thread.on('error', stop);
    thread.on('exit', stop);
    thread.unref();
    this.thread = thread;
    return thread;
  }

  private settleAll(): void {
    for (const resolve of this.pending.values()) resolve(null);
    this.pending.clear();
  }
}
