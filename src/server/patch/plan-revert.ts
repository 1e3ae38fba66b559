import {
  formatErrorMessage,
  formatRevertConflict,
  type PatchResponse,
  type SpanError,
  type SubmissionChange,
} from '@/core/api';
import { type RecordedChange, segmentNotFoundMessage, type SpanWrite, type StoredPatch } from '@/core/patch';

/** One recorded change of the submission being reverted, with its span. */
export interface ChangeToRevert extends RecordedChange {
  spanId: string;
}

/** Everything a revert writes, decided before anything is written (and all a dry run answers). */
export interface RevertPlan {
  /** Spans to put back, in the order the submission first changed them. */
  writes: SpanWrite[];
  /** Keys a revert removes from spans, for the type registry's span counts. */
  removedKeys: Map<string, number>;
  errors: SpanError[];
  spansProcessed: number;
  spansUpdated: number;
  spansFailed: number;
}

/**
 * Plans the revert of a submission (SPEC §9), span by span: when every key the submission changed still holds the
 * submission's *after*, each goes back to its *before* (a key that did not exist before is removed); when any has
 * changed since, the span is left as it is and fails with `[revert_conflict]`; a span that no longer exists fails
 * with `[segment_not_found]`. Each span is all or nothing. The writes record their own before and after.
 */
export function planRevert(
  project: string,
  changes: readonly ChangeToRevert[],
  currentMetadata: ReadonlyMap<string, StoredPatch>,
): RevertPlan {
  const bySpan = new Map<string, ChangeToRevert[]>();
  for (const change of changes) {
    const list = bySpan.get(change.spanId);
    if (list) list.push(change);
    else bySpan.set(change.spanId, [change]);
  }
  const plan: RevertPlan = {
    writes: [],
    removedKeys: new Map(),
    errors: [],
    spansProcessed: bySpan.size,
    spansUpdated: 0,
    spansFailed: 0,
  };
  for (const [spanId, spanChanges] of bySpan) {
    const current = currentMetadata.get(spanId);
    if (current === undefined) {
      plan.spansFailed++;
      plan.errors.push({
        span_id: spanId,
        error_message: formatErrorMessage('segment_not_found', segmentNotFoundMessage(spanId, project)),
      });
      continue;
    }
    // NOTE: a span changed twice by one submission (repeated in its request) goes back to its first before and
    // must still hold its last after.
    const last = new Map<string, ChangeToRevert>();
    const first = new Map<string, ChangeToRevert>();
    for (const change of spanChanges) {
      last.set(change.key, change);
      if (!first.has(change.key)) first.set(change.key, change);
    }
    const conflict = [...last.values()].find((change) => !stillAsSubmitted(current, change));
    if (conflict) {
      const { key } = conflict;
      const now = Object.hasOwn(current, key) ? (current[key] ?? null) : undefined;
      plan.spansFailed++;
      plan.errors.push({ span_id: spanId, error_message: formatRevertConflict(key, now) });
      continue;
    }
    const metadata: StoredPatch = { ...current };
    const recorded: RecordedChange[] = [];
    for (const [key, change] of first) {
      const latest = last.get(key) ?? change;
      const existedBefore = !latest.removed;
      const before = latest.removed ? null : latest.after;
      if (change.existedBefore) {
        Object.defineProperty(metadata, key, {
          value: change.before,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        recorded.push({ key, existedBefore, before, after: change.before });
      } else {
        Reflect.deleteProperty(metadata, key);
        plan.removedKeys.set(key, (plan.removedKeys.get(key) ?? 0) + 1);
        recorded.push({ key, existedBefore, before, after: null, removed: true });
      }
    }
    plan.spansUpdated++;
    plan.writes.push({ spanId, metadata, changes: recorded });
  }
  return plan;
}

/** The recorded changes of a submission (as the API shows them) as `planRevert` takes them. */
export function changesToRevert(changes: readonly SubmissionChange[]): ChangeToRevert[] {
  return changes.map((change) => ({
    spanId: change.span_id,
    key: change.key,
    existedBefore: change.existed_before,
    before: change.before,
    after: change.after,
    removed: change.removed,
  }));
}

/** What a dry run of a revert answers: the plan's counts and errors, with no submission. */
export function revertDryRunResponse(plan: RevertPlan): PatchResponse {
  return {
    spans_processed: plan.spansProcessed,
    spans_updated: plan.spansUpdated,
    spans_unchanged: 0,
    spans_failed: plan.spansFailed,
    errors: plan.errors,
    submission_id: '',
  };
}

/**
 * Keys a revert puts back (the submission had removed them), with on how many spans, for the type registry's span
 * counts; the keys it removes are the plan's `removedKeys`.
 */
export function restoredKeys(plan: RevertPlan): Map<string, number> {
  const restored = new Map<string, number>();
  for (const write of plan.writes) {
    for (const change of write.changes) {
      if (!change.existedBefore) restored.set(change.key, (restored.get(change.key) ?? 0) + 1);
    }
  }
  return restored;
}

/** True when a span still holds what a change left: its value, or no key at all when the change removed it. */
function stillAsSubmitted(current: StoredPatch, change: ChangeToRevert): boolean {
  const present = Object.hasOwn(current, change.key);
  if (change.removed) return !present;
  return present && Object.is(current[change.key], change.after);
}
