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
 * another program, damaged file, a crashed write thread, a database server that is down or restarting). Nothing
 * of the request was applied, unless the message says its outcome is unknown. The routes answer 503 with the message.
 */
export class StoreUnavailableError extends Error {
  readonly #retryAfter: number | undefined;

  constructor(
    readonly reason: StoreUnavailableReason,
    /** What is wrong, where, and what to do, in plain words. */
    message: string,
    /** `retryAfterSeconds`: when waiting that long is likely to help (default: 5 s when busy, else none). */
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, 'cause' in options ? { cause: options.cause } : {});
    this.name = 'StoreUnavailableError';
    this.#retryAfter = options.retryAfterSeconds;
  }

  /** Seconds a client should wait before retrying, when waiting is likely to help; null otherwise. */
  get retryAfterSeconds(): number | null {
    return (
      this.#retryAfter ?? (this.reason === 'locked' ? 5 : this.reason === 'write_thread_stopped' ? 1 : null)
    );
  }
}
