import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Caller, KeyAccess } from '@/core/api';
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
  /** Name of the API key of the request (a service key's, or a person's own key's), else null. */
  keyName: string | null;
  /** What the request's key may do; `write` when the server has no keys. */
  keyAccess: KeyAccess;
  /** Who the request comes from (SPEC §16): the routes check it against the route → role table. */
  caller: Caller;
}

/**
 * How the server knows people (SPEC §16), when sign-in is configured: a person's own key (`spk_…`), and the session
 * of a request's cookie. Each answers null for a key or cookie it does not know (or that was revoked, or expired).
 */
export interface PeopleAuth {
  findPersonalKey(token: string): Promise<Caller | null>;
  findSession(c: Context): Promise<Caller | null>;
  /** Refuses a write made with the session cookie from another origin (SPEC §16); throws an HttpError. */
  checkCookieWrite(c: Context): void;
}

/** Whether a bearer token is a person's own key rather than a service key (`spk_<id>_<secret>`). */
export function isPersonalKeyToken(token: string): boolean {
  return token.startsWith('spk_');
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
  people: PeopleAuth | null = null,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const match = createKeyMatcher(keys);
  const failures = new FailedAttempts(rateLimit.maxFailures, rateLimit.windowMs);
  const refuseWrongKey = (c: Context): never => {
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
  };
  return async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header.trim());
    const token = bearer?.[1]?.trim();
    if (keys.length === 0 && people === null) {
      c.set('keyName', null);
      c.set('keyAccess', 'write');
      c.set('caller', { kind: 'anyone' });
      return next();
    }
    if (token) {
      if (people !== null && isPersonalKeyToken(token)) {
        // NOTE: a wrong personal key counts as a failed attempt, as a wrong service key does.
        const caller = await people.findPersonalKey(token);
        if (caller === null || caller.kind !== 'personal_key') return refuseWrongKey(c);
        c.set('keyName', caller.keyName);
        c.set('keyAccess', caller.role === 'viewer' ? 'read' : 'write');
        c.set('caller', caller);
        return next();
      }
      const apiKey = match(token);
      if (apiKey === null) return refuseWrongKey(c);
      const access = apiKey.access ?? 'write';
      c.set('keyName', apiKey.name);
      c.set('keyAccess', access);
      c.set('caller', { kind: 'service_key', name: apiKey.name, access });
      return next();
    }
    const session = people === null ? null : await people.findSession(c);
    if (session !== null && people !== null) {
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.method !== 'OPTIONS') {
        people.checkCookieWrite(c);
      }
      c.set('keyName', null);
      c.set('keyAccess', session.kind === 'session' && session.role === 'viewer' ? 'read' : 'write');
      c.set('caller', session);
      return next();
    }
    throw new HttpError(
      401,
      'unauthorized',
      people === null
        ? 'This server requires an API key: send the header Authorization: Bearer <key>'
        : 'Sign in to Spanpatch (GET /auth/login), or send an API key as the header Authorization: Bearer <key>',
    );
  };
}
