import { randomUUID } from 'node:crypto';
import type { RevertResponse } from '@/core/api';
import type { StoredValue } from '@/core/patch';
import { planRevertSpans, type RevertSpan, revertDryRunResponse } from '@/server/patch/plan-revert';
import type { RevertRequest } from '@/server/store/span-store';
import { checkNotReverted, revertBatchRecord } from '@/server/store/submission-rows';
import type { Sql } from './postgres-db';
import type { PostgresSubmissions } from './postgres-submissions';

/**
 * The keys a submission changed, span by span: each key's first change (its row, whether the key existed before,
 * its value before) and last (its row, whether it removed the key, its value after), and the first row of its span.
 */
const keysOf = `SELECT submission_id, span_rowid, key, first_row, last_row, span_first, first_existed, first_before, last_removed,
    last_after
  FROM (
    SELECT submission_id, span_rowid, key, id AS first_row, last_value(id) OVER w AS last_row,
      min(id) OVER (PARTITION BY span_rowid) AS span_first, existed_before AS first_existed,
      before_value AS first_before, last_value(removed) OVER w AS last_removed,
      last_value(after_value) OVER w AS last_after, row_number() OVER w AS nth
    FROM changes WHERE submission_id = $1 AND span_rowid IS NOT NULL
    WINDOW w AS (PARTITION BY span_rowid, key ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  ) c
  WHERE nth = 1`;

/** The keys of the spans put back (`$2`). */
const written = 'k JOIN unnest($2::bigint[]) AS w (span_rowid) ON w.span_rowid = k.span_rowid';

/**
 * Reverts a submission (SPEC §9) inside a transaction, or answers what it would do (`dryRun`, reading only),
 * planned and written set-based: the submission's keys are grouped span by span in SQL (a temporary table when
 * writing, each key's first and last change), the keys changed since are found by comparing `jsonb`, and each table
 * is written by one statement for all the spans put back. Only spans come back to JavaScript, never every change;
 * the rules per span are `planRevertSpans`'.
 */
