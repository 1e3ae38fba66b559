import { randomUUID } from 'node:crypto';
import type { RevertResponse } from '@/core/api';
import {
  changesToRevert,
  restoredKeys,
  revertDryRunResponse,
  revertPlanOf,
} from '@/server/patch/plan-revert';
import type { RevertRequest } from '@/server/store/span-store';
import { checkNotReverted, revertBatchRecord } from '@/server/store/submission-rows';
import type { Sql } from './postgres-db';
import { currentMetadata, lockSpans } from './postgres-state';
import type { PostgresSubmissions } from './postgres-submissions';
import { addFieldSpans, updateSpans } from './postgres-writes';

/**
 * Reverts a submission (SPEC §9) inside a transaction, or answers what it would do (`dryRun`, reading only): the
 * planning is `planRevert`'s; this reads what it needs, in the project's turn, and writes what it planned.
 */
export async function revertIn(
  sql: Sql,
  submissions: PostgresSubmissions,
  request: RevertRequest,
): Promise<RevertResponse | null> {
  let original = await submissions.row(sql, request.submissionId);
  if (!original) return null;
  if (!request.dryRun) {
    // Take the project's turn, then read the submission again as it stands (a revert may have just ended).
    await sql.query('SELECT id FROM projects WHERE id = $1 FOR UPDATE', [original.project_id]);
    original = await submissions.row(sql, request.submissionId);
    if (!original) return null;
  }
  checkNotReverted(original);
  const changes = changesToRevert(await submissions.changesOf(sql, original.id));
  const projectId = original.project_id;
  const spanIds = new Set(changes.map((change) => change.spanId));
  const current = request.dryRun
    ? await currentMetadata(sql, projectId, spanIds)
    : await lockSpans(sql, projectId, spanIds);
  const plan = revertPlanOf(original.project, changes, current, request);
  if (request.dryRun) return revertDryRunResponse(plan);
  const now = new Date().toISOString();
  const revertId = randomUUID();
  const response = await submissions.recordBatch(
    sql,
    revertBatchRecord(original, request.keyName, revertId, now),
    { ...plan, spansUnchanged: 0 },
  );
  await updateSpans(sql, projectId, plan.writes, now);
  // Keys the revert removed hold on fewer spans; keys it put back (removed by the original) on more.
  const spanCounts = new Map<string, number>();
  for (const [key, count] of plan.removedKeys) spanCounts.set(key, -count);
  for (const [key, count] of restoredKeys(plan)) spanCounts.set(key, (spanCounts.get(key) ?? 0) + count);
  await addFieldSpans(sql, projectId, spanCounts);
  await submissions.markReverted(sql, original.id, revertId);
  return response;
}
