import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import type { Context } from 'hono';
import { parseJson } from '@/core/text';
import { HttpError } from './api-error';
import type { AppEnv } from './app-env';

/** Default largest request body, before and after gzip: 50 MB. */
export const DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024;
/** Default most request-body bytes held at once over all requests: 128 MB. */
export const DEFAULT_MAX_BUFFERED_BYTES = 128 * 1024 * 1024;

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    'body_too_large',
    `The request body is larger than the limit of ${maxBytes.toLocaleString('en-US')} bytes; send fewer spans per request`,
  );
}

function busy(): HttpError {
  return new HttpError(
    503,
    'server_busy',
    'The server is receiving too much data at once; retry in a few seconds',
    { 'Retry-After': '2' },
  );
}

/** True for the errors zlib raises on bytes that are not gzip (their codes are Z_DATA_ERROR, Z_BUF_ERROR, …). */
function isZlibError(error: unknown): boolean {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * Reads a request body up to a size limit (413 beyond it, from Content-Length or while streaming) and undoes a
 * gzip Content-Encoding as the bytes arrive, with the same limit on the decompressed size. The bytes count
 * against the server's body budget for as long as the request lasts (503 with Retry-After when the server holds
 * too much already). `inspect`, when given, sees each decoded chunk as it comes and may throw (an HttpError) to
 * refuse the body before the rest is read. NOTE: gzip is undone by a zlib stream, on Node's thread pool and
 * chunk by chunk, so neither a large body nor a gzip bomb holds the event loop.
 */
export async function readBody(
  c: Context<AppEnv>,
  maxBytes: number,
  inspect?: (chunk: Uint8Array) => void,
): Promise<Buffer> {
  const request = c.req.raw;
  const lease = c.get('bodyLease');
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  const gzipped = encoding === 'gzip' || encoding === 'x-gzip';
  if (!gzipped && encoding !== 'identity' && encoding !== '') {
    throw new HttpError(
      415,
      'unsupported_encoding',
      `Content-Encoding '${encoding}' is not supported; use gzip`,
    );
  }
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (Number.isFinite(declared) && declared > 0 && !lease.reserve(declared)) throw busy();
  let reserved = Number.isFinite(declared) ? declared : 0;
  let received = 0;
  const receive = async function* (raw: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of raw) {
      received += chunk.byteLength;
      if (received > maxBytes) throw tooLarge(maxBytes);
      if (received > reserved && !lease.reserve(received - reserved)) throw busy();
      reserved = Math.max(reserved, received);
      yield chunk;
    }
  };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const keep = async (decoded: AsyncIterable<Uint8Array>) => {
    for await (const chunk of decoded) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      if (gzipped && !lease.reserve(chunk.byteLength)) throw busy();
      inspect?.(chunk);
      chunks.push(chunk);
    }
  };
  if (!request.body) return Buffer.alloc(0);
  // NOTE: a Node stream, so that when a stage throws, the pipeline cancels the body's reader (a read still
  // waiting for bytes the client has not sent would otherwise hold the request open).
  const body = Readable.fromWeb(request.body as WebReadableStream<Uint8Array>);
  if (!gzipped) {
    await pipeline(body, receive, keep);
  } else {
    try {
      await pipeline(body, receive, createGunzip(), keep);
    } catch (error) {
      if (!isZlibError(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new HttpError(400, 'malformed_body', `The body is not valid gzip: ${reason}`);
    }
  }
  return Buffer.concat(chunks, size);
}

/**
 * Requires `Content-Type: application/json` (SPEC §12): 415 otherwise. NOTE: this is what stops cross-site writes
 * without keys: an HTML form or a no-CORS fetch cannot send this type without a CORS preflight.
 */
export function requireJsonContentType(c: Context): void {
  const header = c.req.header('Content-Type') ?? '';
  const mediaType = header.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== 'application/json') {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `This route takes JSON: send the header Content-Type: application/json${mediaType ? ` (not ${mediaType.slice(0, 100)})` : ''}`,
    );
  }
}

/** A JSON request body, and a digest of its bytes (to tell a repeated request from a different one). */
export interface JsonBody {
  value: unknown;
  sha256: string;
}

/**
 * Reads a JSON request body: 415 unless it is declared `application/json`; malformed JSON is a 400 that says what
 * is wrong and where (line, column).
 */
export async function readJsonBody(c: Context<AppEnv>, maxBytes: number): Promise<JsonBody> {
  const bytes = await readJsonBytes(c, maxBytes);
  return { value: parseJsonBytes(bytes), sha256: bodyDigest(bytes) };
}

/** Reads the bytes of a JSON request body: 415 unless it is declared `application/json`; see `readBody`. */
export async function readJsonBytes(c: Context<AppEnv>, maxBytes: number): Promise<Buffer> {
  requireJsonContentType(c);
  return readBody(c, maxBytes);
}

/** The SHA-256 of a body's bytes, in hex (to tell a repeated request from a different one). */
export function bodyDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The JSON value of a request body's bytes (UTF-8): an empty body, or one that is not JSON, is a 400
 * `malformed_json` that says what is wrong and where (line, column). Runs on the event loop or a parse thread.
 */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'malformed_json', 'The request body is empty; send JSON');
  const parsed = parseJson(text);
  if (!parsed.ok)
    throw new HttpError(400, 'malformed_json', `The request body is not valid JSON: ${parsed.message}`);
  return parsed.value;
}
