import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { matchedRoutes } from 'hono/route';
import { serverRouteAccess } from '@/core/api';
import type { Logger } from 'pino';
import {
  type AccessStore,
  IdempotencyKeyReusedError,
  type SpanStore,
  StoreUnavailableError,
  SubmissionConflictError,
  UnknownProjectError,
} from '@/server/store';
import { HttpError } from './http/api-error';
import type { AppEnv } from './http/app-env';
import { type ApiKey, type AuthRateLimit, requireApiKey } from './http/auth';
import { BodyBudget } from './http/body-budget';
import type { BodyParsePool } from './http/body-parse-pool';
import { clientAddressOf, TrustedProxies } from './http/client-address';
import { compressResponses } from './http/compression';
import { requireLoopbackHost } from './http/loopback-host';
import { DEFAULT_MAX_BUFFERED_BYTES } from './http/read-body';
import { requestContext, requestLog } from './http/request-context';
import { securityHeaders } from './http/security-headers';
import { SignIn, type SignInSettings } from './http/sign-in';
import { serveSpaFile } from './http/static-files';
import { ServerMetrics } from './metrics';
import { registerArizeRoutes } from './routes/arize-routes';
import { registerIdentityRoutes } from './routes/identity-routes';
import type { ArizeLink } from './routes/route-deps';
import { registerOtlpRoutes } from './routes/otlp-routes';
import { registerPeopleRoutes } from './routes/people-routes';
import { checkAccess } from './routes/register-route';
import { registerServiceRoutes } from './routes/service-routes';
import { registerSpanRoutes } from './routes/span-routes';
import { registerSubmissionRoutes } from './routes/submission-routes';

/** What the HTTP app is built from. */
export interface AppOptions {
  store: SpanStore;
  apiKeys: readonly ApiKey[];
  /** Origins allowed to call the API from a browser (the UI served by this server needs none). */
  corsOrigins: readonly string[];
  maxBodyBytes: number;
  /** Most request-body bytes held at once over all requests; beyond it, 503. Default 128 MB. */
  maxBufferedBytes?: number;
  /** Failed API key attempts allowed per client address (default 10 a minute). */
  authRateLimit?: AuthRateLimit;
  /** Proxies (addresses, CIDR ranges) whose `X-Forwarded-For` names the client; none by default. */
  trustedProxies?: readonly string[];
  /** A built UI to serve, with index.html for every other GET path; null serves the API only. */
  staticDir: string | null;
  logger: Logger;
  /** True once the server is shutting down: responses then close their connection. */
  isClosing: () => boolean;
  /** Reads large write bodies off the event loop (start-server.ts starts one); without it, on the event loop. */
  bodyParsePool?: BodyParsePool | null;
  /** Serve GET /metrics (Prometheus), behind the API keys when there are keys. Default false: a 404. */
  metrics?: boolean;
  /** Projects linked to Arize AX (SPEC §14) and the client that writes to it; none by default. */
  arize?: ArizeLink | null;
  /** Sign-in with OpenID Connect (SPEC §16), with the store of sessions, keys and the audit; null without it. */
  people?: { settings: SignInSettings; access: AccessStore; now?: () => Date } | null;
}

const apiPath = /^\/(api|v1)(\/|$)/;

/**
 * The route a request matched, as a label for the metrics: its pattern (`/api/v1/projects/{project}/spans`), never
 * the raw path; `static` for a file of the built app, `unmatched` for anything else.
 */
function routeLabel(c: Context<AppEnv>): string {
  // NOTE: middleware is registered for every method (ALL); a route, for its own.
  const route = matchedRoutes(c).findLast((matched) => matched.method !== 'ALL');
  if (route) return route.path.replace(/:([^/]+)/g, '{$1}');
  return c.var.servedFile === true ? 'static' : 'unmatched';
}

