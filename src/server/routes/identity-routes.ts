import type { Hono } from 'hono';
import { apiRoutes, identityOf } from '@/core/api';
import type { AppEnv } from '@/server/http/app-env';
import { routeRegistrar } from './register-route';
import type { RouteDeps } from './route-deps';

/**
 * `GET /api/v1/me`: who the server takes the caller to be (its API key, with the key's role), so the app and the
 * command line can say what a read-only key cannot do before it is refused (SPEC §12, §16).
 */
export function registerIdentityRoutes(app: Hono<AppEnv>, { maxBodyBytes }: RouteDeps): void {
  const register = routeRegistrar(app, maxBodyBytes);
  register(apiRoutes.getMe, (c) => {
    const name = c.get('keyName');
    return c.json(identityOf(name === null ? null : { name, access: c.get('keyAccess') }));
  });
}
