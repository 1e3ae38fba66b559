import type { z } from 'zod';
import { apiErrorSchema, describeSchemaError } from '@/core/api-schema';
import { DEFAULT_REQUEST_TIMEOUT_MS, formatDuration, runWithTimeout } from './retry-timing';

/** Where the server is and how to reach it; shared by every client call. */
export interface ClientOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8787`; empty (default) means the page's own origin. */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /** A fetch implementation (tests); default the global fetch. */
  fetch?: typeof fetch;
  /** Aborts the request: the call rejects at once with the signal's reason (an `AbortError`). */
  signal?: AbortSignal;
  /**
   * How long the request may take, answer included; past it the call fails with a `network_error`. Default
   * 30 s; `Infinity` for no limit.
   */
  timeoutMs?: number;
}

/** Why a request failed: no answer (`status` null), an error answer, or an answer that breaks the contract. */
export class ApiRequestError extends Error {
  constructor(
    /** HTTP status, or null when the server could not be reached. */
    readonly status: number | null,
    /** The server's error code, or `network_error` / `invalid_response` / `http_<status>`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** Joins the base URL and an API path. */
export function apiUrl(baseUrl: string | undefined, path: string): string {
  return `${(baseUrl ?? '').replace(/\/+$/, '')}${path}`;
}

/** Request headers for a JSON call, with the API key when there is one. */
export function apiHeaders(apiKey: string | undefined, extra: Record<string, string> = {}): Headers {
  const headers = new Headers({ Accept: 'application/json', ...extra });
  if (apiKey) headers.set('Authorization', `Bearer ${apiKey}`);
  return headers;
}

/** The message of an error answer: the server's `{ error: { message } }`, else the status text. */
export async function errorMessageOf(response: Response): Promise<{ code: string; message: string }> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = apiErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.error;
  } catch {
    // Not JSON: describe the status.
  }
  const detail = text.trim().slice(0, 200);
  return {
    code: `http_${response.status}`,
    message: `HTTP ${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}`.trim(),
  };
}

/** Describes a fetch failure (no answer) in words: the cause Node's fetch hides behind "fetch failed". */
export function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : '';
  if (causeText && !error.message.includes(causeText)) return `${error.message}: ${causeText}`;
  return error.message;
}

/**
 * Calls a JSON route of the API and validates the answer with its shared schema. Throws `ApiRequestError` when
 * the server cannot be reached or gives no complete answer within `timeoutMs` (status null, `network_error`),
 * answers an error, or answers something the schema rejects. When `signal` aborts, rejects at once with its reason.
 */
export async function requestJson<T extends z.ZodType>(
  path: string,
  schema: T,
  options: ClientOptions,
  init: { method?: 'GET' | 'POST'; body?: unknown } = {},
): Promise<z.infer<T>> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const hasBody = init.body !== undefined;
  const end = await runWithTimeout(
    async (signal) => {
      let response: Response;
      try {
        response = await fetchImpl(apiUrl(options.baseUrl, path), {
          method: init.method ?? (hasBody ? 'POST' : 'GET'),
          headers: apiHeaders(options.apiKey, hasBody ? { 'Content-Type': 'application/json' } : {}),
          body: hasBody ? JSON.stringify(init.body) : null,
          signal,
        });
      } catch (error) {
        throw new ApiRequestError(
          null,
          'network_error',
          `Could not reach the server: ${describeNetworkError(error)}`,
        );
      }
      if (!response.ok) {
        const { code, message } = await errorMessageOf(response);
        throw new ApiRequestError(response.status, code, message);
      }
      try {
        return { status: response.status, text: await response.text() };
      } catch (error) {
        throw new ApiRequestError(
          null,
          'network_error',
          `The connection broke while the server's answer was arriving: ${describeNetworkError(error)}`,
        );
      }
    },
    timeoutMs,
    options.signal,
  );
  if (end.kind === 'cancelled') throw abortReason(options.signal);
  if (end.kind === 'timeout') {
    throw new ApiRequestError(
      null,
      'network_error',
      `No answer from the server within ${formatDuration(timeoutMs)}`,
    );
  }
  if (end.kind === 'failed') throw end.error;
  const { status, text } = end.value;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiRequestError(status, 'invalid_response', 'The server answered something that is not JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiRequestError(
      status,
      'invalid_response',
      `The server's answer does not match the API: ${describeSchemaError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** What a cancelled call rejects with: the signal's reason, an `AbortError` unless the caller gave another. */
function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The request was cancelled', 'AbortError');
}
