import { randomUUID } from 'node:crypto';
import type { PatchResponse } from '@/core/api-schema';
import { planRevert } from '@/server/patch/plan-revert';
import type { Sql } from './postgres-db';
import { currentMetadata, lockSpans } from './postgres-state';
import type { PostgresSubmissions } from './postgres-submissions';
import { addFieldSpans, updateSpans } from './postgres-writes';
import type { RevertRequest } from './span-store';
import { SubmissionConflictError } from './submission-conflict-error';

/**
 * Reverts a submission (SPEC §9) inside a transaction, or answers what it would do (`dryRun`, reading only): the
 * planning is `planRevert`'s; this reads what it needs, in the project's turn, and writes what it planned.
 */
export async function revertIn(
  sql: Sql,
  submissions: PostgresSubmissions,
  request: RevertRequest,
): Promise<PatchResponse | null> {
  let original = await submissions.row(sql, request.submissionId);
  if (!original) return null;
  if (!request.dryRun) {
    // Take the project's turn, then read the submission again as it stands (a revert may have just ended).
    await sql.query('SELECT id FROM projects WHERE id = $1 FOR UPDATE', [original.project_id]);
    original = await submissions.row(sql, request.submissionId);
    if (!original) return null;
  }
  if (original.reverted_by !== null) {
    throw new SubmissionConflictError(
      'already_reverted',
      `The submission '${original.public_id}' was reverted already, by '${original.reverted_by}'`,
    );
  }
  const changes = (await submissions.changesOf(sql, original.id)).map((change) => ({
    spanId: change.span_id,
    key: change.key,
    existedBefore: change.existed_before,
    before: change.before,
    after: change.after,
    removed: change.removed,
  }));
  const projectId = original.project_id;
  const spanIds = new Set(changes.map((change) => change.spanId));
  const current = request.dryRun
    ? await currentMetadata(sql, projectId, spanIds)
    : await lockSpans(sql, projectId, spanIds);
  const plan = planRevert(original.project, changes, current);
  if (request.dryRun) {
    return {
      spans_processed: plan.spansProcessed,
      spans_updated: plan.spansUpdated,
      spans_unchanged: 0,
      spans_failed: plan.spansFailed,
      errors: plan.errors,
      submission_id: '',
    };
  }
  const now = new Date().toISOString();
  const revertId = randomUUID();
  const response = await submissions.recordBatch(
    sql,
    {
      projectId,
      keyName: request.keyName,
      idempotencyKey: null,
      submission: { id: revertId, label: `Revert of ${original.label ?? original.public_id}` },
      kind: 'revert',
      reverts: original.public_id,
      now,
    },
    { ...plan, spansUnchanged: 0 },
  );
  await updateSpans(sql, projectId, plan.writes, now);
  // Keys the revert removed hold on fewer spans; keys it put back (removed by the original) on more.
  const spanCounts = new Map<string, number>();
  for (const [key, count] of plan.removedKeys) spanCounts.set(key, -count);
  for (const write of plan.writes) {
    for (const change of write.changes) {
      if (!change.existedBefore) spanCounts.set(change.key, (spanCounts.get(change.key) ?? 0) + 1);
    }
  }
  await addFieldSpans(sql, projectId, spanCounts);
  await submissions.markReverted(sql, original.id, revertId);
  return response;
}