export async function revertIn(
  sql: Sql,
  submissions: PostgresSubmissions,
  request: RevertRequest,
): Promise<RevertResponse | null> {
  let original = await submissions.row(sql, request.submissionId);
  if (!original) return null;
  let withKeys = `WITH k AS (${keysOf})`;
  if (!request.dryRun) {
    // Take the project's turn, then read the submission again as it stands (a revert may have just ended).
    await sql.query('SELECT id FROM projects WHERE id = $1 FOR UPDATE', [original.project_id]);
    original = await submissions.row(sql, request.submissionId);
    if (!original) return null;
  }
  checkNotReverted(original);
  const submissionId = original.id;
  if (!request.dryRun) {
    // NOTE: no span is locked one by one: every write of the project takes the project's turn first, held here.
    await sql.query(`CREATE TEMP TABLE revert_keys ON COMMIT DROP AS ${keysOf}`, [submissionId]);
    await sql.query('ANALYZE revert_keys');
    withKeys = 'WITH k AS (SELECT * FROM revert_keys WHERE submission_id = $1)';
  }
  const rows = await sql.query<{ span_rowid: number | null; span_id: string | null; first: number }>(
    `${withKeys}
     SELECT k.span_rowid, s.span_id, k.span_first AS first FROM k LEFT JOIN spans s ON s.id = k.span_rowid
     WHERE k.first_row = k.span_first
     UNION ALL
     SELECT NULL, span_id, min(id) FROM changes WHERE submission_id = $1 AND span_rowid IS NULL GROUP BY span_id
     ORDER BY first`,
    [submissionId],
  );
  // Per span, the first of its keys (in the order the submission changed them) that changed since.
  const conflicts = await sql.query<{ span_rowid: number; key: string; present: boolean; now: StoredValue }>(
    `${withKeys}
     SELECT DISTINCT ON (k.span_rowid) k.span_rowid, k.key, s.metadata ? k.key AS present, s.metadata -> k.key AS now
     FROM k JOIN spans s ON s.id = k.span_rowid
     WHERE CASE WHEN k.last_removed THEN s.metadata ? k.key
       ELSE NOT (s.metadata ? k.key) OR s.metadata -> k.key IS DISTINCT FROM coalesce(k.last_after, 'null'::jsonb) END
     ORDER BY k.span_rowid, k.first_row`,
    [submissionId],
  );
  const conflictOf = new Map(
    conflicts.map((row) => [
      row.span_rowid,
      { key: row.key, now: row.present ? (row.now ?? null) : undefined },
    ]),
  );
  const spans: RevertSpan[] = rows.map((row) => ({
    spanId: row.span_id ?? '',
    exists: row.span_rowid !== null && row.span_id !== null,
    conflict: row.span_rowid === null ? null : (conflictOf.get(row.span_rowid) ?? null),
  }));
  const plan = planRevertSpans(original.project, spans, request.arize?.decided ?? null);
  const writes = plan.writes.map((index) => rows[index]?.span_rowid ?? null);
  const keepKeys = request.arize !== undefined;
  const becomesNull = keepKeys
    ? await sql.query<{ span_id: string; key: string }>(
        `${withKeys}
         SELECT s.span_id, k.key FROM ${written} JOIN spans s ON s.id = k.span_rowid
         WHERE NOT k.first_existed ORDER BY k.span_first, k.first_row`,
        [submissionId, writes],
      )
    : [];
  if (request.dryRun) return revertDryRunResponse({ ...plan, becomesNull });
  const now = new Date().toISOString();
  const revertId = randomUUID();
  const response = await submissions.recordBatch(
    sql,
    revertBatchRecord(original, request.keyName, revertId, now),
    { ...plan, writes: [], spansUnchanged: 0 },
  );
  const revert = await submissions.row(sql, revertId);
  if (!revert) throw new Error(`The revert ${revertId} was not stored`);
  await sql.query(
    `${withKeys}
     INSERT INTO changes (submission_id, span_rowid, key, existed_before, before_value, after_value, removed)
     SELECT $3, k.span_rowid, k.key, NOT k.last_removed, CASE WHEN k.last_removed THEN NULL ELSE k.last_after END,
       CASE WHEN k.first_existed THEN k.first_before END, NOT (k.first_existed OR $4)
     FROM ${written}
     ORDER BY k.span_first, k.first_row`,
    [submissionId, writes, revert.id, keepKeys],
  );
  // Each span: the keys the submission added removed (or set to null, `keepKeys`), the others set back.
  await sql.query(
    `${withKeys}, p AS (
       SELECT k.span_rowid,
         coalesce(array_agg(k.key) FILTER (WHERE NOT (k.first_existed OR $3)), '{}') AS removed,
         coalesce(jsonb_object_agg(k.key, CASE WHEN k.first_existed THEN coalesce(k.first_before, 'null') ELSE 'null' END)
           FILTER (WHERE k.first_existed OR $3), '{}') AS patch
       FROM ${written} GROUP BY k.span_rowid
     )
     UPDATE spans s SET metadata = (s.metadata - p.removed) || p.patch, updated_at = $4
     FROM p WHERE s.id = p.span_rowid`,
    [submissionId, writes, keepKeys, now],
  );
  // Keys the revert removed hold on fewer spans; keys it put back (removed by the original) on more.
  await sql.query(
    `${withKeys}, d AS (
       SELECT k.key, count(*) FILTER (WHERE NOT (k.first_existed OR $3)) AS removed,
         count(*) FILTER (WHERE k.last_removed) AS restored
       FROM ${written} GROUP BY k.key
     )
     UPDATE fields SET span_count = greatest(0, fields.span_count - d.removed + d.restored)
     FROM d WHERE fields.project_id = $4 AND fields.key = d.key AND (d.removed > 0 OR d.restored > 0)`,
    [submissionId, writes, keepKeys, original.project_id],
  );
  await submissions.markReverted(sql, submissionId, revertId);
  return response;
}
