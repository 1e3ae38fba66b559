import { gunzipSync } from 'node:zlib';
import { parseJson } from '../../core/json';
import { HttpError } from './api-error';

/** Default largest request body, before and after gzip: 50 MB. */
export const DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024;

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    'body_too_large',
    `The request body is larger than the limit of ${maxBytes.toLocaleString('en-US')} bytes; send fewer spans per request`,
  );
}

/**
 * Reads a request body up to a size limit (413 beyond it, from Content-Length or while streaming) and undoes a
 * gzip Content-Encoding, with the same limit on the decompressed size.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(maxBytes);
      }
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
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError) throw tooLarge(maxBytes);
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, 'malformed_body', `The body is not valid gzip: ${reason}`);
  }
}

/** Reads a JSON request body; malformed JSON is a 400 that says what is wrong and where (line, column). */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const text = (await readBody(request, maxBytes)).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'malformed_json', 'The request body is empty; send JSON');
  const parsed = parseJson(text);
  if (!parsed.ok)
    throw new HttpError(400, 'malformed_json', `The request body is not valid JSON: ${parsed.message}`);
  return parsed.value;
}
