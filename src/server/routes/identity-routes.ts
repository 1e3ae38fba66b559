import type { Hono } from 'hono';
import { apiRoutes, identityOfCaller } from '@/core/api';
import type { AppEnv } from '@/server/http/app-env';
import { routeRegistrar } from './register-route';
import type { RouteDeps } from './route-deps';

/**
 * `GET /api/v1/me`: who the server takes the caller to be (a person signed in or with their own key, or an API key, with the role), so the app and the
 * command line can say what a read-only key cannot do before it is refused (SPEC §12, §16).
 */
export function registerIdentityRoutes(app: Hono<AppEnv>, { maxBodyBytes }: RouteDeps): void {
  const register = routeRegistrar(app, maxBodyBytes);
  register(apiRoutes.getMe, (c) => c.json(identityOfCaller(c.get('caller'))));
}
