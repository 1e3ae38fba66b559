import type { ArizeStatusResponse, ProjectTarget } from '@/core/api';

/**
 * Where a project writes, as the app and the command line show it beside the project (SPEC §14): "Writes to
 * Arize AX · space … · project …", or Spanpatch's own store.
 */
export function targetText(target: ProjectTarget): string {
  if (target.kind === 'arize') {
    return `Writes to Arize AX · space ${target.space_id} · project ${target.project}`;
  }
  return "Writes to Spanpatch's store";
}

/** What Preview says of a span a linked project's copy does not hold (SPEC §14). */
export const NOT_IN_COPY_TEXT = "Not in Spanpatch's copy: Arize will decide";

/** What Settings' Test connection says of Arize AX for a linked project (SPEC §14), in plain words. */
export function arizeCheckText(check: ArizeStatusResponse['projects'][number]): string {
  switch (check.status) {
    case 'ok':
      return `Arize AX answers and takes the key; it knows the project "${check.arize_project}".`;
    case 'unreachable':
      return `Arize AX cannot be reached: ${check.message}.`;
    case 'key_refused':
      return `Arize AX refused the key set on the server: ${check.message}.`;
    case 'project_unknown':
      return `Arize AX does not know the project "${check.arize_project}": ${check.message}.`;
    case 'error':
      return `Arize AX answered with an error: ${check.message}.`;
  }
}
