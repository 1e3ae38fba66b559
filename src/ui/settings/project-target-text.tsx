import { targetText } from '@/core/words';
import { useProjectTarget } from './api/get-project-target';
import type { ConnectionSettings } from './connection-form-schema';

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
