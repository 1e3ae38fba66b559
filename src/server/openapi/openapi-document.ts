import { z } from 'zod';
import {
  apiErrorSchema,
  fieldsResponseSchema,
  lookupRequestSchema,
  lookupResponseSchema,
  patchRequestSchema,
  patchResponseSchema,
  projectsResponseSchema,
  spansPageSchema,
  submissionDetailSchema,
  submissionsResponseSchema,
} from '@/core/api-schema';

type JsonSchema = Record<string, unknown>;

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [String(status), { description: 'Error', ...json('ApiError') }]),
  );
const projectParameter = { name: 'project', in: 'path', required: true, schema: { type: 'string' } };

/**
 * The OpenAPI 3.1 document of the HTTP API (SPEC §6), its schemas generated from the shared zod contract in
 * src/core/api-schema.ts, so the document cannot drift from what the server validates.
 */
export function buildOpenApiDocument(): JsonSchema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Spanpatch API',
      version: '1',
      description: 'Attach latent metadata to stored tracing spans; ingest spans over OTLP/HTTP.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        PatchRequest: jsonSchemaOf(patchRequestSchema, 'input'),
        PatchResponse: jsonSchemaOf(patchResponseSchema, 'output'),
        LookupRequest: jsonSchemaOf(lookupRequestSchema, 'input'),
        LookupResponse: jsonSchemaOf(lookupResponseSchema, 'output'),
        ProjectsResponse: jsonSchemaOf(projectsResponseSchema, 'output'),
        FieldsResponse: jsonSchemaOf(fieldsResponseSchema, 'output'),
        SpansPage: jsonSchemaOf(spansPageSchema, 'output'),
        SubmissionsResponse: jsonSchemaOf(submissionsResponseSchema, 'output'),
        SubmissionDetail: jsonSchemaOf(submissionDetailSchema, 'output'),
        ApiError: jsonSchemaOf(apiErrorSchema, 'output'),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/v1/projects': {
        get: {
          summary: 'Projects with their span counts',
          responses: { '200': { description: 'Projects', ...json('ProjectsResponse') }, ...errors(401, 403) },
        },
      },
      '/api/v1/projects/{project}/spans/metadata': {
        post: {
          summary: 'Patch the metadata of spans; 200 also when some spans fail, with an error per span',
          parameters: [
            projectParameter,
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'Scoped to the API key: a repeat with the same key and body returns the first response and applies nothing again; the same key with another body is a 422',
              schema: { type: 'string', maxLength: 255 },
            },
          ],
          requestBody: { required: true, ...json('PatchRequest') },
          responses: {
            '200': { description: 'Per-span results', ...json('PatchResponse') },
            ...errors(400, 401, 403, 404, 413, 415, 422, 429, 503),
          },
        },
      },
      '/api/v1/projects/{project}/spans/lookup': {
        post: {
          summary: 'Current metadata of spans by ID, and the IDs not found',
          parameters: [projectParameter],
          requestBody: { required: true, ...json('LookupRequest') },
          responses: {
            '200': { description: 'Spans found and missing', ...json('LookupResponse') },
            ...errors(400, 401, 403, 404, 413, 415, 429, 503),
          },
        },
      },
      '/api/v1/projects/{project}/metadata/fields': {
        get: {
          summary: "The project's metadata keys with their type and how many spans hold them",
          parameters: [projectParameter],
          responses: {
            '200': { description: 'Fields', ...json('FieldsResponse') },
            ...errors(401, 403, 404),
          },
        },
      },
      '/api/v1/projects/{project}/spans': {
        get: {
          summary: 'A page of spans, newest first',
          parameters: [
            projectParameter,
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            },
            { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'next_cursor of a page' },
            {
              name: 'q',
              in: 'query',
              schema: { type: 'string' },
              description: 'Start of a span or trace ID, or part of a span name',
            },
          ],
          responses: {
            '200': { description: 'Spans', ...json('SpansPage') },
            ...errors(400, 401, 403, 404),
          },
        },
      },
      '/api/v1/submissions': {
        get: {
          summary: 'Submissions, newest first',
          parameters: [
            { name: 'project', in: 'query', schema: { type: 'string' } },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            },
          ],
          responses: {
            '200': { description: 'Submissions', ...json('SubmissionsResponse') },
            ...errors(400, 401, 403, 404),
          },
        },
      },
      '/api/v1/submissions/{id}': {
        get: {
          summary: "A submission with each changed key's value before and after, and its failures",
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'Submission', ...json('SubmissionDetail') },
            ...errors(401, 403, 404),
          },
        },
      },
      '/v1/traces': {
        post: {
          summary: 'OTLP/HTTP trace ingest (application/json or application/x-protobuf; gzip allowed)',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { type: 'object' } },
              'application/x-protobuf': { schema: { type: 'string', format: 'binary' } },
            },
          },
          responses: {
            '200': { description: 'ExportTraceServiceResponse (partialSuccess when spans were rejected)' },
            ...errors(400, 401, 403, 413, 415, 429, 503),
          },
        },
      },
      '/healthz': {
        get: {
          summary: 'Health: whether the server is up and its store can write',
          security: [],
          responses: {
            '200': { description: '{ status: "ok", store: { writable: true } }' },
            '503': { description: '{ status: "degraded", store: { writable: false, message } }' },
          },
        },
      },
    },
  };
}
