/** Why a database cannot serve a request right now, as its own errors tell it. */
export type StoreFailureReason =
  'read_only' | 'disk_full' | 'disk_error' | 'locked' | 'damaged' | 'cannot_open';

/**
 * Why a store cannot serve a request right now: the database's reason, or `write_thread_stopped` when SQLite's write
 * thread stopped during the write (a crash); a new thread takes the next write.
 */
export type StoreUnavailableReason = StoreFailureReason | 'write_thread_stopped';

/**
 * Thrown by a store when its storage cannot read or write (read-only file, full disk, I/O error, lock held by
 * another program, damaged file, a crashed write thread). Nothing of the request was applied. The routes answer 503
 * with the message.
 */
export class StoreUnavailableError extends Error {
  constructor(
    readonly reason: StoreUnavailableReason,
    /** What is wrong, where, and what to do, in plain words. */
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }

  /** Seconds a client should wait before retrying, when waiting is likely to help; null otherwise. */
  get retryAfterSeconds(): number | null {
    if (this.reason === 'locked') return 5;
    return this.reason === 'write_thread_stopped' ? 1 : null;
  }
}
