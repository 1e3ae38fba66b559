import { queryOptions, useQuery } from '@tanstack/react-query';
import { whoAmI } from '@/client';
import type { Identity } from '@/core/api';
import { toClientOptions } from '@/ui/settings/connection-status';
import { serverKey, type ServerConnection } from './server-keys';

/** `GET /api/v1/me`: who the server takes the connection's key to be. */
export function identityQueryOptions(connection: ServerConnection) {
  return queryOptions({
    queryKey: [...serverKey(connection), 'identity'] as const,
    queryFn: ({ signal }) => whoAmI({ ...toClientOptions(connection), signal }),
  });
}

/**
 * Who the server takes the connection's key to be (`GET /api/v1/me`: a read-only key is a viewer), asked when the
 * component mounts and again when the server or key changes. Null until the server answers, and when it cannot
 * or does not say: a view then allows what the server itself will still refuse if it must.
 */
export function useIdentity(connection: ServerConnection): Identity | null {
  const { serverUrl, apiKey } = connection;
  return useQuery(identityQueryOptions({ serverUrl, apiKey })).data ?? null;
}
