import { queryOptions, useQuery } from '@tanstack/react-query';
import { countSpans } from '@/client';
import type { SpanFilter } from '@/core/api';
import { type ServerConnection, serverKey, toClientOptions } from '@/ui/settings';

/**
 * `POST /api/v1/spans/count`: how many spans a filter finds in each project, to say where a search that finds
 * nothing in this project would. NOTE: keyed by the server alone, not a project: it reads them all.
 */
export function spanCountsQueryOptions(connection: ServerConnection, filter: SpanFilter) {
  return queryOptions({
    queryKey: [...serverKey(connection), 'span-counts', filter] as const,
    queryFn: ({ signal }) => countSpans(filter, { ...toClientOptions(connection), signal }),
  });
}

/** The matches of `filter` per project, asked only while `enabled` (a search here found nothing). */
export function useSpanCounts(connection: ServerConnection, filter: SpanFilter, enabled: boolean) {
  const { serverUrl, apiKey } = connection;
  return useQuery({ ...spanCountsQueryOptions({ serverUrl, apiKey }, filter), enabled });
}
