import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema, type ApiRoute, apiRouteAccess, apiRoutes, routePath } from '@/core/api';
import { startTestServer, type TestServer } from './test-server';

const routes: readonly ApiRoute[] = Object.values(apiRoutes);
const writer = { Authorization: 'Bearer writer-key-openapi' };
const reader = { Authorization: 'Bearer reader-key-openapi' };

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    apiKeys: [
      { name: 'writer', key: 'writer-key-openapi' },
      { name: 'viewer', key: 'reader-key-openapi', access: 'read' },
    ],
  });
});

afterAll(async () => {
  await server.stop();
});

/** A route's path with every parameter filled in. */
function pathOf(route: ApiRoute): string {
  const params: Record<string, string> = {};
  for (const match of route.path.matchAll(/\{([^}]+)\}/g)) params[match[1] ?? ''] = 'no-such-thing';
  return routePath(route, params);
}

/**
 * Calls a route with a small JSON body where it takes one (`{}` unless given), and returns the status and the error
 * code if any.
 */
async function call(
  route: ApiRoute,
  headers: Record<string, string>,
  method: string = route.method,
  body = '{}',
): Promise<{ status: number; code: string | null; message: string | null }> {
  const response = await fetch(`${server.url}${pathOf(route)}`, {
    method,
    headers: { ...headers, ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}) },
    body: method === 'POST' ? body : null,
  });
  const text = await response.text();
  let error: { code: string; message: string } | null = null;
  try {
    const parsed = apiErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success) error = parsed.data.error;
  } catch {
    // Not JSON (an OTLP answer can be protobuf): no error code.
  }
  // Outside /api and /v1 (the probes), the generic 404 is plain text: its message is the whole answer.
  const plainNotFound =
    response.status === 404 && (response.headers.get('content-type') ?? '').startsWith('text/plain');
  const message = error?.message ?? (plainNotFound ? text : null);
  return { status: response.status, code: error?.code ?? null, message };
}

const isNoRoute = (answer: { status: number; message: string | null }) =>
  answer.status === 404 && (answer.message ?? '').startsWith('No route');

describe('the route table (src/core/api/api-routes.ts)', () => {
  it('declares each route once: unique ids, and no method and path twice', () => {
    expect(new Set(routes.map((route) => route.id)).size).toBe(routes.length);
    expect(new Set(routes.map((route) => `${route.method} ${route.path}`)).size).toBe(routes.length);
    for (const [id, route] of Object.entries(apiRoutes)) expect(route.id).toBe(id);
  });

  it('is what the OpenAPI document lists: every route with its method, parameters and statuses, nothing more', async () => {
    const answer = await fetch(`${server.url}/api/openapi.json`, { headers: writer });
    expect(answer.status).toBe(200);
    const document = (await answer.json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            operationId: string;
            parameters?: { name: string; in: string }[];
            responses: Record<string, unknown>;
            security?: unknown[];
          }
        >
      >;
    };
    const listed = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of routes) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation?.operationId).toBe(route.id);
      expect(Object.keys(operation?.responses ?? {})).toEqual(
        expect.arrayContaining(['200', ...route.errors.map(String)]),
      );
      const pathParameters = (operation?.parameters ?? []).filter((parameter) => parameter.in === 'path');
      expect(pathParameters.map((parameter) => `{${parameter.name}}`).join('')).toBe(
        (route.path.match(/\{[^}]+\}/g) ?? []).join(''),
      );
      if (route.auth === 'none') expect(operation?.security).toEqual([]);
      else expect(operation?.security).toBeUndefined();
    }
    const patch = document.paths['/api/v1/projects/{project}/spans/metadata']?.post;
    expect(patch?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
      ]),
    );
    expect(patch?.responses['422']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
    });
    expect(patch?.responses['409']).toMatchObject({
      description: 'Error: submission_reverted',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
    });
    const spans = document.paths['/api/v1/projects/{project}/spans']?.get;
    expect(spans?.parameters?.filter((parameter) => parameter.in === 'query').map((p) => p.name)).toEqual([
      'limit',
      'cursor',
      'q',
    ]);
    expect(document.paths['/v1/traces']?.post).toMatchObject({
      requestBody: {
        content: {
          'application/json': { schema: { type: 'object' } },
          'application/x-protobuf': { schema: { type: 'string', format: 'binary' } },
        },
      },
    });
  });

  it('is what the server registers: every route answers, and with another method only the generic 404', async () => {
    for (const route of routes) {
      const answer = await call(route, writer);
      expect(isNoRoute(answer), `${route.method} ${route.path} is not registered`).toBe(false);
      // The check can tell: the same path with the other method is not a route.
      const otherMethod = route.method === 'GET' ? 'POST' : 'GET';
      // (A path that another route's parameters also match is that route's: GET …/spans/lookup is the span 'lookup'.)
      const pattern = (path: string) => new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const taken = routes.some(
        (other) =>
          other.method === otherMethod && pattern(other.path).test(route.path.replace(/\{[^}]+\}/g, 'x')),
      );
      if (!taken) {
        const other = await call(route, writer, otherMethod);
        expect(isNoRoute(other), `${otherMethod} ${route.path} should be no route`).toBe(true);
      }
    }
  });

  it('guards each route as the table says: an API key unless open, and a writable key for writes', async () => {
    for (const route of routes) {
      const withoutKey = await call(route, {});
      if (route.auth === 'api_key')
        expect(withoutKey, `${route.path} needs a key`).toMatchObject({ status: 401 });
      else expect(withoutKey.status, `${route.path} is open`).not.toBe(401);

      const readOnly = await call(route, reader);
      if (route.writes) {
        expect(readOnly, `${route.path} refuses a read-only key`).toMatchObject({
          status: 403,
          code: 'read_only_key',
        });
        if (route.writes === 'unless_dry_run') {
          const dryRun = await call(route, reader, route.method, '{"dry_run":true}');
          expect(dryRun.code, `${route.path} lets a read-only key ask for a dry run`).not.toBe(
            'read_only_key',
          );
          expect(dryRun.status).not.toBe(403);
        }
      } else if (apiRouteAccess[route.id as keyof typeof apiRouteAccess].access === 'admin') {
        // A read for admins only (the audit, SPEC §16): no API key is an admin.
        expect(readOnly, `${route.path} is for admins`).toMatchObject({ status: 403, code: 'role_too_low' });
        const byWriter = await call(route, writer);
        expect(byWriter, `${route.path} is for admins`).toMatchObject({ status: 403, code: 'role_too_low' });
      } else {
        expect(readOnly.code, `${route.path} lets a read-only key read`).not.toBe('read_only_key');
        expect(readOnly.status).not.toBe(403);
      }
    }
  });
});
