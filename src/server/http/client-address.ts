import type { Context } from 'hono';
import type { AppEnv } from './app-env';

/**
 * The address of the client that sent a request: the socket's remote address. NOTE: `X-Forwarded-For` is not
 * trusted on purpose; a client could set it to anything to escape the per-address limits.
 */
export function clientAddressOf(c: Context): string {
  const env = c.env as Partial<AppEnv['Bindings']> | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
