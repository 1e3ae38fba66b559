/** How `inSlices` paces a long piece of work on the main thread. */
export interface SliceOptions {
  /** Stops the work: the loop throws the signal's reason before its next chunk. */
  signal?: AbortSignal;
  /** Milliseconds of work between two yields to the browser (8 unless given: half a frame). */
  budgetMs?: number;
  /** Indexes handed out at a time (256 unless given); the clock is read once per chunk. */
  chunkSize?: number;
  /** The clock, in milliseconds (`performance.now` unless given). */
  now?: () => number;
  /** Gives the main thread back to the browser (`nextMacrotask` unless given). */
  yieldToBrowser?: () => Promise<void>;
}

const DEFAULT_BUDGET_MS = 8;
const DEFAULT_CHUNK_SIZE = 256;

/**
 * The indexes 0…count-1 as chunks `[start, end)`, for work too long for one main-thread task (every span of a
 * large sheet): once about `budgetMs` has passed since the last yield, the loop gives the main thread back to
 * the browser (input, painting, other tasks) before the next chunk, and it throws the signal's reason as soon
 * as the signal aborts.
 *
 * @example
 * for await (const [start, end] of inSlices(spanIds.length, { signal })) {
 *   for (let index = start; index < end; index++) work(spanIds[index]);
 * }
 */
export async function* inSlices(
  count: number,
  options: SliceOptions = {},
): AsyncGenerator<readonly [start: number, end: number], void, undefined> {
  const {
    signal,
    budgetMs = DEFAULT_BUDGET_MS,
    chunkSize = DEFAULT_CHUNK_SIZE,
    now = () => performance.now(),
    yieldToBrowser = nextMacrotask,
  } = options;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`inSlices: chunkSize must be a positive integer, not ${chunkSize}`);
  }
  signal?.throwIfAborted();
  let sliceStart = now();
  for (let start = 0; start < count; start += chunkSize) {
    if (now() - sliceStart >= budgetMs) {
      await yieldToBrowser();
      signal?.throwIfAborted();
      sliceStart = now();
    }
    yield [start, Math.min(count, start + chunkSize)];
    signal?.throwIfAborted();
  }
}

/** `scheduler.yield`, where the browser has it (Chromium): the rest runs soon, after pending input. */
interface YieldingScheduler {
  yield: () => Promise<void>;
}

function yieldingScheduler(): YieldingScheduler | null {
  const scheduler: unknown = Reflect.get(globalThis, 'scheduler');
  if (typeof scheduler !== 'object' || scheduler === null) return null;
  return typeof Reflect.get(scheduler, 'yield') === 'function' ? (scheduler as YieldingScheduler) : null;
}

/**
 * Resolves in a later task, so the browser can handle input and paint in between: `scheduler.yield()` where
 * there is one, else a message to a fresh channel (not `setTimeout`, which browsers hold back at least 4 ms
 * once nested).
 */
export function nextMacrotask(): Promise<void> {
  const scheduler = yieldingScheduler();
  if (scheduler !== null) return scheduler.yield();
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
