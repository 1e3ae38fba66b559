import type { z } from 'zod';
import {
  arizeLoadRequestSchema,
  arizeLoadResponseSchema,
  arizeStatusResponseSchema,
  auditPageSchema,
  auditQuerySchema,
  createdKeySchema,
  createKeyRequestSchema,
  fieldsResponseSchema,
  identitySchema,
  livenessResponseSchema,
  readinessResponseSchema,
  lookupRequestSchema,
  lookupResponseSchema,
  patchHeadersSchema,
  patchRequestSchema,
  pageQuerySchema,
  patchResponseSchema,
  personalKeySchema,
  personalKeysPageSchema,
  projectsResponseSchema,
  spansPageSchema,
  spansQuerySchema,
  revertRequestSchema,
  revertResponseSchema,
  spanCountRequestSchema,
  spanCountResponseSchema,
  spanDetailSchema,
  spanQueryRequestSchema,
  spanQueryResponseSchema,
  submissionChangesPageSchema,
  submissionDetailSchema,
  submissionErrorsPageSchema,
  submissionPageQuerySchema,
  submissionsQuerySchema,
  submissionsResponseSchema,
} from './api-schema';

/**
 * The routes of the HTTP API (SPEC §6), each declared once: the server registers and validates them from this
 * table, the OpenAPI document is generated from it, and the client builds its paths from it.
 */

/** HTTP statuses an API route can answer with `{ error: { code, message } }` (SPEC §6). */
export type ApiErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 502 | 503;

/** A schema of the contract under the name the OpenAPI document lists it by (`components.schemas`). */
export interface NamedSchema<T extends z.ZodType = z.ZodType> {
  name: string;
  schema: T;
}

/** What a route takes as its body: JSON checked with a shared schema, or bytes its handler decodes itself. */
export type RouteBody =
  | { kind: 'json'; schema: NamedSchema }
  | {
      kind: 'raw';
      /** The media types accepted, e.g. OTLP's `application/json` and `application/x-protobuf`. */
      contentTypes: readonly string[];
      description: string;
    };

/** What a route answers when it succeeds. */
export interface RouteResponse {
  description: string;
  /** The JSON answer, shared: the client validates it with this schema. */
  schema?: NamedSchema;
  /** The media types of an answer without a shared schema (OTLP answers JSON or protobuf, as it was asked). */
  contentTypes?: readonly string[];
  /** Other statuses answered with this body, each with its description (`/healthz` answers 503 when degraded). */
  alsoStatuses?: Readonly<Record<number, string>>;
}

/** One route of the API. */
export interface ApiRoute {
  /** A stable name for the route, also the OpenAPI `operationId`. */
  id: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** The path, with parameters in braces: `/api/v1/projects/{project}/spans/lookup`. */
  path: string;
  summary: string;
  /** `api_key`: needs `Authorization: Bearer <key>` when the server has keys; `none`: always open. */
  auth: 'api_key' | 'none';
  /**
   * True when the route changes stored data: a read-only key is refused with 403 (SPEC §12). `unless_dry_run`:
   * it does unless its JSON body says `dry_run: true`, which writes nothing and a read-only key may ask for.
   */
  writes: boolean | 'unless_dry_run';
  /** Request headers the route reads, each checked: a malformed one is a 400 `invalid_<header_name>`. */
  headers?: z.ZodObject;
  /** Query parameters, checked with this schema: a 400 `invalid_query` otherwise. */
  query?: z.ZodObject;
  body?: RouteBody;
  response: RouteResponse;
  /** Statuses of the route's error answers, `{ error: { code, message } }`. */
  errors: readonly ApiErrorStatus[];
  /** The `code`s a status of `errors` answers with, where the route has its own (documented in OpenAPI). */
  errorCodes?: Readonly<Partial<Record<ApiErrorStatus, readonly string[]>>>;
}

/** Declares a route, keeping the exact types of its schemas for the server's handlers and the client. */
function route<const R extends ApiRoute>(declaration: R): R {
  return declaration;
}

const json = <T extends z.ZodType>(name: string, schema: T) => ({ name, schema });
const OTLP_MEDIA_TYPES = ['application/json', 'application/x-protobuf'] as const;
/** Errors of a project's routes: no or wrong key, too many wrong keys, unknown project, store unavailable. */
const PROJECT_ERRORS = [401, 403, 404, 429, 503] as const;
/** Errors of a project's routes with a JSON body: those, and a malformed, too large or non-JSON body. */
const PROJECT_BODY_ERRORS = [400, 401, 403, 404, 413, 415, 429, 503] as const;