/** The server's HTTP app: auth, CORS, the routes of SPEC §6, JSON errors, and the UI's static files. */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const { logger } = options;
  const app = new Hono<AppEnv>();
  const metrics = new ServerMetrics(options.store, { processMetrics: options.metrics === true });

  const bodyBudget = new BodyBudget(
    Math.max(options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES, options.maxBodyBytes),
  );

  const trustedProxies = new TrustedProxies(options.trustedProxies ?? []);
  const deps = {
    store: options.store,
    maxBodyBytes: options.maxBodyBytes,
    logger,
    metrics,
    arize: options.arize ?? null,
    access: options.people?.access ?? null,
    bodyParsePool: options.bodyParsePool ?? null,
    clientAddress: (c: Context) => clientAddressOf(c, trustedProxies),
  };
  app.use('*', requestContext(logger, trustedProxies));
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    // NOTE: a 413 answers before the body is read (its reader is cancelled, which ends the connection): the client
    // is told not to send its next request on it, which would fail with the socket closed under it.
    if (options.isClosing() || c.res.status === 413) c.header('Connection', 'close');
    const ms = performance.now() - started;
    metrics.observeRequest(c.req.method, routeLabel(c), c.res.status, ms / 1000);
    requestLog(c).info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(ms) },
      'request',
    );
  });
  app.use('*', compressResponses());
  app.use('*', securityHeaders());
  const people = options.people ?? null;
  if (options.apiKeys.length === 0 && people === null) app.use('*', requireLoopbackHost());
  app.use('*', async (c, next) => {
    const lease = bodyBudget.lease();
    c.set('bodyLease', lease);
    try {
      await next();
    } finally {
      lease.release();
    }
  });
  if (options.corsOrigins.length > 0) {
    app.use(
      '*',
      cors({
        origin: [...options.corsOrigins],
        allowHeaders: ['Authorization', 'Content-Type', 'Content-Encoding', 'Idempotency-Key'],
        allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
        exposeHeaders: ['Idempotent-Replayed', 'Retry-After', 'X-Request-Id'],
        maxAge: 600,
      }),
    );
  }

  const signIn =
    people === null
      ? null
      : new SignIn({
          settings: people.settings,
          access: people.access,
          trustedProxies,
          logger,
          ...(people.now === undefined ? {} : { now: people.now }),
        });
  const auth = requireApiKey(options.apiKeys, options.authRateLimit, trustedProxies, signIn?.auth ?? null);
  app.use('/api/*', auth);
  app.use('/v1/*', auth);
  // NOTE: /metrics is for Prometheus, not part of the API: outside the shared route table, there only when turned on.
  if (options.metrics === true) {
    app.use('/metrics', auth);
    app.get('/metrics', async (c) => {
      checkAccess(c, serverRouteAccess['GET /metrics'].access);
      const { text, contentType } = await metrics.exposition();
      return c.body(text, 200, { 'Content-Type': contentType });
    });
  }
  // The routes of the shared table (src/core/api/api-routes.ts); the probes, outside /api and /v1, stay open.
  registerServiceRoutes(app, deps);
  registerIdentityRoutes(app, deps);
  registerSpanRoutes(app, deps);
  registerSubmissionRoutes(app, deps);
  registerArizeRoutes(app, deps);
  registerOtlpRoutes(app, deps);
  registerPeopleRoutes(app, deps, people?.access ?? null, trustedProxies, people?.now);
  signIn?.register(app);

  app.notFound(async (c) => {
    const { staticDir } = options;
    if (
      staticDir !== null &&
      !apiPath.test(c.req.path) &&
      (c.req.method === 'GET' || c.req.method === 'HEAD')
    ) {
      const response = await serveSpaFile(c, staticDir);
      if (response) {
        c.set('servedFile', true);
        return response;
      }
    }
    const message = `No route ${c.req.method} ${c.req.path}`;
    // JSON for the API; a plain 404 elsewhere (never the app's page in place of a missing file or probe).
    if (apiPath.test(c.req.path)) return c.json({ error: { code: 'not_found', message } }, 404);
    return c.text(message, 404);
  });

  app.onError((error, c) => {
    if (error instanceof HttpError) return c.json(error.toBody(), error.status, error.headers);
    if (error instanceof SubmissionConflictError) {
      return c.json({ error: { code: error.code, message: error.message } }, error.status);
    }
    if (error instanceof IdempotencyKeyReusedError) {
      return c.json({ error: { code: 'idempotency_key_reused', message: error.message } }, 422);
    }
    if (error instanceof UnknownProjectError) {
      return c.json({ error: { code: 'project_not_found', message: error.message } }, 404);
    }
    if (error instanceof StoreUnavailableError) {
      metrics.storeError(error.reason);
      requestLog(c).error({ reason: error.reason, method: c.req.method, path: c.req.path }, error.message);
      const retryAfter = error.retryAfterSeconds;
      const headers: Record<string, string> =
        retryAfter === null ? {} : { 'Retry-After': String(retryAfter) };
      return c.json({ error: { code: 'store_unavailable', message: error.message } }, 503, headers);
    }
    requestLog(c).error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json(
      { error: { code: 'internal_error', message: 'The server failed to handle the request' } },
      500,
    );
  });

  return app;
}
