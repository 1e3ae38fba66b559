import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSpans, spanId, startTestServer, type TestServer } from './test-server';

/** One request a hostile or careless client might send. */
interface HostileRequest {
  method: 'GET' | 'POST';
  path: string;
  contentType: string | null;
  body: Uint8Array | string | null;
  gzip: boolean;
  /** True when a 2xx answer may have changed stored data. */
  writes: boolean;
}

const project = 'target';

/** Text nested `depth` levels deep, as objects or arrays, optionally unclosed. */
const deepText = fc
  .record({
    depth: fc.integer({ min: 1, max: 120_000 }),
    kind: fc.constantFrom('object', 'array'),
    closed: fc.boolean(),
  })
  .map(({ depth, kind, closed }) => {
    const open = kind === 'object' ? '{"a":' : '[';
    const close = kind === 'object' ? '}' : ']';
    return `${open.repeat(depth)}1${closed ? close.repeat(depth) : ''}`;
  });

const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)),
  deepText,
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', 'NaN', '[1,2', '\u0000', ''),
);

const patchDocument = fc.oneof(
  fc.jsonValue({ maxDepth: 5 }),
  deepText,
  fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 5 }),
  fc.constantFrom(
    { __proto__: null, constructor: 'c' },
    { label: Number.POSITIVE_INFINITY },
    { big: 2 ** 60 },
  ),
);

/** A metadata request body: well-formed envelopes around hostile spans, and hostile envelopes. */
const patchBody = fc.oneof(
  fc
    .array(
      fc.record({
        span_id: fc.oneof(
          fc.constantFrom(spanId(1), spanId(2), spanId(3)),
          fc.string({ maxLength: 40 }),
          fc.integer().map(String),
          fc.constant('x'.repeat(300)),
        ),
        patch_document: patchDocument,
      }),
      { maxLength: 6 },
    )
    .map((spans) => {
      // A span whose patch_document is deep text is sent as raw JSON, not as a string.
      const parts = spans.map(({ span_id, patch_document }) => {
        const document =
          typeof patch_document === 'string' && /^[[{]/.test(patch_document)
            ? patch_document
            : (JSON.stringify(patch_document) ?? 'null');
        return `{"span_id":${JSON.stringify(span_id)},"patch_document":${document}}`;
      });
      return `{"spans":[${parts.join(',')}]}`;
    }),
  jsonText,
);

const otlpBody = fc.oneof(
  jsonText,
  fc
    .jsonValue({ maxDepth: 8 })
    .map((value) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [value] }] }] })),
  fc.integer({ min: 1, max: 3_000 }).map((depth) => {
    const value = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}`;
    const span = `{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00000000000000aa","name":"n","attributes":[{"key":"k","value":${value}}]}`;
    return `{"resourceSpans":[{"scopeSpans":[{"spans":[${span}]}]}]}`;
  }),
);

