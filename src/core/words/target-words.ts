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

/** What a load from Arize AX did to Spanpatch's copy, so far or in all (SPEC §14). */
export interface LoadedCounts {
  spans_loaded: number;
  spans_new?: number | undefined;
  spans_updated?: number | undefined;
  spans_unchanged?: number | undefined;
}

/** "1,180 new, 24 updated" (", 3 unchanged" when some were); what a load did to the copy. */
export function loadCountsText(counts: LoadedCounts): string {
  const number = (value: number | undefined) => (value ?? 0).toLocaleString('en-US');
  const unchanged = counts.spans_unchanged ?? 0;
  return `${number(counts.spans_new)} new, ${number(counts.spans_updated)} updated${unchanged > 0 ? `, ${number(unchanged)} unchanged` : ''}`;
}

/** "Loaded 1,204 spans: 1,180 new, 24 updated", the result of a load from Arize AX. */
export function loadedSpansText(counts: LoadedCounts): string {
  const total = counts.spans_loaded;
  return `Loaded ${total.toLocaleString('en-US')} ${total === 1 ? 'span' : 'spans'}: ${loadCountsText(counts)}`;
}

/** Server error codes of a load from Arize AX (SPEC §14) and what each means for a person. */
const LOAD_FAILURES: Record<string, string> = {
  arize_unreachable: 'Arize AX cannot be reached from the Spanpatch server',
  arize_key_refused: 'Arize AX refused the API key set on the Spanpatch server (ARIZE_API_KEY)',
  arize_project_unknown: 'Arize AX does not know the linked project in this space',
  arize_failure: 'Arize AX answered with an error',
  project_not_linked: 'This project is not linked to Arize AX',
};

/**
 * Why a load from Arize AX stopped, in plain words: what the server's error code means, then the server's own
 * explanation (which never holds the key), then how far it got. Null for a code that is not a load's.
 */
export function loadFailureText(code: string, message: string, loadedSoFar: LoadedCounts): string | null {
  const meaning = LOAD_FAILURES[code];
  if (meaning === undefined) return null;
  const detail = message.replace(/^Loading from Arize AX failed: /, '').trim();
  const sofar =
    loadedSoFar.spans_loaded > 0
      ? ` ${loadedSpansText(loadedSoFar)} before it stopped.`
      : ' Nothing was loaded.';
  return `${meaning}.${detail === '' ? '' : ` ${detail.endsWith('.') ? detail : `${detail}.`}`}${sofar}`;
}
