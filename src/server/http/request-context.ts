import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from './app-env';
import { type TrustedProxies, socketAddressOf } from './client-address';

/** An X-Request-Id from outside that may be kept: a short token, safe in a header and a log line. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The X-Request-Id a request came with, when it may be kept as the request's own ID (so a proxy's ID follows the
 * request into the server's log lines): sent by a trusted proxy (SPANPATCH_TRUSTED_PROXY) and a short safe token,
 * `[A-Za-z0-9._-]{1,128}`. Null otherwise, and the server makes a new one.
 */
export function trustedRequestId(c: Context, trusted: TrustedProxies): string | null {
  const incoming = c.req.header('X-Request-Id');
  if (incoming === undefined || !SAFE_REQUEST_ID.test(incoming)) return null;
  const peer = socketAddressOf(c);
  return peer !== undefined && trusted.has(peer) ? incoming : null;
}

/**
 * Gives each request its ID (the one `trustedRequestId` keeps, else a new UUID) and a logger that carries it, and
 * puts the ID on its answer as `X-Request-Id`, whatever the answer is (an error, a 404, a 503 included).
 */
export function requestContext(logger: Logger, trusted: TrustedProxies): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = trustedRequestId(c, trusted) ?? randomUUID();
    c.set('requestId', requestId);
    c.set('requestLogger', logger.child({ requestId }));
    await next();
    c.header('X-Request-Id', requestId);
  };
}

/**
 * The logger of a request: each line carries its request ID, the name of its API key (null without one) and the
 * project its route names (null for a route without one). NOTE: made when a line is logged, since the key is known
 * only after auth and the project only once the route matched.
 */
export function requestLog(c: Context<AppEnv>): Logger {
  return c.var.requestLogger.child({
    keyName: c.var.keyName ?? null,
    project: c.req.param('project') ?? null,
  });
}
