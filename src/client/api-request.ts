import type { z } from 'zod';
import {
  answerTooLargeMessage,
  apiErrorSchema,
  type ApiRoute,
  describeSchemaError,
  MAX_ANSWER_BYTES,
  MAX_ERROR_ANSWER_BYTES,
  type NamedSchema,
  type PathParams,
  type QueryValue,
  routePath,
} from '@/core/api';
import { DEFAULT_REQUEST_TIMEOUT_MS, formatDuration, parseRetryAfter, runWithTimeout } from './retry-timing';

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

/**
 * Why a request failed: `network` (no complete answer: the server could not be reached, or the connection broke),
 * `timeout` (no complete answer in time), `error_answer` (an error status), `invalid_answer` (an answer that is
 * not JSON, does not match the shared schema, or contradicts the request).
 */
export type RequestFailureKind = 'network' | 'timeout' | 'error_answer' | 'invalid_answer';

/** Why a request failed: no answer (`status` null), an error answer, or an answer that breaks the contract. */
export class ApiRequestError extends Error {
  /** What kind of failure this is; see `RequestFailureKind`. */
  readonly kind: RequestFailureKind;
  /** How long the server asked to wait before retrying (its `Retry-After`), or null when it did not say. */
  readonly retryAfterMs: number | null;

  constructor(
    /** HTTP status, or null when no complete answer arrived. */
    readonly status: number | null,
    /** The server's error code, or `network_error` / `invalid_response` / `http_<status>`. */
    readonly code: string,
    message: string,
    details: { kind?: RequestFailureKind; retryAfterMs?: number | null } = {},
  ) {
    super(message);
    this.name = 'ApiRequestError';
    this.kind =
      details.kind ??
      (status === null ? 'network' : code === 'invalid_response' ? 'invalid_answer' : 'error_answer');
    this.retryAfterMs = details.retryAfterMs ?? null;
  }

  /** True when the attempt ran out of time (then also a network failure). */
  get timedOut(): boolean {
    return this.kind === 'timeout';
  }

  /** True when no complete answer arrived: unreachable, a broken connection, or out of time. */
  get networkFailure(): boolean {
    return this.kind === 'network' || this.kind === 'timeout';
  }
}

/** A route whose answer is JSON of a shared schema, which the client validates. */
export type JsonRoute = ApiRoute & { response: { schema: NamedSchema } };

/** What a route answers, as its shared schema parses it. */
export type RouteAnswer<R extends JsonRoute> = z.output<R['response']['schema']['schema']>;

/** What a route takes as its JSON body. */
export type RouteBodyInput<R extends ApiRoute> = R['body'] extends { kind: 'json'; schema: NamedSchema }
  ? z.input<R['body']['schema']['schema']>
  : never;

/** One call of a route: its path parameters, and the query, JSON body and extra headers it sends. */
export interface RouteRequest<R extends ApiRoute> {
  params: PathParams<R>;
  query?: Readonly<Record<string, QueryValue>>;
  body?: RouteBodyInput<R>;
  headers?: Readonly<Record<string, string>>;
}

const NETWORK_ERROR = 'network_error';
const INVALID_RESPONSE = 'invalid_response';
/** The code of an answer the client stopped reading at `MAX_ANSWER_BYTES` (an invalid answer). */
const ANSWER_TOO_LARGE = 'answer_too_large';

/**
 * Calls a route of the API (from `apiRoutes`) and validates its answer with the route's shared schema: the one
 * request path of the client. Each call is one attempt under `timeoutMs`, answer body included. Throws an
 * `ApiRequestError` that says what happened: no complete answer (status null, `network_error`; `timedOut` when
 * time ran out), an error answer (its status, code, message and `Retry-After`), or an answer that is not JSON or
 * does not match the schema (`invalid_response`). When `signal` aborts, rejects at once with the signal's reason
 * (an `AbortError`), without waiting for the network, and aborts the request.
 */
