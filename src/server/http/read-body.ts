import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { parseJson } from '@/core/json';
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

/**
 * Reads a request body up to a size limit (413 beyond it, from Content-Length or while streaming) and undoes a
 * gzip Content-Encoding, with the same limit on the decompressed size. The bytes count against the server's body
 * budget for as long as the request lasts (503 with Retry-After when the server holds too much already).
 */
export async function readBody(c: Context<AppEnv>, maxBytes: number): Promise<Buffer> {
  const request = c.req.raw;
  const lease = c.get('bodyLease');
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (Number.isFinite(declared) && declared > 0 && !lease.reserve(declared)) throw busy();
  let reserved = Number.isFinite(declared) ? declared : 0;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes || (size > reserved && !lease.reserve(size - reserved))) {
        await reader.cancel().catch(() => undefined);
        throw size > maxBytes ? tooLarge(maxBytes) : busy();
      }
      reserved = Math.max(reserved, size);
      chunks.push(value);
    }
  }
  const body = Buffer.concat(chunks, size);
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new HttpError(
      415,
      'unsupported_encoding',
      `Content-Encoding '${encoding}' is not supported; use gzip`,
    );
  }
  let inflated: Buffer;
  try {
    inflated = gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError) throw tooLarge(maxBytes);
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, 'malformed_body', `The body is not valid gzip: ${reason}`);
  }
  if (!lease.reserve(inflated.byteLength)) throw busy();
  return inflated;
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
  requireJsonContentType(c);
  const bytes = await readBody(c, maxBytes);
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'malformed_json', 'The request body is empty; send JSON');
  const parsed = parseJson(text);
  if (!parsed.ok)
    throw new HttpError(400, 'malformed_json', `The request body is not valid JSON: ${parsed.message}`);
  return { value: parsed.value, sha256: createHash('sha256').update(bytes).digest('hex') };
}
