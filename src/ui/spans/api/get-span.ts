import { queryOptions, useQuery } from '@tanstack/react-query';
import { getSpan } from '@/client';
import { type ServerConnection, toClientOptions } from '@/ui/settings';
import { spanKeys } from './span-keys';

/** `GET /api/v1/projects/{project}/spans/{span_id}`: one span with its trace, metadata and changes. */
export function spanQueryOptions(connection: ServerConnection, project: string, spanId: string) {
  return queryOptions({
    queryKey: spanKeys.span(connection, project, spanId),
    queryFn: ({ signal }) => getSpan(project, spanId, { ...toClientOptions(connection), signal }),
  });
}

/** One span's detail, as the server has it. */
export function useSpan(connection: ServerConnection, project: string, spanId: string) {
  const { serverUrl, apiKey } = connection;
  return useQuery(spanQueryOptions({ serverUrl, apiKey }, project, spanId));
}
