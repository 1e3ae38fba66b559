import { queryOptions, useQuery } from '@tanstack/react-query';
import { peopleKeys } from './people-keys';

/** Whether the server signs people in (`GET /auth/status` answers); false for a server without sign-in. */
async function signInOffered(serverUrl: string, signal: AbortSignal): Promise<boolean> {
  try {
    const response = await fetch(`${serverUrl}/auth/status`, { signal });
    return response.ok;
  } catch {
    return false;
  }
}

/** `GET /auth/status`: whether the server signs people in. */
export function signInQueryOptions(serverUrl: string) {
  return queryOptions({
    queryKey: peopleKeys.signIn(serverUrl),
    queryFn: ({ signal }) => signInOffered(serverUrl, signal),
  });
}

/** Whether the server signs people in: false until it answers, and for a server without sign-in. */
export function useSignInOffered(serverUrl: string): boolean {
  return useQuery(signInQueryOptions(serverUrl)).data ?? false;
}
