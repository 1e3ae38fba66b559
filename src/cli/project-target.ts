import { listProjects } from '@/client';
import type { ProjectTarget } from '@/core/api';
import { targetText } from '@/core/words';
import type { Connection } from './connection';

/**
 * Where a project writes, as a line for the commands that send (SPEC §14): "Writes to Arize AX · space … · project
 * …" or Spanpatch's store. Null when the server does not say (it cannot be asked, or does not list the project):
 * the command goes on, and a real problem shows when it sends.
 */
export async function projectTargetLine(project: string, connection: Connection): Promise<string | null> {
  let target: ProjectTarget | undefined;
  try {
    target = (await listProjects(connection)).projects.find((listed) => listed.name === project)?.target;
  } catch {
    return null;
  }
  return target === undefined ? null : targetText(target);
}
