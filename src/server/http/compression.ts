import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';

/** Responses smaller than this are sent as they are: compressing them saves nothing (SPEC §12). */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * Compresses responses over 1 KB (gzip or deflate, as the client accepts) with Hono's compress middleware, and
 * sends every response whole, with its Content-Length.
 * NOTE: a JSON answer has no Content-Length when it leaves a handler, and without one the middleware would
 * compress even a 20-byte answer; JSON is built in memory anyway, so its length is measured first.
 * NOTE: a streamed answer goes out headers first: a body that then fails, or a server that dies meanwhile, would
 * leave a 200 that a proxy speaking HTTP/1.0 to the server (nginx's default) passes on as complete, and a body
 * failing at its first read is sent by @hono/node-server as an empty 200. Every answer is small enough to hold
 * whole, so it is: a failure before it is sent becomes an error answer, and one cut off on the way is seen as such.
 */
export function compressResponses(): MiddlewareHandler {
  const gzip = compress({ threshold: COMPRESSION_THRESHOLD_BYTES });
  return async (c, next) => {
    await gzip(c, async () => {
      await next();
      await holdWhole(c, (type) => type.startsWith('application/json'));
    });
    await holdWhole(c, () => true);
  };
}

/** Reads a response body of the given type that has no Content-Length into memory, and sets its length. */
async function holdWhole(
  c: Parameters<MiddlewareHandler>[0],
  ofType: (contentType: string) => boolean,
): Promise<void> {
  const response = c.res;
  if (!response.body || response.headers.has('Content-Length')) return;
  if (!ofType(response.headers.get('Content-Type') ?? '')) return;
  const bytes = new Uint8Array(await response.arrayBuffer());
  c.res = new Response(bytes, response);
  c.res.headers.set('Content-Length', String(bytes.byteLength));
}
