import {
  formatErrorMessage,
  formatRevertConflict,
  type RevertResponse,
  type SpanError,
  type SubmissionChange,
} from '@/core/api';
import {
  decidedOutcomes,
  type RecordedChange,
  segmentNotFoundMessage,
  type SpanWrite,
  type StoredPatch,
  type StoredValue,
} from '@/core/patch';

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
  /** Keys the reverted submission added that become null instead of going away (`keepKeys`), span by span. */
  becomesNull: { span_id: string; key: string }[];
}

/** How a revert treats a key the reverted submission added. */
export interface RevertOptions {
  /**
   * True for a target that cannot remove a key (Arize AX, SPEC §14): the key stays, set to null, as it will in
   * Arize. False (Spanpatch's own store): the key is removed.
   */
  keepKeys: boolean;
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
  options: RevertOptions = { keepKeys: false },
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
    becomesNull: [],
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
      } else if (options.keepKeys) {
        Object.defineProperty(metadata, key, {
          value: null,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        recorded.push({ key, existedBefore, before, after: null });
        plan.becomesNull.push({ span_id: spanId, key });
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
export function revertDryRunResponse(
  plan: Pick<RevertPlan, 'becomesNull' | 'spansProcessed' | 'spansUpdated' | 'spansFailed' | 'errors'>,
): RevertResponse {
  return {
    ...(plan.becomesNull.length > 0 ? { becomes_null: plan.becomesNull } : {}),
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
export function stillAsSubmitted(current: StoredPatch, change: ChangeToRevert): boolean {
  const present = Object.hasOwn(current, change.key);
  if (change.removed) return !present;
  return present && Object.is(current[change.key], change.after);
}

/** The error of a span a revert would write that was not sent to Arize AX: it changed meanwhile. */
const CHANGED_IN_ARIZE_MESSAGE =
  '[revert_conflict] the span changed while the revert was being sent to Arize AX; nothing was sent for it: revert again';

/** What Arize AX answered to a revert sent to it (SPEC §14): the spans sent, in order, and its per-span errors. */
export interface DecidedRevert {
  sentSpanIds: readonly string[];
  errors: readonly SpanError[];
}

/**
 * A revert plan of a linked project as Arize decided it: a span Arize failed keeps Arize's error and is not written
 * to Spanpatch's copy; a span the plan would write but that was not sent (it changed while the revert was being
 * sent) fails with `[revert_conflict]` and is not written either.
 */
export function applyDecidedRevert(plan: RevertPlan, decided: DecidedRevert): RevertPlan {
  const outcomes = decidedOutcomes(decided.sentSpanIds, decided.errors);
  const outcomeOf = new Map<string, string | null>();
  decided.sentSpanIds.forEach((spanId, index) => outcomeOf.set(spanId, outcomes[index] ?? null));
  const writes: SpanWrite[] = [];
  const errors = [...plan.errors];
  const failed = new Set<string>();
  for (const write of plan.writes) {
    const outcome = outcomeOf.get(write.spanId);
    if (outcome === null) {
      writes.push(write);
      continue;
    }
    failed.add(write.spanId);
    errors.push({
      span_id: write.spanId,
      error_message: outcome ?? CHANGED_IN_ARIZE_MESSAGE,
    });
  }
  return {
    ...plan,
    writes,
    errors,
    spansUpdated: writes.length,
    spansFailed: plan.spansFailed + failed.size,
    becomesNull: plan.becomesNull.filter((entry) => !failed.has(entry.span_id)),
  };
}

/**
 * The revert plan a store runs: `planRevert`, keeping keys as null for a project linked to Arize AX, and as Arize
 * decided when it answered (`applyDecidedRevert`).
 */
export function revertPlanOf(
  project: string,
  changes: readonly ChangeToRevert[],
  currentMetadata: ReadonlyMap<string, StoredPatch>,
  request: { arize?: { decided: DecidedRevert | null } },
): RevertPlan {
  const plan = planRevert(project, changes, currentMetadata, { keepKeys: request.arize !== undefined });
  const decided = request.arize?.decided ?? null;
  return decided === null ? plan : applyDecidedRevert(plan, decided);
}

/**
 * A span of a submission being reverted, as a store reads it set-based (without its keys' values): in the order the
 * submission first changed it, with the first of its keys (in the order the submission changed them) that no longer
 * holds what the submission left, and what it holds now (undefined: the key is gone).
 */
export interface RevertSpan {
  spanId: string;
  /** False when the span no longer exists. */
  exists: boolean;
  conflict: { key: string; now: StoredValue | undefined } | null;
}

/** Which spans a revert writes (by their place in the list it was given), and what it answers. */
export interface RevertSpansPlan {
  /** The places of the spans to put back, in order. */
  writes: number[];
  errors: SpanError[];
  spansProcessed: number;
  spansUpdated: number;
  spansFailed: number;
}

/**
 * Plans a revert span by span from what a store found set-based (SPEC §9), with the rules of `planRevert` and
 * `applyDecidedRevert`: a span that no longer exists fails with `[segment_not_found]`, one with a key changed since
 * with `[revert_conflict]`, every other span goes back whole; for a project linked to Arize AX, as Arize decided.
 * The store then writes the keys of the spans to put back itself, in one statement per table.
 */
export function planRevertSpans(
  project: string,
  spans: readonly RevertSpan[],
  decided: DecidedRevert | null,
): RevertSpansPlan {
  const plan: RevertSpansPlan = {
    writes: [],
    errors: [],
    spansProcessed: spans.length,
    spansUpdated: 0,
    spansFailed: 0,
  };
  spans.forEach((span, index) => {
    if (!span.exists) {
      plan.errors.push({
        span_id: span.spanId,
        error_message: formatErrorMessage('segment_not_found', segmentNotFoundMessage(span.spanId, project)),
      });
    } else if (span.conflict !== null) {
      plan.errors.push({
        span_id: span.spanId,
        error_message: formatRevertConflict(span.conflict.key, span.conflict.now),
      });
    } else {
      plan.writes.push(index);
    }
  });
  plan.spansFailed = plan.errors.length;
  if (decided !== null) {
    const outcomes = decidedOutcomes(decided.sentSpanIds, decided.errors);
    const outcomeOf = new Map<string, string | null>();
    decided.sentSpanIds.forEach((spanId, index) => outcomeOf.set(spanId, outcomes[index] ?? null));
    const writes: number[] = [];
    const failed = new Set<string>();
    for (const index of plan.writes) {
      const spanId = spans[index]?.spanId ?? '';
      const outcome = outcomeOf.get(spanId);
      if (outcome === null) {
        writes.push(index);
        continue;
      }
      failed.add(spanId);
      plan.errors.push({ span_id: spanId, error_message: outcome ?? CHANGED_IN_ARIZE_MESSAGE });
    }
    plan.writes = writes;
    plan.spansFailed += failed.size;
  }
  plan.spansUpdated = plan.writes.length;
  return plan;
}