const hostileRequest: fc.Arbitrary<HostileRequest> = fc.oneof(
  fc.record({
    method: fc.constant('POST' as const),
    path: fc.constantFrom(
      `/api/v1/projects/${project}/spans/metadata`,
      '/api/v1/projects/nope/spans/metadata',
    ),
    contentType: fc.constantFrom('application/json', 'text/plain', null),
    body: fc.oneof(patchBody, fc.uint8Array({ maxLength: 300 })),
    gzip: fc.boolean(),
    writes: fc.constant(true),
  }),
  fc.record({
    method: fc.constant('POST' as const),
    path: fc.constant(`/api/v1/projects/${project}/spans/lookup`),
    contentType: fc.constantFrom('application/json', 'text/plain'),
    body: fc.oneof(
      jsonText,
      fc
        .array(fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 3 })), { maxLength: 5 })
        .map((ids) => JSON.stringify({ span_ids: ids })),
      fc.uint8Array({ maxLength: 300 }),
    ),
    gzip: fc.boolean(),
    writes: fc.constant(false),
  }),
  fc.record({
    method: fc.constant('POST' as const),
    path: fc.constant('/v1/traces'),
    contentType: fc.constantFrom('application/json', 'application/x-protobuf', 'text/plain'),
    body: fc.oneof(otlpBody, fc.uint8Array({ maxLength: 400 })),
    gzip: fc.boolean(),
    writes: fc.constant(true),
  }),
  fc.record({
    method: fc.constant('GET' as const),
    path: fc.oneof(
      fc.string({ maxLength: 40 }).map((q) => `/api/v1/projects/${project}/spans?q=${encodeURIComponent(q)}`),
      fc
        .string({ maxLength: 40 })
        .map(
          (cursor) =>
            `/api/v1/projects/${project}/spans?cursor=${encodeURIComponent(cursor)}&limit=${cursor.length}`,
        ),
      fc
        .string({ maxLength: 40 })
        .map((name) => `/api/v1/projects/${encodeURIComponent(name)}/metadata/fields`),
      fc.string({ maxLength: 40 }).map((id) => `/api/v1/submissions/${encodeURIComponent(id)}`),
      fc
        .string({ maxLength: 20 })
        .map((limit) => `/api/v1/submissions?limit=${encodeURIComponent(limit)}&project=${project}`),
      fc.string({ maxLength: 60 }).map((path) => `/${encodeURI(path)}`),
    ),
    contentType: fc.constant(null),
    body: fc.constant(null),
    gzip: fc.constant(false),
    writes: fc.constant(false),
  }),
);

/** Everything a write could change, read through the API: every span's metadata, and the submissions. */
async function snapshot(server: TestServer): Promise<string> {
  const spans = await fetch(`${server.url}/api/v1/projects/${project}/spans?limit=1000`).then((r) =>
    r.json(),
  );
  const submissions = await fetch(`${server.url}/api/v1/submissions?project=${project}&limit=1000`).then(
    (r) => r.json(),
  );
  const projects = await fetch(`${server.url}/api/v1/projects`).then((r) => r.json());
  return JSON.stringify({ spans, submissions, projects });
}

async function send(server: TestServer, request: HostileRequest): Promise<Response> {
  const headers: Record<string, string> = {};
  if (request.contentType !== null) headers['Content-Type'] = request.contentType;
  let body: Uint8Array<ArrayBuffer> | string | null =
    request.body === null || typeof request.body === 'string' ? request.body : Uint8Array.from(request.body);
  if (body !== null && request.gzip) {
    body = Uint8Array.from(gzipSync(body));
    headers['Content-Encoding'] = 'gzip';
  }
  return fetch(`${server.url}${request.path}`, { method: request.method, headers, body });
}

describe('hostile input, at every route', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ maxBodyBytes: 2 * 1024 * 1024 });
    await ingestSpans(server, project, [
      { spanId: spanId(1), metadata: { label: 'good', score: 3 } },
      { spanId: spanId(2), metadata: { ratio: 0.5 } },
      { spanId: spanId(3) },
    ]);
  });
  afterAll(() => server.stop());

  it('never answers 500, keeps answering, and changes nothing unless the request was valid', async () => {
    await fc.assert(
      fc.asyncProperty(hostileRequest, async (request) => {
        const before = await snapshot(server);
        const response = await send(server, request);
        const text = await response.text();
        expect(response.status, `${request.method} ${request.path}: ${text.slice(0, 300)}`).toBeLessThan(500);
        // Every error is JSON, but the 404 of a path outside /api and /v1, which is plain text saying so.
        const outsideApi = !/^\/(api|v1)(\/|$|\?)/.test(request.path);
        if (response.status === 404 && outsideApi) expect(text).toMatch(/^No route GET \//);
        else if (response.status >= 400) expect(() => JSON.parse(text) as unknown).not.toThrow();
        const health = await fetch(`${server.url}/healthz`);
        expect(health.status).toBe(200);
        if (!(request.writes && response.ok)) expect(await snapshot(server)).toBe(before);
      }),
      { numRuns: 300 },
    );
  });
});
