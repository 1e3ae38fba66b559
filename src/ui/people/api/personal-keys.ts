import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createKey, listKeys, revokeKey } from '@/client';
import type { Role } from '@/core/api';
import { type ServerConnection, toClientOptions } from '@/ui/settings';
import { peopleKeys } from './people-keys';

/** `GET /api/v1/keys`: the caller's API keys (an admin's: everyone's), newest first. */
export function personalKeysQueryOptions(connection: ServerConnection) {
  return queryOptions({
    queryKey: peopleKeys.keys(connection),
    queryFn: ({ signal }) => listKeys(null, { ...toClientOptions(connection), signal }),
  });
}

/** The caller's API keys, asked when the Keys dialog opens. */
export function usePersonalKeys(connection: ServerConnection) {
  const { serverUrl, apiKey } = connection;
  return useQuery(personalKeysQueryOptions({ serverUrl, apiKey }));
}

/** Marks the list of keys out of date once a key was made or revoked (or the answer was lost). */
function useKeysChanged(connection: ServerConnection) {
  const queryClient = useQueryClient();
  const { serverUrl, apiKey } = connection;
  return () => void queryClient.invalidateQueries({ queryKey: peopleKeys.keys({ serverUrl, apiKey }) });
}

/** `POST /api/v1/keys`: makes a key for the signed-in person; the answer holds the key itself, this once. */
export function useCreateKey(connection: ServerConnection) {
  const onSettled = useKeysChanged(connection);
  return useMutation({
    mutationFn: (request: { name: string; role?: Role; expires_at?: string }) =>
      createKey(request, toClientOptions(connection)),
    onSettled,
  });
}

/** `DELETE /api/v1/keys/{id}`: revokes a key; it stops working at once. */
export function useRevokeKey(connection: ServerConnection) {
  const onSettled = useKeysChanged(connection);
  return useMutation({
    mutationFn: (id: string) => revokeKey(id, toClientOptions(connection)),
    onSettled,
  });
}
