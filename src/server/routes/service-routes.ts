import type { Hono } from 'hono';
import { apiRoutes } from '@/core/api-routes';
import type { HealthResponse } from '@/core/api-schema';
import type { AppEnv } from '@/server/http/app-env';
import { buildOpenApiDocument } from '@/server/openapi/openapi-document';
import { routeRegistrar } from './register-route';
import type { RouteDeps } from './route-deps';

/** The routes about the server itself: its health, and the OpenAPI document of its API (SPEC §6). */
export function registerServiceRoutes(app: Hono<AppEnv>, { store, maxBodyBytes }: RouteDeps): void {
  const register = routeRegistrar(app, maxBodyBytes);
  register(apiRoutes.health, async (c) => {
    const health = await store.health();
    const answer: HealthResponse = { status: health.writable ? 'ok' : 'degraded', store: health };
    return c.json(answer, health.writable ? 200 : 503);
  });

  const openApi = buildOpenApiDocument();
  register(apiRoutes.openApiDocument, (c) => c.json(openApi));
}
