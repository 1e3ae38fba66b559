import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { RevertResponse } from '@/core/api';
import type { StoredPatch, StoredValue } from '@/core/patch';
import {
  planRevertSpans,
  type RevertSpan,
  revertDryRunResponse,
  stillAsSubmitted,
} from '@/server/patch/plan-revert';
import type { RevertRequest } from '@/server/store/span-store';
import { checkNotReverted, revertBatchRecord } from '@/server/store/submission-rows';
import { parseMetadata } from './sqlite-rows';
import type { SqliteSubmissions } from './sqlite-submissions';

/**
 * Marks a value of the revert's patch that becomes null: in `json_patch` a null removes the key, so the patch holds
 * this text instead, replaced by null in the result. NOTE: a UUID per revert, so no value can hold it.
 */
const nullMarker = () => `spanpatch-null-${randomUUID()}`;

/**
 * A value written to JSON as JavaScript writes it: better-sqlite3 binds every number as a real, and SQLite writes a
 * whole real as `3.0` where JSON.stringify writes `3`.
 */
const asWritten = (column: string) =>
  `CASE WHEN typeof(${column}) = 'real' AND ${column} = CAST(${column} AS INTEGER) THEN CAST(${column} AS INTEGER)
   ELSE ${column} END`;

/** A key that may still hold what the submission left, as SQLite found it; JavaScript decides (`stillAsSubmitted`). */
interface KeyToCheck {
  span_rowid: number;
  key: string;
  first_row: number;
  removed: number;
  after_value: StoredValue;
  metadata: string;
}

/**
 * The revert of a submission on SQLite (SPEC §9), planned and written set-based: the submission's keys, span by
 * span, go into a temporary table (`revert_keys`: each key's first and last change), the keys that may have changed
 * since are checked, and then each table is written by one statement for all the spans put back (their metadata by
 * `json_patch`, `span_values`, the revert's changes, the type registry's counts). Only spans come back to
 * JavaScript, never every change. Runs inside the store's transaction.
 */
