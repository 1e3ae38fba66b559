import type { RecordedChange } from './span-update';
import type { StoredValue } from './stored-form';

/**
 * The outcome Arize AX gave each span it was sent (SPEC §14), in the order sent: its error message as Arize wrote
 * it, or null when Arize updated it. Arize names a failed span by its ID, so a span sent twice in one batch takes
 * one error per time Arize named it, first come first served.
 */
export function decidedOutcomes(
  sentSpanIds: readonly string[],
  errors: readonly { span_id: string; error_message: string }[],
): (string | null)[] {
  const pending = new Map<string, string[]>();
  for (const error of errors) {
    const list = pending.get(error.span_id);
    if (list) list.push(error.error_message);
    else pending.set(error.span_id, [error.error_message]);
  }
  return sentSpanIds.map((spanId) => pending.get(spanId)?.shift() ?? null);
}

/**
 * The patch that puts a span back for a target that cannot remove a key (Arize AX, SPEC §14): each key its
 * revert's changes set, to the value it goes back to; a key the reverted submission had added becomes null.
 */
export function revertPatchDocument(changes: readonly RecordedChange[]): Record<string, StoredValue> {
  const patch: Record<string, StoredValue> = {};
  for (const change of changes) {
    Object.defineProperty(patch, change.key, {
      value: change.removed === true ? null : change.after,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return patch;
}
