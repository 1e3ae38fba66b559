import type { ApiError, ApiErrorStatus } from '@/core/api';

/** A request-level problem, answered as `{ error: { code, message } }` with its HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: ApiErrorStatus,
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
