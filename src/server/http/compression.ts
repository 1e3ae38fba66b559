import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';

/** Responses smaller than this are sent as they are: compressing them saves nothing (SPEC §12). */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * Compresses responses over 1 KB (gzip or deflate, as the client accepts) with Hono's compress middleware.
 * NOTE: a JSON answer has no Content-Length when it leaves a handler, and without one the middleware would
 * compress even a 20-byte answer; JSON is built in memory anyway, so its length is measured first.
 */
export function compressResponses(): MiddlewareHandler {
  const gzip = compress({ threshold: COMPRESSION_THRESHOLD_BYTES });
  return (c, next) =>
    gzip(c, async () => {
      await next();
      const response = c.res;
      const type = response.headers.get('Content-Type') ?? '';
      if (response.body && !response.headers.has('Content-Length') && type.startsWith('application/json')) {
        const bytes = new Uint8Array(await response.arrayBuffer());
        c.res = new Response(bytes, response);
        c.res.headers.set('Content-Length', String(bytes.byteLength));
      }
    });
}
