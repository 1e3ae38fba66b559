import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { KeyAccess } from '@/core/api';
import { HttpError } from './api-error';
import { clientAddressOf, TrustedProxies } from './client-address';
import { FailedAttempts } from './failed-attempts';

/** What a key may do: `read` keys are refused on every write (SPEC §12). */
export type { KeyAccess };

/** An API key the server accepts, with the name recorded on each submission sent with it. */
export interface ApiKey {
  name: string;
  key: string;
  /** Default `write` (read and write). */
  access?: KeyAccess;
}

const READ_ONLY_SUFFIX = ':read';

/**
 * Parses `name1:key1,name2:key2:read` (SPANPATCH_API_KEYS). Names and keys are trimmed; a key may contain ':';
 * an entry ending in `:read` is a read-only key. Throws with a readable message on an entry without a name or
 * key, or a repeated name.
 */
export function parseApiKeys(text: string): ApiKey[] {
  const keys: ApiKey[] = [];
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    let body = entry.trim();
    let access: KeyAccess = 'write';
    if (body.endsWith(READ_ONLY_SUFFIX)) {
      access = 'read';
      body = body.slice(0, -READ_ONLY_SUFFIX.length);
    }
    const colon = body.indexOf(':');
    const name = colon < 0 ? '' : body.slice(0, colon).trim();
    const key = colon < 0 ? '' : body.slice(colon + 1).trim();
    if (name === '' || key === '') {
      throw new Error(
        `API key entry '${entry.trim().slice(0, 20)}…' must look like name:key (or name:key:read for a read-only key)`,
      );
    }
    if (keys.some((other) => other.name === name)) throw new Error(`API key name '${name}' is used twice`);
    keys.push({ name, key, access });
  }
  return keys;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Finds which configured key a bearer token is, in constant time: both sides are hashed to the same length and
 * compared with `timingSafeEqual`, and every key is compared, whichever matches.
 */
export function createKeyMatcher(keys: readonly ApiKey[]): (token: string) => ApiKey | null {
  const hashed = keys.map((apiKey) => ({ apiKey, hash: digest(apiKey.key) }));
  return (token) => {
    const presented = digest(token);
    let match: ApiKey | null = null;
    for (const { apiKey, hash } of hashed) {
      if (timingSafeEqual(presented, hash) && match === null) match = apiKey;
    }
    return match;
  };
}

/** Variables the auth middleware sets for the routes. */
export interface AuthVariables {
  /** Name of the API key of the request, or null when the server has no keys. */
  keyName: string | null;
  /** What the request's key may do; `write` when the server has no keys. */
  keyAccess: KeyAccess;
}

/** How many wrong keys one client address may present before its wrong keys are answered 429. */
export interface AuthRateLimit {
  /** Failed attempts allowed per window. Default 10. */
  maxFailures: number;
  /** Length of the window. Default 60 s. */
  windowMs: number;
}

const defaultRateLimit: AuthRateLimit = { maxFailures: 10, windowMs: 60_000 };

/**
 * Requires `Authorization: Bearer <key>` when keys are configured: 401 without a key, 403 with a wrong one, and
 * 429 (with Retry-After) for a wrong key from a client address that has presented too many wrong keys lately. Only
 * failures are limited: a valid key always passes, so a guesser (or a shared address) never locks out the right key.
 * The client address is the socket's peer, or what `trustedProxies` forwarded (see `clientAddress`).
 */
export function requireApiKey(
  keys: readonly ApiKey[],
  rateLimit: AuthRateLimit = defaultRateLimit,
  trustedProxies: TrustedProxies = new TrustedProxies([]),
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const match = createKeyMatcher(keys);
  const failures = new FailedAttempts(rateLimit.maxFailures, rateLimit.windowMs);
  return async (c, next) => {
    if (keys.length === 0) {
      c.set('keyName', null);
      c.set('keyAccess', 'write');
      return next();
    }
    const header = c.req.header('Authorization') ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!bearer?.[1]) {
      throw new HttpError(
        401,
        'unauthorized',
        'This server requires an API key: send the header Authorization: Bearer <key>',
      );
    }
    const apiKey = match(bearer[1].trim());
    if (apiKey === null) {
      const address = clientAddressOf(c, trustedProxies);
      const waitMs = failures.waitMs(address);
      failures.record(address);
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        throw new HttpError(
          429,
          'too_many_attempts',
          `Too many requests with a wrong API key from this address; try again in ${seconds} s`,
          { 'Retry-After': String(seconds) },
        );
      }
      throw new HttpError(403, 'forbidden', 'The API key is not valid for this server');
    }
    c.set('keyName', apiKey.name);
    c.set('keyAccess', apiKey.access ?? 'write');
    return next();
  };
}

/**
 * Throws the 403 `read_only_key` when the request's key is read-only: for a write, and for a route that writes
 * unless its body asks for a dry run, once its body says it does not.
 */
export function refuseReadOnlyKey(key: AuthVariables): void {
  if (key.keyAccess === 'read') {
    throw new HttpError(
      403,
      'read_only_key',
      `The API key '${key.keyName ?? ''}' is read-only: it cannot change spans. Use a key without ':read'`,
    );
  }
}

/** Refuses a write made with a read-only key (403), for the routes that change stored data. */
export function requireWriteAccess(): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    refuseReadOnlyKey({ keyName: c.get('keyName'), keyAccess: c.get('keyAccess') });
    return next();
  };
}
