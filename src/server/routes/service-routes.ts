import type { Context, Hono } from 'hono';
import { apiRoutes, type LivenessResponse, type ReadinessResponse } from '@/core/api';
import type { AppEnv } from '@/server/http/app-env';
import { buildOpenApiDocument } from '@/server/openapi/openapi-document';
import type { SpanStore } from '@/server/store';
import { routeRegistrar } from './register-route';
import type { RouteDeps } from './route-deps';

/** Asks the store now and answers as /readyz does: 200 when it answers, 503 saying what is wrong otherwise. */
async function readiness(c: Context<AppEnv>, store: SpanStore): Promise<Response> {
  const ready = await store.ready();
  const answer: ReadinessResponse = ready.ready
    ? { status: 'ok', store: { kind: ready.kind, schema_version: ready.schemaVersion } }
    : { status: 'unavailable', store: { kind: ready.kind, message: ready.message } };
  return c.json(answer, ready.ready ? 200 : 503);
}

/**
 * The routes about the server itself: the probes (liveness, readiness and /healthz, readiness under its older
 * name), and the OpenAPI document of its API (SPEC §6).
 */
export function registerServiceRoutes(app: Hono<AppEnv>, { store, maxBodyBytes }: RouteDeps): void {
  const register = routeRegistrar(app, maxBodyBytes);
  // NOTE: liveness asks nothing of the store: a server whose database is down is alive, and a restart would not help.
  register(apiRoutes.liveness, (c) => c.json({ status: 'ok' } satisfies LivenessResponse));
  register(apiRoutes.readiness, (c) => readiness(c, store));
  register(apiRoutes.health, (c) => readiness(c, store));

  const openApi = buildOpenApiDocument();
  register(apiRoutes.openApiDocument, (c) => c.json(openApi));
}