/** Every route of the API, by id. */
export const apiRoutes = {
  liveness: route({
    id: 'liveness',
    method: 'GET',
    path: '/livez',
    summary: 'Liveness: the server process answers (it asks nothing of the store); for restarts',
    auth: 'none',
    writes: false,
    response: {
      description: '{ status: "ok" }',
      schema: json('LivenessResponse', livenessResponseSchema),
    },
    errors: [],
  }),
  readiness: route({
    id: 'readiness',
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: the store answers a query now; for a load balancer',
    auth: 'none',
    writes: false,
    response: {
      description: '{ status: "ok", store: { kind, schema_version } }',
      schema: json('ReadinessResponse', readinessResponseSchema),
      alsoStatuses: { 503: '{ status: "unavailable", store: { kind, message } }' },
    },
    errors: [],
  }),
  health: route({
    id: 'health',
    method: 'GET',
    path: '/healthz',
    summary: 'Readiness under its older name: the same answer as /readyz',
    auth: 'none',
    writes: false,
    response: {
      description: '{ status: "ok", store: { kind, schema_version } }',
      schema: json('ReadinessResponse', readinessResponseSchema),
      alsoStatuses: { 503: '{ status: "unavailable", store: { kind, message } }' },
    },
    errors: [],
  }),
  openApiDocument: route({
    id: 'openApiDocument',
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This document: the OpenAPI 3.1 description of the API',
    auth: 'api_key',
    writes: false,
    response: { description: 'The OpenAPI document', contentTypes: ['application/json'] },
    errors: [401, 403, 429],
  }),
  getMe: route({
    id: 'getMe',
    method: 'GET',
    path: '/api/v1/me',
    summary:
      'Who the server takes the caller to be, and what they may do: a read-only key is a viewer, any other key (or none, on a server without keys) an editor',
    auth: 'api_key',
    writes: false,
    response: { description: 'The caller', schema: json('Identity', identitySchema) },
    errors: [401, 403, 429],
  }),
  listProjects: route({
    id: 'listProjects',
    method: 'GET',
    path: '/api/v1/projects',
    summary:
      'Projects with their span counts and where each writes (Spanpatch, or a linked Arize AX project)',
    auth: 'api_key',
    writes: false,
    response: { description: 'Projects', schema: json('ProjectsResponse', projectsResponseSchema) },
    errors: [401, 403, 429, 503],
  }),
  patchSpanMetadata: route({
    id: 'patchSpanMetadata',
    method: 'POST',
    path: '/api/v1/projects/{project}/spans/metadata',
    summary: 'Patch the metadata of spans; 200 also when some spans fail, with an error per span',
    auth: 'api_key',
    writes: true,
    headers: patchHeadersSchema,
    body: { kind: 'json', schema: json('PatchRequest', patchRequestSchema) },
    response: { description: 'Per-span results', schema: json('PatchResponse', patchResponseSchema) },
    errors: [...PROJECT_BODY_ERRORS, 409, 422],
    errorCodes: {
      409: ['submission_reverted'],
      422: ['idempotency_key_reused', 'submission_id_taken'],
    },
  }),
  lookupSpans: route({
    id: 'lookupSpans',
    method: 'POST',
    path: '/api/v1/projects/{project}/spans/lookup',
    summary: 'Current metadata of spans by ID, and the IDs not found',
    auth: 'api_key',
    writes: false,
    body: { kind: 'json', schema: json('LookupRequest', lookupRequestSchema) },
    response: {
      description: 'Spans found and missing',
      schema: json('LookupResponse', lookupResponseSchema),
    },
    errors: PROJECT_BODY_ERRORS,
  }),
  getFields: route({
    id: 'getFields',
    method: 'GET',
    path: '/api/v1/projects/{project}/metadata/fields',
    summary: "The project's metadata keys with their type and how many spans hold them",
    auth: 'api_key',
    writes: false,
    response: { description: 'Fields', schema: json('FieldsResponse', fieldsResponseSchema) },
    errors: PROJECT_ERRORS,
  }),
  listSpans: route({
    id: 'listSpans',
    method: 'GET',
    path: '/api/v1/projects/{project}/spans',
    summary: 'A page of spans, newest first',
    auth: 'api_key',
    writes: false,
    query: spansQuerySchema,
    response: { description: 'Spans', schema: json('SpansPage', spansPageSchema) },
    errors: [400, ...PROJECT_ERRORS],
  }),
  querySpans: route({
    id: 'querySpans',
    method: 'POST',
    path: '/api/v1/projects/{project}/spans/query',
    summary:
      'Find spans: by ID or trace ID (whole or prefix), part of a name, kind, roots only, time, metadata conditions; newest first',
    auth: 'api_key',
    writes: false,
    body: { kind: 'json', schema: json('SpanQueryRequest', spanQueryRequestSchema) },
    response: { description: 'Spans found', schema: json('SpanQueryResponse', spanQueryResponseSchema) },
    errors: PROJECT_BODY_ERRORS,
  }),
  countSpans: route({
    id: 'countSpans',
    method: 'POST',
    path: '/api/v1/spans/count',
    summary:
      'How many spans a filter finds in each project (projects without a match left out), to say where else a search matches',
    auth: 'api_key',
    writes: false,
    body: { kind: 'json', schema: json('SpanCountRequest', spanCountRequestSchema) },
    response: {
      description: 'Matches per project',
      schema: json('SpanCountResponse', spanCountResponseSchema),
    },
    errors: [400, 401, 403, 413, 415, 429, 503],
  }),
  getSpan: route({
    id: 'getSpan',
    method: 'GET',
    path: '/api/v1/projects/{project}/spans/{span_id}',
    summary: 'One span: its fields, its trace, its metadata and every change made to it',
    auth: 'api_key',
    writes: false,
    response: { description: 'The span', schema: json('SpanDetail', spanDetailSchema) },
    errors: PROJECT_ERRORS,
  }),
  listSubmissions: route({
    id: 'listSubmissions',
    method: 'GET',
    path: '/api/v1/submissions',
    summary: 'Submissions, newest first',
    auth: 'api_key',
    writes: false,
    query: submissionsQuerySchema,
    response: { description: 'Submissions', schema: json('SubmissionsResponse', submissionsResponseSchema) },
    errors: [400, ...PROJECT_ERRORS],
  }),
  getSubmission: route({
    id: 'getSubmission',
    method: 'GET',
    path: '/api/v1/submissions/{id}',
    summary: 'One submission: its label, kind, revert links, key name, start and end, and totals',
    auth: 'api_key',
    writes: false,
    response: { description: 'Submission', schema: json('SubmissionDetail', submissionDetailSchema) },
    errors: PROJECT_ERRORS,
  }),
  listSubmissionChanges: route({
    id: 'listSubmissionChanges',
    method: 'GET',
    path: '/api/v1/submissions/{id}/changes',
    summary: "A page of a submission's changes: each key's value before and after",
    auth: 'api_key',
    writes: false,
    query: submissionPageQuerySchema,
    response: {
      description: 'Changes',
      schema: json('SubmissionChangesPage', submissionChangesPageSchema),
    },
    errors: [400, ...PROJECT_ERRORS],
  }),
  listSubmissionErrors: route({
    id: 'listSubmissionErrors',
    method: 'GET',
    path: '/api/v1/submissions/{id}/errors',
    summary: "A page of a submission's per-span errors",
    auth: 'api_key',
    writes: false,
    query: submissionPageQuerySchema,
    response: { description: 'Errors', schema: json('SubmissionErrorsPage', submissionErrorsPageSchema) },
    errors: [400, ...PROJECT_ERRORS],
  }),
  revertSubmission: route({
    id: 'revertSubmission',
    method: 'POST',
    path: '/api/v1/submissions/{id}/revert',
    summary:
      'Undo a submission: each span whose keys still hold what it wrote goes back; dry_run answers the same and writes nothing',
    auth: 'api_key',
    writes: 'unless_dry_run',
    body: { kind: 'json', schema: json('RevertRequest', revertRequestSchema) },
    response: {
      description:
        'Per-span results of the revert, itself a submission (none on a dry run); for a project linked to Arize AX, the keys that become null there',
      schema: json('RevertResponse', revertResponseSchema),
    },
    errors: [...PROJECT_BODY_ERRORS, 422],
    errorCodes: { 403: ['read_only_key', 'role_too_low', 'not_your_submission'], 422: ['already_reverted'] },
  }),
  listKeys: route({
    id: 'listKeys',
    method: 'GET',
    path: '/api/v1/keys',
    summary: "The caller's personal API keys (an admin's: everyone's), newest first, with their last use",
    auth: 'api_key',
    writes: false,
    query: pageQuerySchema,
    response: { description: 'Keys', schema: json('PersonalKeysPage', personalKeysPageSchema) },
    errors: [400, 401, 403, 429, 503],
  }),
  createKey: route({
    id: 'createKey',
    method: 'POST',
    path: '/api/v1/keys',
    summary:
      'Make a personal API key for the signed-in person: its role no higher than theirs, an optional expiry; the key is answered this once',
    auth: 'api_key',
    writes: true,
    body: { kind: 'json', schema: json('CreateKeyRequest', createKeyRequestSchema) },
    response: { description: 'The key, shown once', schema: json('CreatedKey', createdKeySchema) },
    errors: [400, 401, 403, 413, 415, 429, 503],
    errorCodes: { 403: ['sign_in_required', 'role_too_low', 'read_only_key'] },
  }),
  revokeKey: route({
    id: 'revokeKey',
    method: 'DELETE',
    path: '/api/v1/keys/{id}',
    summary:
      "Revoke a personal API key: the owner's own, or anyone's by an admin; refused at once on every server",
    auth: 'api_key',
    writes: true,
    response: { description: 'The revoked key', schema: json('PersonalKey', personalKeySchema) },
    errors: [401, 403, 404, 429, 503],
  }),
  listAudit: route({
    id: 'listAudit',
    method: 'GET',
    path: '/api/v1/audit',
    summary:
      'The audit (admins): sign-ins, failed sign-ins, sign-outs, role changes, keys made and revoked, reverts; newest first',
    auth: 'api_key',
    writes: false,
    query: auditQuerySchema,
    response: { description: 'Events', schema: json('AuditPage', auditPageSchema) },
    errors: [400, 401, 403, 429, 503],
  }),
  loadFromArize: route({
    id: 'loadFromArize',
    method: 'POST',
    path: '/api/v1/projects/{project}/arize/load',
    summary:
      "Load a window's spans (at most 31 days) of a project linked to Arize AX into Spanpatch's copy; spans already held take Arize's metadata (no history is recorded)",
    auth: 'api_key',
    writes: true,
    body: { kind: 'json', schema: json('ArizeLoadRequest', arizeLoadRequestSchema) },
    response: {
      description: 'How many spans were read from Arize: new to the copy, updated, unchanged',
      schema: json('ArizeLoadResponse', arizeLoadResponseSchema),
    },
    errors: [...PROJECT_BODY_ERRORS, 409, 502],
    errorCodes: {
      409: ['project_not_linked'],
      502: ['arize_unreachable', 'arize_key_refused', 'arize_project_unknown', 'arize_failure'],
    },
  }),
  arizeStatus: route({
    id: 'arizeStatus',
    method: 'GET',
    path: '/api/v1/arize/status',
    summary:
      'For each project linked to Arize AX: whether Arize answers, takes the key and knows the project (asks Arize now)',
    auth: 'api_key',
    writes: false,
    response: {
      description: 'Each linked project and what Arize answered',
      schema: json('ArizeStatusResponse', arizeStatusResponseSchema),
    },
    errors: [401, 403, 429],
  }),
  ingestTraces: route({
    id: 'ingestTraces',
    method: 'POST',
    path: '/v1/traces',
    summary: 'OTLP/HTTP trace ingest (application/json or application/x-protobuf; gzip allowed)',
    auth: 'api_key',
    writes: true,
    body: {
      kind: 'raw',
      contentTypes: OTLP_MEDIA_TYPES,
      description: 'An OTLP ExportTraceServiceRequest; Content-Encoding gzip allowed',
    },
    response: {
      description:
        'ExportTraceServiceResponse (partialSuccess when spans were rejected), in the encoding of the request',
      contentTypes: OTLP_MEDIA_TYPES,
    },
    errors: [400, 401, 403, 413, 415, 429, 503],
  }),
} as const satisfies Record<string, ApiRoute>;

/** The names of a path's parameters: `'project'` for `/api/v1/projects/{project}/spans`. */
export type PathParamName<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParamName<Rest>
  : never;

/** The values of a route's path parameters, by name. */
export type PathParams<R extends Pick<ApiRoute, 'path'>> = Record<PathParamName<R['path']>, string>;

/** A query parameter's value; `undefined`, `null` and `''` leave the parameter out. */
export type QueryValue = string | number | boolean | null | undefined;

/**
 * A route's path with its parameters filled in (each URL-encoded) and the query parameters that have a value,
 * e.g. `/api/v1/projects/my%20project/spans?limit=5`. Throws when the route names a parameter not given.
 */
export function routePath<R extends Pick<ApiRoute, 'path'>>(
  route: R,
  params: PathParams<R>,
  query: Readonly<Record<string, QueryValue>> = {},
): string {
  const values: Readonly<Record<string, string>> = params;
  const path = route.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new RangeError(`The path ${route.path} needs a value for {${name}}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** The names of a path's parameters, in order: `['project']` for `/api/v1/projects/{project}/spans`. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
}
