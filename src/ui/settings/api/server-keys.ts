import type { QueryClient } from '@tanstack/react-query';
import type { ConnectionSettings } from '@/ui/settings/connection-form-schema';

/** The server a read goes to and the key it is made with. */
export type ServerConnection = Pick<ConnectionSettings, 'serverUrl' | 'apiKey'>;

/**
 * The start of every query key: what was read from this server with this key. NOTE: the connection is an object,
 * so a filter naming the server alone (`{ serverUrl }`) matches what was read with any key (TanStack Query
 * matches objects in a key partially).
 */
export function serverKey({ serverUrl, apiKey }: ServerConnection) {
  return ['server', { serverUrl, apiKey }] as const;
}

/** What was read of one project: its spans (searched, opened, compared with a sheet), its fields, its submissions. */
export function projectKey(connection: ServerConnection, project: string) {
  return [...serverKey(connection), 'project', project] as const;
}

/**
 * Marks everything read of a project as out of date, whichever key read it, after a submission or a revert changed
 * what it stores: what is shown reads it again now, the rest when it is next shown. Paged lists not shown keep
 * their first page only, so they are read again from the start, as a first visit reads them.
 */
export async function invalidateProject(
  queryClient: QueryClient,
  { serverUrl, project }: Pick<ConnectionSettings, 'serverUrl' | 'project'>,
): Promise<void> {
  const queryKey = ['server', { serverUrl }, 'project', project];
  queryClient.setQueriesData<unknown>({ queryKey, type: 'inactive', predicate: isPaged }, firstPageOnly);
  await queryClient.invalidateQueries({ queryKey });
}

interface Pages {
  pages: unknown[];
  pageParams: unknown[];
}

function isPages(data: unknown): data is Pages {
  return (
    typeof data === 'object' &&
    data !== null &&
    Array.isArray((data as Partial<Pages>).pages) &&
    Array.isArray((data as Partial<Pages>).pageParams)
  );
}

const isPaged = (query: { state: { data: unknown } }) =>
  isPages(query.state.data) && query.state.data.pages.length > 1;

const firstPageOnly = (data: unknown) =>
  isPages(data) ? { pages: data.pages.slice(0, 1), pageParams: data.pageParams.slice(0, 1) } : data;
