import {
  apiRoutes,
  type FieldsResponse,
  type FindSpanIdsRequest,
  type FindSpansRequest,
  type Identity,
  type LookupResponse,
  MAX_SPANS_PER_REQUEST,
  type PatchResponse,
  type ProjectsResponse,
  type SpanDetail,
  type SpanIdsFound,
  type SpansFound,
  type SpansPage,
  type SubmissionChangesPage,
  type SubmissionDetail,
  type SubmissionErrorsPage,
  type SubmissionsResponse,
} from '@/core/api';
import { apiRequest, ApiRequestError, type ClientOptions } from './api-request';

/** Lists the server's projects with their span counts. */
export function listProjects(options: ClientOptions = {}): Promise<ProjectsResponse> {
  return apiRequest(apiRoutes.listProjects, { params: {} }, options);
}

/** Lists a project's metadata keys with their stored type and how many spans hold them. */
export function getFields(project: string, options: ClientOptions = {}): Promise<FieldsResponse> {
  return apiRequest(apiRoutes.getFields, { params: { project } }, options);
}

/** Fetches the current metadata of spans by ID (any number: sent 10,000 at a time) and the IDs not found. */
export async function lookupSpans(
  project: string,
  spanIds: readonly string[],
  options: ClientOptions = {},
): Promise<LookupResponse> {
  const result: LookupResponse = { spans: [], missing: [] };
  for (let start = 0; start < spanIds.length; start += MAX_SPANS_PER_REQUEST) {
    const part = await apiRequest(
      apiRoutes.lookupSpans,
      { params: { project }, body: { span_ids: spanIds.slice(start, start + MAX_SPANS_PER_REQUEST) } },
      options,
    );
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
  return apiRequest(apiRoutes.listSpans, { params: { project }, query }, options);
}

/**
 * Finds spans (SPEC §10): by ID or trace ID (whole or prefix), part of a name, kinds, roots only, start time and
 * metadata conditions; newest first, a page of up to 1,000 at a time (pass `next_cursor` back as `cursor`). With
 * `count`, the answer says how many match in all.
 */
export async function querySpans(
  project: string,
  query: FindSpansRequest,
  options: ClientOptions = {},
): Promise<SpansFound> {
  const answer = await apiRequest(apiRoutes.querySpans, { params: { project }, body: query }, options);
  if (!('spans' in answer)) throw unexpectedShape('span IDs', 'spans');
  return answer;
}

/**
 * Finds the IDs of the spans a filter matches (SPEC §10, `ids_only`), up to 100,000 a page, newest first: to
 * select every match. With `count`, the answer says how many match in all.
 */
export async function querySpanIds(
  project: string,
  query: Omit<FindSpanIdsRequest, 'ids_only'>,
  options: ClientOptions = {},
): Promise<SpanIdsFound> {
  const answer = await apiRequest(
    apiRoutes.querySpans,
    { params: { project }, body: { ...query, ids_only: true } },
    options,
  );
  if (!('span_ids' in answer)) throw unexpectedShape('spans', 'span IDs');
  return answer;
}

/** A query answered in the other shape than it asked for: an answer that breaks the contract. */
function unexpectedShape(got: string, asked: string): ApiRequestError {
  return new ApiRequestError(
    200,
    'invalid_response',
    `The server's answer does not match the API: it lists ${got} where ${asked} were asked for`,
  );
}

/** Fetches one span with its trace, its metadata and every change made to it. */
export function getSpan(project: string, spanId: string, options: ClientOptions = {}): Promise<SpanDetail> {
  return apiRequest(apiRoutes.getSpan, { params: { project, span_id: spanId } }, options);
}

/** A page of submissions, newest first, of one project or of all; pass `next_cursor` back as `cursor`. */
export function listSubmissions(
  query: { project?: string; limit?: number; cursor?: string | null } = {},
  options: ClientOptions = {},
): Promise<SubmissionsResponse> {
  return apiRequest(apiRoutes.listSubmissions, { params: {}, query }, options);
}

/** Fetches one submission: label, kind, revert links, key name, start and end, and totals. */
export function getSubmission(id: string, options: ClientOptions = {}): Promise<SubmissionDetail> {
  return apiRequest(apiRoutes.getSubmission, { params: { id } }, options);
}

/** What to read of a submission's changes or errors: a page size, where to go on from, and a search. */
export type SubmissionPageQuery = {
  limit?: number;
  cursor?: string | null;
  /** The start of a span ID, or part of a key (changes) or of a message (errors). */
  q?: string;
};

/** A page of a submission's changes: each key's value before and after, oldest first. */
export function listSubmissionChanges(
  id: string,
  query: SubmissionPageQuery = {},
  options: ClientOptions = {},
): Promise<SubmissionChangesPage> {
  return apiRequest(apiRoutes.listSubmissionChanges, { params: { id }, query }, options);
}

/** A page of a submission's per-span errors, in the order they happened. */
export function listSubmissionErrors(
  id: string,
  query: SubmissionPageQuery = {},
  options: ClientOptions = {},
): Promise<SubmissionErrorsPage> {
  return apiRequest(apiRoutes.listSubmissionErrors, { params: { id }, query }, options);
}

/**
 * Reverts a submission (SPEC §9), or with `dryRun` answers what the revert would do without writing anything.
 * The revert is itself a submission; its ID is the answer's `submission_id` (empty on a dry run).
 */
export function revertSubmission(
  id: string,
  { dryRun = false }: { dryRun?: boolean } = {},
  options: ClientOptions = {},
): Promise<PatchResponse> {
  return apiRequest(apiRoutes.revertSubmission, { params: { id }, body: { dry_run: dryRun } }, options);
}

/**
 * Who the server takes this connection's key to be, and so what it may do (`GET /api/v1/me`): a read-only key is
 * a `viewer`. Null when the server does not say (a server older than the route answers 404): what it refuses
 * then shows when it refuses it.
 */
export async function whoAmI(options: ClientOptions = {}): Promise<Identity | null> {
  try {
    return await apiRequest(apiRoutes.getMe, { params: {} }, options);
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 404) return null;
    throw error;
  }
}

/** What a connection test found: the projects and who the key is, or why the server could not be used. */
export type ConnectionCheck =
  | {
      ok: true;
      projects: ProjectsResponse['projects'];
      /** Who the server takes the key to be (a read-only key is a viewer); null when it does not say. */
      identity: Identity | null;
    }
  | {
      ok: false;
      reason: 'unreachable' | 'unauthorized' | 'forbidden' | 'invalid_response' | 'error';
      message: string;
    };

/**
 * Checks that the server answers and accepts the API key, and asks what the key may do, for a settings screen's
 * "Test connection".
 */
export async function testConnection(options: ClientOptions = {}): Promise<ConnectionCheck> {
  try {
    const { projects } = await listProjects(options);
    return { ok: true, projects, identity: await whoAmI(options) };
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
