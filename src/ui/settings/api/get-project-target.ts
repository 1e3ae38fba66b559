import { queryOptions, useQuery } from '@tanstack/react-query';
import { listProjects } from '@/client';
import type { ProjectTarget } from '@/core/api';
import { toClientOptions } from '@/ui/settings/connection-status';
import { projectKey, type ServerConnection } from './server-keys';

/**
 * Where a project writes (SPEC §14), from `GET /api/v1/projects`: Spanpatch's store, or the Arize AX project it
 * is linked to; null when the server does not list the project. Under the project's key, so a submission or a
 * revert that marks the project out of date reads it again too.
 */
export function projectTargetQueryOptions(connection: ServerConnection, project: string) {
  return queryOptions({
    queryKey: [...projectKey(connection, project), 'target'] as const,
    queryFn: async ({ signal }): Promise<ProjectTarget | null> => {
      const { projects } = await listProjects({ ...toClientOptions(connection), signal });
      return projects.find((listed) => listed.name === project)?.target ?? null;
    },
  });
}

/**
 * Where the chosen project writes (SPEC §14): Spanpatch's store, or the Arize AX project it is linked to. Asked
 * when the project, server or key changes; null until the server answers, when it cannot, or when it does not
 * list the project.
 */
export function useProjectTarget(connection: ServerConnection & { project: string }): ProjectTarget | null {
  const { serverUrl, apiKey, project } = connection;
  return (
    useQuery({ ...projectTargetQueryOptions({ serverUrl, apiKey }, project), enabled: project !== '' })
      .data ?? null
  );
}
