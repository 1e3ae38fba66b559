import { listProjects } from '@/client';
import type { ProjectTarget } from '@/core/api';
import { targetText } from '@/core/words';
import { useRequest } from '@/ui/shared/use-request';
import type { ConnectionSettings } from './connection-form-schema';
import { toClientOptions } from './connection-status';

/**
 * Where the chosen project writes (SPEC §14): Spanpatch's store, or the Arize AX project it is linked to. Asked
 * when the project, server or key changes; null until the server answers, when it cannot, or when it does not
 * list the project.
 */
export function useProjectTarget(
  settings: Pick<ConnectionSettings, 'serverUrl' | 'apiKey' | 'project'>,
): ProjectTarget | null {
  const key =
    settings.project === '' ? null : JSON.stringify([settings.serverUrl, settings.apiKey, settings.project]);
  const answer = useRequest(key, (signal) => listProjects({ ...toClientOptions(settings), signal }));
  if (answer.status !== 'ready') return null;
  return answer.data.projects.find((project) => project.name === settings.project)?.target ?? null;
}

/** "Writes to Arize AX · space … · project …" beside a project, or nothing until the server says where it writes. */
export function ProjectTargetText({
  settings,
  className,
}: {
  settings: Pick<ConnectionSettings, 'serverUrl' | 'apiKey' | 'project'>;
  className?: string;
}) {
  const target = useProjectTarget(settings);
  if (target === null) return null;
  return (
    <span className={`project-target project-target-${target.kind} ${className ?? ''}`.trim()}>
      {targetText(target)}
    </span>
  );
}
