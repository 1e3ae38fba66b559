import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '@/core/api';
import { ingestSpans, postJson, spanId, startTestServer, type TestServer } from './test-server';

/**
 * The OpenAPI document against the server: a request body the document allows is never refused for its shape
 * (`invalid_body`), and for the query of spans (SPEC §10) a body the document forbids is refused, so a client
 * generated from the document sends what the server takes. An independent JSON Schema validator (Ajv) reads the
 * document, not the zod schemas it was made from.
 */

type JsonObject = Record<string, unknown>;

let server: TestServer;
let document: {
  components: { schemas: Record<string, JsonObject> };
  paths: Record<string, Record<string, JsonObject>>;
};
// NOTE: formats are not checked: zod writes a pattern beside each format (a date), and Ajv checks the pattern.
const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true, validateFormats: false });
const project = 'contract';

beforeAll(async () => {
  server = await startTestServer();
  await ingestSpans(server, project, [
    { spanId: spanId(1), kind: 'LLM', metadata: { model: 'gpt-4o', turn: 1 } },
    { spanId: spanId(2), kind: 'TOOL', metadata: { model: 'claude', turn: 2 } },
  ]);
  const answer = await fetch(`${server.url}/api/openapi.json`);
  document = (await answer.json()) as typeof document;
});

afterAll(() => server.stop());

/** The schema a `$ref` of the document names: `#/components/schemas/<name>`. */
function resolve(schema: JsonObject): JsonObject {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  const found = document.components.schemas[name];
  if (found === undefined) throw new Error(`The document has no schema ${ref}`);
  return found;
}

const validators = new Map<string, ValidateFunction>();

/** The validator of what the document says a route's JSON request body (or its 200 answer) may be. */
function documented(path: string, part: 'request' | 'answer'): ValidateFunction {
  const key = `${path} ${part}`;
  const known = validators.get(key);
  if (known) return known;
  const operation = document.paths[path]?.post as
    | {
        requestBody: { content: Record<string, { schema: JsonObject }> };
        responses: Record<string, { content: Record<string, { schema: JsonObject }> }>;
      }
    | undefined;
  const content = part === 'request' ? operation?.requestBody.content : operation?.responses['200']?.content;
  const schema = content?.['application/json']?.schema;
  if (schema === undefined) throw new Error(`The document has no JSON ${part} for POST ${path}`);
  const validate = ajv.compile(resolve(schema));
  validators.set(key, validate);
  return validate;
}

/** Posts a body and returns its status and error code (null without one). */
async function post(
  path: string,
  body: unknown,
): Promise<{ status: number; code: string | null; body: unknown }> {
  const response = await postJson(`${server.url}${path}`, body);
  const parsed = apiErrorSchema.safeParse(response.body);
  return {
    status: response.status,
    code: parsed.success ? parsed.data.error.code : null,
    body: response.body,
  };
}

const QUERY = '/api/v1/projects/{project}/spans/query';
const queryPath = `/api/v1/projects/${project}/spans/query`;

/** A field that is mostly left out, sent as null or sent well, and sometimes sent as something it cannot be. */
function field(
  good: fc.Arbitrary<unknown>,
  bad: fc.Arbitrary<unknown> = fc.constantFrom('x', 7, true, [], {}),
): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 3 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: good, weight: 5 },
    { arbitrary: bad, weight: 1 },
  );
}

/** Now and then, a field the API does not know. */
const typo = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 15 },
  { arbitrary: fc.constant('a typo'), weight: 1 },
);

const time = field(
  fc.constantFrom('2025-05-01T12:00:00Z', '2025-05-01T12:00:00.250+02:00', '2025-05-01', '2025-05-01T12:00'),
  fc.constantFrom('yesterday', '2025-02-30T00:00:00Z', '', 20250501),
);

const condition = fc.record({
  key: fc.oneof(
    { arbitrary: fc.constantFrom('model', 'turn'), weight: 8 },
    { arbitrary: fc.constantFrom('', 'a\u0001b', 7), weight: 1 },
  ),
  op: fc.oneof(
    { arbitrary: fc.constantFrom('eq', 'ne', 'lt', 'gt', 'contains', 'exists', 'missing'), weight: 8 },
    { arbitrary: fc.constantFrom('like', undefined), weight: 1 },
  ),
  value: fc.constantFrom(undefined, undefined, null, 'gpt', 'gpt', 2, true, {}),
  vaule: typo,
});

const filter = fc.record({
  text: field(fc.constantFrom('chat', '00000000', 'span'), fc.constantFrom('x'.repeat(300), 'a\u0000b', 7)),
  span_ids: field(fc.array(fc.constantFrom(spanId(1), spanId(9)), { maxLength: 3 })),
  trace_ids: field(fc.array(fc.constant('0af7651916cd43dd8448eb211c80319c'), { maxLength: 2 })),
  kinds: field(fc.array(fc.constantFrom('LLM', 'TOOL'), { maxLength: 2 })),
  roots_only: field(fc.boolean()),
  start: field(fc.record({ from: time, to: time, form: typo })),
  metadata: field(fc.array(condition, { maxLength: 2 })),
  txt: typo,
});

