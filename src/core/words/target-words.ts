import type { ProjectTarget } from '@/core/api';

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
