import type { ApiError } from '@/core/api-schema';

/** HTTP statuses of request-level problems (SPEC §6). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 413 | 415 | 422 | 429 | 500 | 503;

/** A request-level problem, answered as `{ error: { code, message } }` with its HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    /** Extra response headers, such as `Retry-After`. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** The response body of this error. */
  toBody(): ApiError {
    return { error: { code: this.code, message: this.message } };
  }
}