const queryBody = fc.record({
  filter: field(filter),
  limit: field(fc.constantFrom(1, 2, 1000, 1001, 100_000), fc.constantFrom(0, 100_001, 1.5, -3, '5')),
  cursor: field(fc.constantFrom('not-a-cursor'), fc.constantFrom('', 7)),
  count: field(fc.boolean()),
  ids_only: field(fc.boolean()),
  limt: typo,
});

describe('the OpenAPI document matches the server', () => {
  it('says what the query of spans takes: limit 100,000 only with ids_only, a value for the operators that compare', () => {
    const valid = documented(QUERY, 'request');
    expect(valid({})).toBe(true);
    expect(valid({ limit: 1000 })).toBe(true);
    expect(valid({ limit: 100_000 })).toBe(false);
    expect(valid({ limit: 100_000, ids_only: false })).toBe(false);
    expect(valid({ limit: 100_000, ids_only: true })).toBe(true);
    expect(valid({ filter: { metadata: [{ key: 'a', op: 'eq' }] } })).toBe(false);
    expect(valid({ filter: { metadata: [{ key: 'a', op: 'eq', value: null }] } })).toBe(true);
    expect(valid({ filter: { metadata: [{ key: 'a', op: 'exists' }] } })).toBe(true);
    expect(valid({ filter: { txt: 'typo' } })).toBe(false);
    expect(valid({ filter: null, limit: null, cursor: null, count: null, ids_only: null })).toBe(true);
  });

  it('allows exactly the query bodies the server takes, and describes what it answers', async () => {
    const validBody = documented(QUERY, 'request');
    const validAnswer = documented(QUERY, 'answer');
    const seen = { allowed: 0, forbidden: 0 };
    await fc.assert(
      fc.asyncProperty(queryBody, async (generated) => {
        // What is sent, as JSON: fields left out (undefined) are not there.
        const body: unknown = JSON.parse(JSON.stringify(generated));
        const allowed = validBody(body);
        seen[allowed ? 'allowed' : 'forbidden']++;
        const answer = await post(queryPath, body);
        const context = `${JSON.stringify(body)} → ${answer.status} ${JSON.stringify(answer.body)}`;
        expect(answer.status, context).not.toBe(500);
        if (allowed) expect(answer.code, context).not.toBe('invalid_body');
        else
          expect(
            answer.code,
            `${context}; the document forbids it: ${ajv.errorsText(validBody.errors)}`,
          ).toBe('invalid_body');
        if (answer.status === 200)
          expect(validAnswer(answer.body), `${context}: ${ajv.errorsText(validAnswer.errors)}`).toBe(true);
      }),
      { numRuns: 300 },
    );
    // Both kinds were tried, so the property says something either way.
    expect(seen.allowed).toBeGreaterThan(20);
    expect(seen.forbidden).toBeGreaterThan(20);
  });

  it('takes every body of the other routes that the document allows', async () => {
    const metadataPath = `/api/v1/projects/${project}/spans/metadata`;
    const samples: [route: string, path: string, body: unknown][] = [
      ['/api/v1/projects/{project}/spans/metadata', metadataPath, { spans: [] }],
      [
        '/api/v1/projects/{project}/spans/metadata',
        metadataPath,
        { spans: [{ span_id: spanId(1), patch_document: { reviewed: 'yes' } }], submission: null },
      ],
      [
        '/api/v1/projects/{project}/spans/metadata',
        metadataPath,
        {
          spans: [{ span_id: spanId(2), patch_document: '{"turn": 3}' }],
          submission: { id: 's-1', label: null },
        },
      ],
      [
        '/api/v1/projects/{project}/spans/metadata',
        metadataPath,
        { spans: [{ span_id: spanId(1), patch_document: { reviewed: 'no' } }], submission: { id: 's-2' } },
      ],
      [
        '/api/v1/projects/{project}/spans/lookup',
        `/api/v1/projects/${project}/spans/lookup`,
        { span_ids: [] },
      ],
      [
        '/api/v1/projects/{project}/spans/lookup',
        `/api/v1/projects/${project}/spans/lookup`,
        { span_ids: [spanId(1), 'missing'] },
      ],
      ['/api/v1/submissions/{id}/revert', '/api/v1/submissions/s-1/revert', { dry_run: true }],
      ['/api/v1/submissions/{id}/revert', '/api/v1/submissions/s-1/revert', {}],
      ['/api/v1/submissions/{id}/revert', '/api/v1/submissions/s-2/revert', { dry_run: null }],
    ];
    for (const [route, path, body] of samples) {
      const valid = documented(route, 'request');
      const context = `${path} ${JSON.stringify(body)}`;
      expect(valid(body), `${context}: ${ajv.errorsText(valid.errors)}`).toBe(true);
      const answer = await post(path, body);
      expect(answer.status, `${context} → ${JSON.stringify(answer.body)}`).toBe(200);
    }
    const revert = documented('/api/v1/submissions/{id}/revert', 'request');
    expect(revert({ dry_rn: true })).toBe(false);
    expect((await post('/api/v1/submissions/s-2/revert', { dry_rn: true })).code).toBe('invalid_body');
  });
});
