import type { MiddlewareHandler } from 'hono';

/**
 * The Content-Security-Policy of the UI (SPEC §12): scripts, styles, workers and images from this server only, no
 * inline script, never framed. NOTE: `connect-src` also allows other http(s) origins because Settings lets a user
 * point the app at another Spanpatch server; scripts still cannot come from there.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self' http: https:",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sets the security headers of SPEC §12 on every response: CSP, nosniff, no framing, no referrer. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
  };
}
