import { queryOptions, useQuery } from '@tanstack/react-query';
import { listProjects } from '@/client';
import type { ProjectsResponse } from '@/core/api';
import { toClientOptions } from '@/ui/settings/connection-status';
import { serverKey, type ServerConnection } from './server-keys';

/** `GET /api/v1/projects`: the server's projects with their span counts. */
export function projectsQueryOptions(connection: ServerConnection) {
  const { serverUrl, apiKey } = connection;
  return queryOptions({
    queryKey: [...serverKey({ serverUrl, apiKey }), 'projects'] as const,
    queryFn: ({ signal }) => listProjects({ ...toClientOptions(connection), signal }),
  });
}

const NO_PROJECTS: ProjectsResponse['projects'] = [];

/** The server's projects (none while they load, or when the server cannot answer). */
export function useServerProjects(connection: ServerConnection): ProjectsResponse['projects'] {
  return useQuery(projectsQueryOptions(connection)).data?.projects ?? NO_PROJECTS;
}
