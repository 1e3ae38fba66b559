import { queryOptions, skipToken, useQuery } from '@tanstack/react-query';
import { getFields } from '@/client';
import type { FieldsResponse } from '@/core/api';
import { toClientOptions } from '@/ui/settings/connection-status';
import { projectKey, type ServerConnection } from './server-keys';

/** A project's metadata keys with their stored type and how many spans hold them; nothing without a project. */
export function fieldsQueryOptions(connection: ServerConnection, project: string) {
  const { serverUrl, apiKey } = connection;
  return queryOptions({
    queryKey: [...projectKey({ serverUrl, apiKey }, project), 'fields'] as const,
    queryFn:
      project === ''
        ? skipToken
        : ({ signal }) => getFields(project, { ...toClientOptions(connection), signal }),
  });
}

const NO_FIELDS: FieldsResponse['fields'] = [];

/** The fields of a project (none while they load, without a project, or when the server cannot answer). */
export function useProjectFields(connection: ServerConnection, project: string): FieldsResponse['fields'] {
  return useQuery(fieldsQueryOptions(connection, project)).data?.fields ?? NO_FIELDS;
}
