import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './api-error';

/** An API key the server accepts, with the name recorded on each submission sent with it. */
export interface ApiKey {
  name: string;
  key: string;
}

/**
 * Parses `name1:key1,name2:key2` (SPANPATCH_API_KEYS). Names and keys are trimmed; a key may contain ':'.
 * Throws with a readable message on an entry without a name or key, or a repeated name.
 */
export function parseApiKeys(text: string): ApiKey[] {
  const keys: ApiKey[] = [];
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const colon = entry.indexOf(':');
    const name = colon < 0 ? '' : entry.slice(0, colon).trim();
    const key = colon < 0 ? '' : entry.slice(colon + 1).trim();
    if (name === '' || key === '') {
      throw new Error(`API key entry '${entry.trim().slice(0, 20)}…' must look like name:key`);
    }
    if (keys.some((other) => other.name === name)) throw new Error(`API key name '${name}' is used twice`);
    keys.push({ name, key });
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
export function createKeyMatcher(keys: readonly ApiKey[]): (token: string) => string | null {
  const hashed = keys.map(({ name, key }) => ({ name, hash: digest(key) }));
  return (token) => {
    const presented = digest(token);
    let match: string | null = null;
    for (const { name, hash } of hashed) {
      if (timingSafeEqual(presented, hash) && match === null) match = name;
    }
    return match;
  };
}

/** Variables the auth middleware sets for the routes. */
export interface AuthVariables {
  /** Name of the API key of the request, or null when the server has no keys. */
  keyName: string | null;
}

/** Requires `Authorization: Bearer <key>` when keys are configured: 401 without a key, 403 with a wrong one. */
export function requireApiKey(keys: readonly ApiKey[]): MiddlewareHandler<{ Variables: AuthVariables }> {
  const match = createKeyMatcher(keys);
  return async (c, next) => {
    if (keys.length === 0) {
      c.set('keyName', null);
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
    const keyName = match(bearer[1].trim());
    if (keyName === null) throw new HttpError(403, 'forbidden', 'The API key is not valid for this server');
    c.set('keyName', keyName);
    return next();
  };
}