export class SqliteRevert {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly submissions: SqliteSubmissions,
  ) {
    db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS revert_keys (
        span_rowid INTEGER NOT NULL,
        key TEXT NOT NULL,
        first_row INTEGER NOT NULL,
        span_first INTEGER NOT NULL,
        first_existed INTEGER NOT NULL,
        first_before,
        last_removed INTEGER NOT NULL,
        last_after,
        PRIMARY KEY (span_rowid, key)
      ) WITHOUT ROWID;
      CREATE TEMP TABLE IF NOT EXISTS revert_writes (span_rowid INTEGER PRIMARY KEY);
    `);
    const written = 'temp.revert_keys k JOIN temp.revert_writes w ON w.span_rowid = k.span_rowid';
    this.statements = {
      clear: db.prepare('DELETE FROM temp.revert_keys'),
      clearWrites: db.prepare('DELETE FROM temp.revert_writes'),
      // Each key's first change (its row, whether the key existed before, its value before) and last (whether it
      // removed the key, its value after), and the first row of its span.
      fillKeys: db.prepare<[number]>(
        `INSERT INTO temp.revert_keys
           (span_rowid, key, first_row, span_first, first_existed, first_before, last_removed, last_after)
         SELECT span_rowid, key, first_row, span_first, first_existed, first_before, last_removed, last_after
         FROM (
           SELECT span_rowid, key, id AS first_row, min(id) OVER (PARTITION BY span_rowid) AS span_first,
             existed_before AS first_existed, before_value AS first_before,
             last_value(removed) OVER w AS last_removed, last_value(after_value) OVER w AS last_after,
             row_number() OVER w AS nth
           FROM changes WHERE submission_id = ? AND span_rowid IS NOT NULL
           WINDOW w AS (PARTITION BY span_rowid, key ORDER BY id
             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
         )
         WHERE nth = 1`,
      ),
      spans: db.prepare<[number], { span_rowid: number | null; span_id: string | null; first: number }>(
        `SELECT k.span_rowid, s.span_id, k.span_first AS first
         FROM temp.revert_keys k LEFT JOIN spans s ON s.id = k.span_rowid
         WHERE k.first_row = k.span_first
         UNION ALL
         SELECT NULL, span_id, min(id) FROM changes
         WHERE submission_id = ? AND span_rowid IS NULL GROUP BY span_id
         ORDER BY first`,
      ),
      // NOTE: what SQL can tell for sure holds what the submission left is let through here, from `span_values` (what
      // json_each reads from each span's metadata): a key still absent, a null, the same text, the same whole
      // number. Every other key goes to JavaScript, which compares exactly as JSON.parse reads the metadata (SQLite's
      // own reading of a decimal may differ from it in the last digit).
      keysToCheck: db.prepare<[], KeyToCheck>(
        `SELECT k.span_rowid, k.key, k.first_row, k.last_removed AS removed, k.last_after AS after_value, s.metadata
         FROM temp.revert_keys k JOIN spans s ON s.id = k.span_rowid
           LEFT JOIN span_values v ON v.span_rowid = k.span_rowid AND v.key = k.key
         WHERE NOT CASE
           WHEN k.last_removed THEN v.key IS NULL
           WHEN v.key IS NULL THEN 0
           WHEN k.last_after IS NULL THEN v.value IS NULL
           WHEN typeof(k.last_after) = 'text' THEN typeof(v.value) = 'text' AND v.value = k.last_after
           WHEN typeof(k.last_after) IN ('integer', 'real') THEN typeof(v.value) = 'integer'
             AND k.last_after = CAST(k.last_after AS INTEGER) AND v.value = k.last_after
           ELSE 0 END
         ORDER BY k.span_rowid, k.first_row`,
      ),
      addWrites: db.prepare<[string]>(
        'INSERT INTO temp.revert_writes (span_rowid) SELECT value FROM json_each(?)',
      ),
      becomesNull: db.prepare<[], { span_id: string; key: string }>(
        `SELECT s.span_id, k.key FROM ${written} JOIN spans s ON s.id = k.span_rowid
         WHERE NOT k.first_existed ORDER BY k.span_first, k.first_row`,
      ),
      insertChanges: db.prepare<[{ revert: number; keep: number }]>(
        `INSERT INTO changes (submission_id, span_rowid, key, existed_before, before_value, after_value, removed)
         SELECT @revert, k.span_rowid, k.key, NOT k.last_removed, CASE WHEN k.last_removed THEN NULL ELSE k.last_after END,
           CASE WHEN k.first_existed THEN k.first_before END, NOT (k.first_existed OR @keep)
         FROM ${written}
         ORDER BY k.span_first, k.first_row`,
      ),
      updateSpans: db.prepare<[{ marker: string; now: string; keep: number }]>(
        `UPDATE spans SET metadata = replace(json_patch(metadata, p.patch), json_quote(@marker), 'null'), updated_at = @now
         FROM (
           SELECT k.span_rowid, json_group_object(k.key,
               CASE WHEN k.first_existed THEN coalesce(${asWritten('k.first_before')}, @marker)
               WHEN @keep THEN @marker END
               ORDER BY k.first_row) AS patch
           FROM ${written} GROUP BY k.span_rowid
         ) p
         WHERE spans.id = p.span_rowid`,
      ),
      removeValues: db.prepare<[number]>(
        `DELETE FROM span_values WHERE (span_rowid, key) IN (
           SELECT k.span_rowid, k.key FROM ${written} WHERE NOT (k.first_existed OR ?))`,
      ),
      // NOTE: a key's row holds what json_each reads from the span's metadata, as the insert trigger's rows do.
      setValues: db.prepare<[{ project: number; keep: number }]>(
        `INSERT INTO span_values (span_rowid, project_id, key, value)
         SELECT k.span_rowid, @project, k.key, j.value
         FROM ${written} JOIN spans s ON s.id = k.span_rowid JOIN json_each(s.metadata) j ON j.key = k.key
         WHERE k.first_existed OR @keep
         ON CONFLICT (span_rowid, key) DO UPDATE SET value = excluded.value`,
      ),
      // Keys the revert removes hold on fewer spans; keys it puts back (the submission removed them) on more.
      removedKeys: db.prepare<[{ project: number; keep: number }]>(
        `UPDATE fields SET span_count = max(0, span_count - d.spans)
         FROM (SELECT k.key, count(*) AS spans FROM ${written} WHERE NOT (k.first_existed OR @keep) GROUP BY k.key) d
         WHERE fields.project_id = @project AND fields.key = d.key`,
      ),
      restoredKeys: db.prepare<[number]>(
        `UPDATE fields SET span_count = span_count + d.spans
         FROM (SELECT k.key, count(*) AS spans FROM ${written} WHERE k.last_removed GROUP BY k.key) d
         WHERE fields.project_id = ? AND fields.key = d.key`,
      ),
    };
  }

  /** Reverts a submission, or answers what it would do (`dryRun`); null when there is no such submission. */
  revert(request: RevertRequest): RevertResponse | null {
    const { statements } = this;
    const original = this.submissions.row(request.submissionId);
    if (!original) return null;
    checkNotReverted(original);
    const projectId = original.project_id;
    const keepKeys = request.arize !== undefined;
    statements.clear.run();
    statements.clearWrites.run();
    statements.fillKeys.run(original.id);
    const rows = statements.spans.all(original.id);
    const conflicts = this.conflicts();
    const spans: RevertSpan[] = rows.map((row) => ({
      spanId: row.span_id ?? '',
      exists: row.span_rowid !== null && row.span_id !== null,
      conflict: row.span_rowid === null ? null : (conflicts.get(row.span_rowid) ?? null),
    }));
    const plan = planRevertSpans(original.project, spans, request.arize?.decided ?? null);
    statements.addWrites.run(JSON.stringify(plan.writes.map((index) => rows[index]?.span_rowid)));
    const becomesNull = keepKeys ? statements.becomesNull.all() : [];
    if (request.dryRun) return revertDryRunResponse({ ...plan, becomesNull });
    const now = new Date().toISOString();
    const revertId = randomUUID();
    const response = this.submissions.recordBatch(
      revertBatchRecord(original, request.keyName, revertId, now),
      { ...plan, writes: [], spansUnchanged: 0 },
    );
    const revert = this.submissions.row(revertId);
    if (!revert) throw new Error(`The revert ${revertId} was not stored`);
    const keep = keepKeys ? 1 : 0;
    statements.insertChanges.run({ revert: revert.id, keep });
    statements.updateSpans.run({ marker: nullMarker(), now, keep });
    statements.removeValues.run(keep);
    statements.setValues.run({ project: projectId, keep });
    statements.removedKeys.run({ project: projectId, keep });
    statements.restoredKeys.run(projectId);
    this.submissions.markReverted(original.id, revertId);
    statements.clear.run();
    statements.clearWrites.run();
    return response;
  }

  /** Per span, the first of its keys (in the order the submission changed them) that changed since. */
  private conflicts(): Map<number, { key: string; now: StoredValue | undefined }> {
    const conflicts = new Map<number, { key: string; now: StoredValue | undefined }>();
    let parsedRowid = -1;
    let current: StoredPatch = {};
    for (const row of this.statements.keysToCheck.iterate()) {
      if (conflicts.has(row.span_rowid)) continue;
      if (parsedRowid !== row.span_rowid) {
        parsedRowid = row.span_rowid;
        current = parseMetadata(row.metadata);
      }
      const change = { key: row.key, after: row.after_value, removed: row.removed === 1, spanId: '' };
      if (stillAsSubmitted(current, { ...change, existedBefore: true, before: null })) continue;
      const now = Object.hasOwn(current, row.key) ? (current[row.key] ?? null) : undefined;
      conflicts.set(row.span_rowid, { key: row.key, now });
    }
    return conflicts;
  }
}
