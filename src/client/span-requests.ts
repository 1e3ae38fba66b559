import {
  apiRoutes,
  type FindSpanIdsRequest,
  type FindSpansRequest,
  type LookupResponse,
  MAX_SPANS_PER_REQUEST,
  type SpanCountResponse,
  type SpanDetail,
  type SpanFilter,
  type SpanIdsFound,
  type SpansFound,
  type SpansPage,
} from '@/core/api';
import { apiRequest, ApiRequestError, type ClientOptions } from './api-request';

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

/**
 * How many spans a filter finds in each project (`POST /api/v1/spans/count`), projects without a match left out,
 * most matches first: to say where else a search that finds nothing here would.
 */
export function countSpans(filter: SpanFilter, options: ClientOptions = {}): Promise<SpanCountResponse> {
  return apiRequest(apiRoutes.countSpans, { params: {}, body: { filter } }, options);
}
