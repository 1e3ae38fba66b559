/** Delay before retry number `attempt` (0-based): exponential, capped, with jitter (half fixed, half random). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * Reads a `Retry-After` header (seconds, or an HTTP date) as milliseconds from now; null when absent or
 * unreadable.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** Waits, unless the signal aborts first: resolves true when the wait completed, false when it was aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A random UUID v4 for an Idempotency-Key, also where `crypto.randomUUID` is missing (plain-HTTP pages). */
export function randomKey(): string {
  if (typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** How long one request attempt may take, answer body included, unless the caller says otherwise (SPEC §7). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

const MAX_TIMER_MS = 2_147_483_647;

/** How an attempt under `runWithTimeout` ended: its own outcome, or stopped by the time limit or the caller. */
export type AttemptEnd<T> =
  | { kind: 'done'; value: T }
  | { kind: 'failed'; error: unknown }
  | { kind: 'timeout' }
  | { kind: 'cancelled' };

/**
 * Runs one request attempt under a time limit (`Infinity` for none) and the caller's signal. `run` gets a signal that aborts on either,
 * and the result settles the moment either fires, even if `run` ignores its signal (a fetch stuck in a proxy, a
 * body that never ends), so neither a timeout nor a cancel ever waits for the network.
 */
export function runWithTimeout<T>(
  run: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<AttemptEnd<T>> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve({ kind: 'cancelled' });
      return;
    }
    const attempt = new AbortController();
    let settled = false;
    const finish = (end: AttemptEnd<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCancel);
      resolve(end);
      if (end.kind === 'timeout' || end.kind === 'cancelled') attempt.abort();
    };
    const onCancel = () => finish({ kind: 'cancelled' });
    // An infinite limit means none; setTimeout would fire at once past its 32-bit maximum.
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(() => finish({ kind: 'timeout' }), Math.min(timeoutMs, MAX_TIMER_MS))
      : undefined;
    signal?.addEventListener('abort', onCancel, { once: true });
    let running: Promise<T>;
    try {
      running = run(attempt.signal);
    } catch (error) {
      finish({ kind: 'failed', error });
      return;
    }
    running.then(
      (value) => finish({ kind: 'done', value }),
      (error: unknown) => finish({ kind: 'failed', error }),
    );
  });
}

/** A duration for a message: "250 ms", "30 s". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
