import type { MiddlewareHandler } from 'hono';
import { HttpError } from './api-error';

/** True for a host name or address that always means this machine: localhost, *.localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  const ipv4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  return ipv4 !== null && ipv4.slice(1).every((part) => Number(part) <= 255);
}

/** The host name of a `Host` header value, without its port: `[::1]:8787` → `::1`, `localhost:80` → `localhost`. */
export function hostNameOf(header: string): string {
  const value = header.trim();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end < 0 ? value : value.slice(1, end);
  }
  const colon = value.lastIndexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}

/**
 * Answers only requests addressed to a loopback name (SPEC §12), for a server without API keys: a page on another
 * site that rebinds its DNS name to 127.0.0.1 still sends its own name in `Host`, and is refused.
 */
export function requireLoopbackHost(): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('Host') ?? '';
    if (!isLoopbackHost(hostNameOf(header))) {
      throw new HttpError(
        403,
        'host_not_allowed',
        `This server has no API keys, so it answers only requests to localhost or 127.0.0.1, not to '${header.slice(0, 100)}'. Configure SPANPATCH_API_KEYS to serve other names`,
      );
    }
    return next();
  };
}
