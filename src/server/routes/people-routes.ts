import type { Hono } from 'hono';
import { apiRoutes, authorOfCaller, type Caller, roleAtLeast, roleOfCaller } from '@/core/api';
import { HttpError } from '@/server/http/api-error';
import type { AppEnv } from '@/server/http/app-env';
import { clientAddressOf, type TrustedProxies } from '@/server/http/client-address';
import { newPersonalKey } from '@/server/http/sign-in';
import { type AccessStore, toPersonalKey } from '@/server/store';
import { routeRegistrar } from './register-route';
import type { RouteDeps } from './route-deps';
import { decodePositionCursor, encodePositionCursor } from './span-cursor';

const cursorOf = (next: number | null) => (next === null ? null : encodePositionCursor(next));

/** The person a caller is (signed in, or with their own key); null for a service key or anyone. */
function subjectOf(caller: Caller): string | null {
  return caller.kind === 'session' || caller.kind === 'personal_key' ? caller.person.subject : null;
}

function keyNotFound(id: string): HttpError {
  return new HttpError(404, 'key_not_found', `No key with ID '${id.slice(0, 100)}'`);
}

/**
 * People's own API keys and the audit (SPEC §16): `GET/POST /api/v1/keys`, `DELETE /api/v1/keys/{id}`,
 * `GET /api/v1/audit`. On a server without sign-in (`access` null) nobody has keys and there is no audit.
 */
export function registerPeopleRoutes(
  app: Hono<AppEnv>,
  { maxBodyBytes }: RouteDeps,
  access: AccessStore | null,
  trustedProxies: TrustedProxies,
  clock: () => Date = () => new Date(),
): void {
  const register = routeRegistrar(app, maxBodyBytes);

  register(apiRoutes.listKeys, async (c, { query }) => {
    const caller = c.get('caller');
    const subject = subjectOf(caller);
    if (access === null || subject === null) return c.json({ keys: [], next_cursor: null });
    const page = await access.listKeys(roleOfCaller(caller) === 'admin' ? null : subject, {
      limit: query.limit,
      before: query.cursor === undefined ? null : decodePositionCursor(query.cursor),
    });
    return c.json({ keys: page.rows.map(toPersonalKey), next_cursor: cursorOf(page.next) });
  });

  register(apiRoutes.createKey, async (c, { body }) => {
    const caller = c.get('caller');
    // The route is for a person signed in (the route → role table): `access` is there and the caller a session.
    if (access === null || caller.kind !== 'session')
      throw new HttpError(403, 'sign_in_required', 'Sign in to make keys');
    const role = body.role ?? caller.role;
    if (!roleAtLeast(caller.role, role)) {
      throw new HttpError(
        403,
        'role_too_low',
        `A key's role can be no higher than yours: you are ${caller.role === 'viewer' ? 'a viewer' : 'an editor'}, so the key can be ${caller.role === 'viewer' ? 'a viewer' : 'a viewer or an editor'}.`,
      );
    }
    const now = clock();
    let expiresAt: string | null = null;
    if (body.expires_at !== undefined) {
      const expires = new Date(body.expires_at);
      if (expires.getTime() <= now.getTime()) {
        throw new HttpError(400, 'invalid_body', 'expires_at must be in the future');
      }
      expiresAt = expires.toISOString();
    }
    const made = newPersonalKey();
    await access.createKey({
      id: made.id,
      secretHash: made.secretHash,
      name: body.name,
      role,
      owner: caller.person,
      createdAt: now.toISOString(),
      expiresAt,
    });
    await access.recordAudit({
      at: now.toISOString(),
      action: 'key_created',
      actor: authorOfCaller(caller),
      address: clientAddressOf(c, trustedProxies),
      detail: { key_id: made.id, key_name: body.name, role, expires_at: expiresAt },
    });
    const stored = await access.findKey(made.id);
    if (stored === null) throw keyNotFound(made.id);
    return c.json({ ...toPersonalKey(stored), key: made.key });
  });

  register(apiRoutes.revokeKey, async (c, { params }) => {
    const caller = c.get('caller');
    const subject = subjectOf(caller);
    if (access === null || subject === null) throw keyNotFound(params.id);
    const key = await access.findKey(params.id);
    // NOTE: another person's key is answered as missing to anyone but an admin: its ID tells nothing.
    if (key === null || (key.owner.subject !== subject && roleOfCaller(caller) !== 'admin')) {
      throw keyNotFound(params.id);
    }
    const now = clock().toISOString();
    const revoked = await access.revokeKey(params.id, now);
    if (revoked === null) throw keyNotFound(params.id);
    if (key.revokedAt === null) {
      await access.recordAudit({
        at: now,
        action: 'key_revoked',
        actor: authorOfCaller(caller),
        address: clientAddressOf(c, trustedProxies),
        detail: { key_id: key.id, key_name: key.name, owner: key.owner.subject },
      });
    }
    return c.json(toPersonalKey(revoked));
  });

  register(apiRoutes.listAudit, async (c, { query }) => {
    if (access === null) return c.json({ events: [], next_cursor: null });
    const page = await access.listAudit(query.action ?? null, {
      limit: query.limit,
      before: query.cursor === undefined ? null : decodePositionCursor(query.cursor),
    });
    return c.json({ events: page.rows, next_cursor: cursorOf(page.next) });
  });
}