export async function apiRequest<R extends JsonRoute>(
  route: R,
  request: RouteRequest<R>,
  options: ClientOptions,
): Promise<RouteAnswer<R>> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const url = apiUrl(options.baseUrl, routePath(route, request.params, request.query));
  const hasBody = request.body !== undefined;
  const headers = apiHeaders(options.apiKey, {
    ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
    ...request.headers,
  });
  let answerStarted = false;
  const end = await runWithTimeout(
    async (signal) => {
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: route.method,
          headers,
          body: hasBody ? JSON.stringify(request.body) : null,
          signal,
        });
      } catch (error) {
        throw noAnswer(`Could not reach the server: ${describeNetworkError(error)}`);
      }
      answerStarted = true;
      if (!response.ok) throw await errorAnswer(response);
      // NOTE: the body is read as text first, so a connection that breaks mid-answer (a network failure) is told
      // apart from a complete answer that is not JSON (the server did answer, just not in the API).
      let body: AnswerText;
      try {
        body = await readAnswerText(response, MAX_ANSWER_BYTES);
      } catch (error) {
        throw noAnswer(
          `The connection broke while the server's answer was arriving: ${describeNetworkError(error)}`,
        );
      }
      if (!body.complete) {
        throw new ApiRequestError(
          response.status,
          ANSWER_TOO_LARGE,
          answerTooLargeMessage(MAX_ANSWER_BYTES),
          {
            kind: 'invalid_answer',
          },
        );
      }
      return { status: response.status, text: body.text };
    },
    timeoutMs,
    options.signal,
  );
  switch (end.kind) {
    case 'cancelled':
      throw options.signal?.reason ?? new DOMException('The request was cancelled', 'AbortError');
    case 'timeout':
      throw new ApiRequestError(
        null,
        NETWORK_ERROR,
        answerStarted
          ? `No complete answer from the server within ${formatDuration(timeoutMs)}: the answer began but did not finish`
          : `No answer from the server within ${formatDuration(timeoutMs)}`,
        { kind: 'timeout' },
      );
    case 'failed':
      if (end.error instanceof ApiRequestError) throw end.error;
      throw noAnswer(`Could not reach the server: ${describeNetworkError(end.error)}`);
    case 'done': {
      const schema: R['response']['schema']['schema'] = route.response.schema.schema;
      return parseAnswer(schema, end.value.status, end.value.text);
    }
  }
}

function parseAnswer<T extends z.ZodType>(schema: T, status: number, text: string): z.output<T> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ApiRequestError(
      status,
      INVALID_RESPONSE,
      `The server's answer is not JSON (${describeNetworkError(error)})`,
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiRequestError(
      status,
      INVALID_RESPONSE,
      `The server's answer does not match the API: ${describeSchemaError(parsed.error)}`,
    );
  }
  return parsed.data;
}

function noAnswer(message: string): ApiRequestError {
  return new ApiRequestError(null, NETWORK_ERROR, message, { kind: 'network' });
}

/** An error answer: the server's `{ error: { code, message } }`, else the status text, and its Retry-After. */
async function errorAnswer(response: Response): Promise<ApiRequestError> {
  const details = {
    kind: 'error_answer' as const,
    retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')),
  };
  const { text } = await readAnswerText(response, MAX_ERROR_ANSWER_BYTES, { keepBeginning: true }).catch(
    () => ({ text: '' }),
  );
  try {
    const parsed = apiErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      return new ApiRequestError(response.status, parsed.data.error.code, parsed.data.error.message, details);
    }
  } catch {
    // Not JSON: describe the status.
  }
  const detail = text.trim().slice(0, 200);
  const message = `HTTP ${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}`.trim();
  return new ApiRequestError(response.status, `http_${response.status}`, message, details);
}

/**
 * An answer's body as text: all of it (`complete`); else, when the reading stopped at its cap, nothing, or with
 * `keepBeginning` what came before the cap.
 */
interface AnswerText {
  text: string;
  complete: boolean;
}

/**
 * Reads an answer's body as UTF-8 text, as `response.text()` does, but at most `maxBytes` (after decompression):
 * an answer that announces more (Content-Length) is not read at all, one that sends more is read up to the cap,
 * and either way the rest is cancelled, which closes the connection. Rejects when the connection breaks.
 */
async function readAnswerText(
  response: Response,
  maxBytes: number,
  { keepBeginning = false }: { keepBeginning?: boolean } = {},
): Promise<AnswerText> {
  const body = response.body;
  // An answer without a body (204, HEAD).
  if (!body) return { text: '', complete: true };
  const announced = Number(response.headers.get('Content-Length') ?? Number.NaN);
  // NOTE: a compressed answer announces its compressed size, so only the bytes read can be trusted below.
  if (response.headers.get('Content-Encoding') === null && announced > maxBytes) {
    void body.cancel().catch(() => undefined);
    return { text: '', complete: false };
  }
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      void reader.cancel().catch(() => undefined);
      if (!keepBeginning) return { text: '', complete: false };
      parts.push(decoder.decode(value.subarray(0, value.byteLength - (bytes - maxBytes))));
      return { text: parts.join(''), complete: false };
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return { text: parts.join(''), complete: true };
}

function apiUrl(baseUrl: string | undefined, path: string): string {
  return `${(baseUrl ?? '').replace(/\/+$/, '')}${path}`;
}

function apiHeaders(apiKey: string | undefined, extra: Readonly<Record<string, string>>): Headers {
  const headers = new Headers({ Accept: 'application/json', ...extra });
  if (apiKey) headers.set('Authorization', `Bearer ${apiKey}`);
  return headers;
}

/** Describes a failure in words, with the cause Node's fetch hides behind "fetch failed". */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : '';
  if (causeText && !error.message.includes(causeText)) return `${error.message}: ${causeText}`;
  return error.message;
}
