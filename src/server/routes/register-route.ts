import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import {
  type ApiRoute,
  apiRouteAccess,
  apiRoutes,
  type NamedSchema,
  type PathParams,
  pathParamNames,
  type RouteAccess,
  type RouteRule,
  refusalOf,
} from '@/core/api';
import { HttpError } from '@/server/http/api-error';
import type { AppEnv } from '@/server/http/app-env';
import { type BodyParsePool, OFF_THREAD_MIN_BYTES } from '@/server/http/body-parse-pool';
import { bodyDigest, parseJsonBytes, readJsonBody, readJsonBytes } from '@/server/http/read-body';
import type { ServerMetrics } from '@/server/metrics';
import { bodyPreparers, isPreparedRoute, type PreparedBody, type PreparedRouteId } from './prepared-bodies';
import { parseBody, parseQuery } from './validate-request';

/** What a route's handler gets, already checked with the route's shared schemas. */
export interface RouteInput<R extends ApiRoute> {
  params: PathParams<R>;
  /** The checked query parameters (defaults applied); undefined when the route has none. */
  query: R['query'] extends z.ZodType ? z.output<R['query']> : undefined;
  /** The checked request headers the route reads; undefined when it reads none. */
  headers: R['headers'] extends z.ZodType ? z.output<R['headers']> : undefined;
  /**
   * The checked JSON body, prepared for the routes that prepare theirs (`bodyPreparers`); undefined for a route
   * without one, or whose handler reads its body itself.
   */
  body: R['id'] extends PreparedRouteId
    ? PreparedBody<R['id']>
    : R['body'] extends { kind: 'json'; schema: NamedSchema }
      ? z.output<R['body']['schema']['schema']>
      : undefined;
  /** SHA-256 of the JSON body's bytes, to tell a repeated request from another; null without a JSON body. */
  bodyDigest: R['body'] extends { kind: 'json' } ? string : null;
}

/** Handles one route: answers from the checked input. */
export type RouteHandler<R extends ApiRoute> = (
  c: Context<AppEnv>,
  input: RouteInput<R>,
) => Response | Promise<Response>;

/** `/api/v1/projects/{project}/spans` as Hono writes it: `/api/v1/projects/:project/spans`. */
export function honoPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** `Idempotency-Key` → `idempotency_key`, for the code of a 400 about a header. */
function snakeCase(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

/** Registers one route of the shared table with its handler; see `routeRegistrar`. */
export type RegisterRoute = <const R extends ApiRoute>(route: R, handler: RouteHandler<R>) => void;

/**
 * Refuses a caller whose role may not call a route needing `access` (SPEC §16): 403 with the reason. NOTE: the
 * auth middleware on `/api/*` and `/v1/*` has named the caller; a route needing a role outside them is refused.
 */
export function checkAccess(c: Context<AppEnv>, access: RouteAccess, writes = false): void {
  if (access === 'anyone') return;
  const caller = c.get('caller') as AppEnv['Variables']['caller'] | undefined;
  if (caller === undefined)
    throw new HttpError(401, 'unauthorized', 'This route needs an API key or a sign-in');
  const refusal = refusalOf(caller, access, writes);
  if (refusal !== null) throw new HttpError(refusal.status, refusal.code, refusal.message);
}

/**
 * Registers routes of the shared table (`apiRoutes`) on the app. Before a handler runs: a caller whose role may not
 * call the route is refused (403, by the route → role table `apiRouteAccess`), then the headers the route reads are checked (400 `invalid_<header>`), then its query
 * (400 `invalid_query`), then its JSON body is read within `maxBodyBytes` and checked (415, 413, 400
 * `malformed_json` / `invalid_body`); a route that writes `unless_dry_run` refuses a read-only key only then, once
 * its body says it is not a dry run. NOTE: API keys are checked earlier, by the auth middleware on `/api/*` and
 * `/v1/*`; the test of the route table checks that this matches each route's `auth`.
 */
export function routeRegistrar(
  app: Hono<AppEnv>,
  maxBodyBytes: number,
  bodies: BodyReading | null = null,
): RegisterRoute {
  return (route, handler) => {
    const paramNames = pathParamNames(route.path);
    const rule: RouteRule | undefined = (apiRouteAccess as Readonly<Record<string, RouteRule>>)[route.id];
    if (rule === undefined)
      throw new Error(`The route ${route.id} is not in the route → role table (route-access.ts)`);
    const handle = async (c: Context<AppEnv>): Promise<Response> => {
      if (rule.dryRun === undefined) checkAccess(c, rule.access, route.writes === true);
      const params: Record<string, string> = {};
      for (const name of paramNames) params[name] = c.req.param(name) ?? '';
      const headers = route.headers === undefined ? undefined : parseHeaders(route.headers, c);
      const query = route.query === undefined ? undefined : parseQuery(route.query, c.req.query());
      let body: unknown = undefined;
      let digest: string | null = null;
      if (route.body?.kind === 'json' && isPreparedRoute(route.id)) {
        const bytes = await readJsonBytes(c, maxBodyBytes);
        digest = bodyDigest(bytes);
        body = await preparedBody(route.id, bytes, bodies);
      } else if (route.body?.kind === 'json') {
        const json = await readJsonBody(c, maxBodyBytes);
        body = parseBody(route.body.schema.schema, json.value);
        digest = json.sha256;
      }
      if (rule.dryRun !== undefined) {
        const dryRun = isDryRun(body);
        checkAccess(c, dryRun ? rule.dryRun : rule.access, !dryRun);
      }
      // NOTE: each part was checked above with the route's own schema, which is what RouteInput says.
      return handler(c, { params, headers, query, body, bodyDigest: digest } as RouteInput<typeof route>);
    };
    const path = honoPath(route.path);
    app.on(route.method, path, handle);
  };
}

/** Where the routes that prepare their bodies read a large one: a parse thread, counted in the metrics. */
export interface BodyReading {
  pool: BodyParsePool | null;
  metrics: ServerMetrics;
}

/**
 * A prepared route's body from its bytes: a large body on the parse thread when the server has one (off the event
 * loop: SPEC §11), else here; the same 400s either way.
 */
async function preparedBody(
  routeId: PreparedRouteId,
  bytes: Buffer,
  bodies: BodyReading | null,
): Promise<unknown> {
  if (bodies?.pool && bytes.byteLength >= OFF_THREAD_MIN_BYTES) {
    let parsed;
    try {
      parsed = await bodies.pool.parse(routeId, bytes);
    } catch (refused) {
      bodies.metrics.recordBodyParsed('parse_thread');
      throw refused;
    }
    if (parsed.kind === 'prepared') {
      bodies.metrics.recordBodyParsed('parse_thread');
      return parsed.value;
    }
  }
  bodies?.metrics.recordBodyParsed('event_loop');
  const checked = parseBody(apiRoutesBody(routeId), parseJsonBytes(bytes));
  return bodyPreparers[routeId](checked);
}

/** The schema of a prepared route's body. */
function apiRoutesBody(routeId: PreparedRouteId) {
  return apiRoutes[routeId].body.schema.schema;
}

/** Whether a checked body asks for a dry run (`dry_run: true`): it writes nothing. */
function isDryRun(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'dry_run' in body && body.dry_run === true;
}

/** Checks the request headers a route reads; the first problem is a 400 named after its header. */
function parseHeaders(schema: z.ZodObject, c: Context<AppEnv>): unknown {
  const values: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = c.req.header(name);
    if (value !== undefined) values[name] = value;
  }
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? 'header');
  throw new HttpError(400, `invalid_${snakeCase(name)}`, issue?.message ?? `The header ${name} is not valid`);
}
