import {
  fieldsResponseSchema,
  type FieldsResponse,
  type LookupResponse,
  lookupResponseSchema,
  MAX_SPANS_PER_REQUEST,
  type ProjectsResponse,
  projectsResponseSchema,
  type SpansPage,
  spansPageSchema,
  type SubmissionDetail,
  submissionDetailSchema,
  submissionsResponseSchema,
  type Submission,
} from '@/core/api-schema';
import { ApiRequestError, type ClientOptions, requestJson } from './api-request';

const projectPath = (project: string) => `/api/v1/projects/${encodeURIComponent(project)}`;

/** Lists the server's projects with their span counts. */
export function listProjects(options: ClientOptions = {}): Promise<ProjectsResponse> {
  return requestJson('/api/v1/projects', projectsResponseSchema, options);
}

/** Lists a project's metadata keys with their stored type and how many spans hold them. */
export function getFields(project: string, options: ClientOptions = {}): Promise<FieldsResponse> {
  return requestJson(`${projectPath(project)}/metadata/fields`, fieldsResponseSchema, options);
}

/** Fetches the current metadata of spans by ID (any number: sent 10,000 at a time) and the IDs not found. */
export async function lookupSpans(
  project: string,
  spanIds: readonly string[],
  options: ClientOptions = {},
): Promise<LookupResponse> {
  const result: LookupResponse = { spans: [], missing: [] };
  for (let start = 0; start < spanIds.length; start += MAX_SPANS_PER_REQUEST) {
    const part = await requestJson(`${projectPath(project)}/spans/lookup`, lookupResponseSchema, options, {
      body: { span_ids: spanIds.slice(start, start + MAX_SPANS_PER_REQUEST) },
    });
    result.spans.push(...part.spans);
    result.missing.push(...part.missing);
  }
  return result;
}

/** Fetches a page of a project's spans, newest first; pass `next_cursor` back as `cursor` for the next page. */
export function listSpans(
  project: string,
  query: { limit?: number; cursor?: string | null; q?: string } = {},
  options: ClientOptions = {},
): Promise<SpansPage> {
  const params = new URLSearchParams();
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  if (query.q) params.set('q', query.q);
  const search = params.toString();
  return requestJson(`${projectPath(project)}/spans${search ? `?${search}` : ''}`, spansPageSchema, options);
}

/** Lists submissions, newest first, of one project or of all. */
export async function listSubmissions(
  query: { project?: string; limit?: number } = {},
  options: ClientOptions = {},
): Promise<Submission[]> {
  const params = new URLSearchParams();
  if (query.project !== undefined) params.set('project', query.project);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  const search = params.toString();
  return (
    await requestJson(`/api/v1/submissions${search ? `?${search}` : ''}`, submissionsResponseSchema, options)
  ).submissions;
}

/** Fetches one submission with each changed key's value before and after, and its failed spans. */
export function getSubmission(id: string, options: ClientOptions = {}): Promise<SubmissionDetail> {
  return requestJson(`/api/v1/submissions/${encodeURIComponent(id)}`, submissionDetailSchema, options);
}

/** What a connection test found: the projects, or why the server could not be used. */
export type ConnectionCheck =
  | { ok: true; projects: ProjectsResponse['projects'] }
  | {
      ok: false;
      reason: 'unreachable' | 'unauthorized' | 'forbidden' | 'invalid_response' | 'error';
      message: string;
    };

/** Checks that the server answers and accepts the API key, for a settings screen's "Test connection". */
export async function testConnection(options: ClientOptions = {}): Promise<ConnectionCheck> {
  try {
    return { ok: true, projects: (await listProjects(options)).projects };
  } catch (error) {
    if (!(error instanceof ApiRequestError)) throw error;
    return failedConnectionCheck(error);
  }
}

/** Why a request failed, in the terms of a connection check: unreachable, key missing or refused, or other. */
export function failedConnectionCheck(error: ApiRequestError): Extract<ConnectionCheck, { ok: false }> {
  const reason =
    error.status === null
      ? 'unreachable'
      : error.status === 401
        ? 'unauthorized'
        : error.status === 403
          ? 'forbidden'
          : error.code === 'invalid_response'
            ? 'invalid_response'
            : 'error';
  return { ok: false, reason, message: error.message };
}
