/** Why a store cannot serve a request right now. */
export type StoreFailureReason =
  'read_only' | 'disk_full' | 'disk_error' | 'locked' | 'damaged' | 'cannot_open';

/**
 * Thrown by a store when its storage cannot read or write (read-only file, full disk, I/O error, lock held by
 * another program, damaged file). Nothing of the request was applied. The routes answer 503 with the message.
 */
export class StoreUnavailableError extends Error {
  constructor(
    readonly reason: StoreFailureReason,
    /** What is wrong, where, and what to do, in plain words. */
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }

  /** Seconds a client should wait before retrying, when waiting is likely to help; null otherwise. */
  get retryAfterSeconds(): number | null {
    return this.reason === 'locked' ? 5 : null;
  }
}
