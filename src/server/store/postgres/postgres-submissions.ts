import { randomUUID } from 'node:crypto';
import type { PatchResponse, SpanError, Submission, SubmissionChange } from '@/core/api';
import type { SubmissionPlan } from '@/server/patch/plan-submission';
import { IdempotencyKeyReusedError } from '@/server/store/idempotency-key-reused-error';
import type {
  SubmissionList,
  SubmissionListQuery,
  SubmissionPage,
  SubmissionPageQuery,
} from '@/server/store/span-store';
import {
  type BatchRecord,
  type BatchRow,
  checkSameSubmitter,
  checkStillOpen,
  type SubmissionRow,
  submissionColumns,
  toChange,
  toSubmission,
} from '@/server/store/submission-rows';
import { queryOne, type Sql } from './postgres-db';
import type { ChangeRow } from './postgres-submission-rows';
import { jsonParam } from './postgres-text';

const byPublicId = `SELECT ${submissionColumns} FROM submissions s JOIN projects p ON p.id = s.project_id
  WHERE s.public_id = $1`;

/** LIKE's wildcards and its escape character, taken literally. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The history half of the PostgreSQL store: submissions made of batches (SPEC §9), each batch's Idempotency-Key
 * and answer, every change and error, paged reads, and the bookkeeping of a revert. The writes run inside the
 * transactions of `PostgresSpanStore` (given their connection), one statement per table per batch.
 */
export class PostgresSubmissions {
  /**
   * The stored answer to an earlier batch with this Idempotency-Key from the same API key, or null. The same key
   * with another body throws `IdempotencyKeyReusedError`.
   */
  async replay(sql: Sql, record: BatchRecord): Promise<PatchResponse | null> {
    const { idempotencyKey } = record;
    if (idempotencyKey === null) return null;
    const earlier = await queryOne<BatchRow>(
      sql,
      `SELECT b.submission_id, s.public_id, b.request_digest, b.spans_processed, b.spans_updated,
         b.spans_unchanged, b.spans_failed, b.first_error
       FROM batches b JOIN submissions s ON s.id = b.submission_id
       WHERE b.project_id = $1 AND b.key_scope = $2 AND b.idempotency_key = $3`,
      [record.projectId, record.keyName ?? '', idempotencyKey.key],
    );
    if (!earlier) return null;
    if (earlier.request_digest !== idempotencyKey.requestDigest) {
      throw new IdempotencyKeyReusedError(idempotencyKey.key);
    }
    const errors = await sql.query<SpanError>(
      `SELECT span_id, error_message FROM submission_errors
       WHERE submission_id = $1 AND position >= $2 ORDER BY position LIMIT $3`,
      [earlier.submission_id, earlier.first_error, earlier.spans_failed],
    );
    return {
      spans_processed: earlier.spans_processed,
      spans_updated: earlier.spans_updated,
      spans_unchanged: earlier.spans_unchanged,
      spans_failed: earlier.spans_failed,
      errors,
      submission_id: earlier.public_id,
    };
  }

  /**
   * Records one applied batch: finds or creates its submission (a submission ID of another project or API key, or of
   * a submission reverted since, is a `SubmissionConflictError`), adds the batch's totals, and stores its changes
   * and errors. Returns the answer.
   */
  async recordBatch(
    sql: Sql,
    record: BatchRecord,
    plan: Omit<SubmissionPlan, 'fields'>,
  ): Promise<PatchResponse> {
    const submission = await this.submissionFor(sql, record);
    // NOTE: the submission's row is locked until the transaction ends, so its totals (and where this batch's
    // errors start) cannot interleave with a batch of the same submission on another server.
    const [totals] = await sql.query<{ first_error: number }>(
      `UPDATE submissions SET batches = batches + 1, spans_processed = spans_processed + $1,
         spans_updated = spans_updated + $2, spans_unchanged = spans_unchanged + $3,
         spans_failed = spans_failed + $4, finished_at = $5, label = coalesce(label, $6)
       WHERE id = $7
       RETURNING spans_failed - $4 AS first_error`,
      [
        plan.spansProcessed,
        plan.spansUpdated,
        plan.spansUnchanged,
        plan.spansFailed,
        record.now,
        record.submission?.label ?? null,
        submission.id,
      ],
    );
    const firstError = totals?.first_error ?? submission.spans_failed;
    await sql.query(
      `INSERT INTO batches (submission_id, project_id, key_scope, idempotency_key, request_digest,
         spans_processed, spans_updated, spans_unchanged, spans_failed, first_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        submission.id,
        record.projectId,
        record.keyName ?? '',
        record.idempotencyKey?.key ?? null,
        record.idempotencyKey?.requestDigest ?? null,
        plan.spansProcessed,
        plan.spansUpdated,
        plan.spansUnchanged,
        plan.spansFailed,
        firstError,
      ],
    );
    await this.insertChanges(sql, submission.id, record.projectId, plan);
    if (plan.errors.length > 0) {
      await sql.query(
        `INSERT INTO submission_errors (submission_id, position, span_id, error_message)
         SELECT $1, $2 + e.ordinality - 1, e.span_id, e.error_message
         FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS e (span_id, error_message, ordinality)`,
        [
          submission.id,
          firstError,
          plan.errors.map((error) => error.span_id),
          plan.errors.map((error) => error.error_message),
        ],
      );
    }
    return {
      spans_processed: plan.spansProcessed,
      spans_updated: plan.spansUpdated,
      spans_unchanged: plan.spansUnchanged,
      spans_failed: plan.spansFailed,
      errors: plan.errors,
      submission_id: submission.public_id,
    };
  }

  /** Every change of a batch, in the order made, by one INSERT. */
  private async insertChanges(
    sql: Sql,
    submissionId: number,
    projectId: number,
    plan: Omit<SubmissionPlan, 'fields'>,
  ): Promise<void> {
    const spanIds: string[] = [];
    const keys: string[] = [];
    const existedBefore: boolean[] = [];
    const before: unknown[] = [];
    const after: unknown[] = [];
    const removed: boolean[] = [];
    for (const write of plan.writes) {
      for (const change of write.changes) {
        spanIds.push(write.spanId);
        keys.push(change.key);
        existedBefore.push(change.existedBefore);
        before.push(jsonParam(change.before));
        after.push(jsonParam(change.after));
        removed.push(change.removed === true);
      }
    }
    if (spanIds.length === 0) return;
    await sql.query(
      `INSERT INTO changes
         (submission_id, span_rowid, key, existed_before, before_value, after_value, removed, span_id)
       SELECT $1, s.id, c.key, c.existed_before, c.before_value, c.after_value, c.removed,
         CASE WHEN s.id IS NULL THEN c.span_id END
       FROM unnest($2::text[], $3::text[], $4::boolean[], $5::jsonb[], $6::jsonb[], $7::boolean[])
         WITH ORDINALITY AS c (span_id, key, existed_before, before_value, after_value, removed, ordinality)
         LEFT JOIN spans s ON s.project_id = $8 AND s.span_id = c.span_id
       ORDER BY c.ordinality`,
      [submissionId, spanIds, keys, existedBefore, before, after, removed, projectId],
    );
  }

  /** Marks a submission as undone by a revert. */
  async markReverted(sql: Sql, submissionId: number, revertId: string): Promise<void> {
    await sql.query(
      'UPDATE submissions SET reverted_by = (SELECT id FROM submissions WHERE public_id = $1) WHERE id = $2',
      [revertId, submissionId],
    );
  }

  /** A submission's row by public ID (with its internal ID and project), or undefined. */
  row(sql: Sql, id: string): Promise<SubmissionRow | undefined> {
    return queryOne<SubmissionRow>(sql, byPublicId, [id]);
  }

  async get(sql: Sql, id: string): Promise<Submission | null> {
    const row = await this.row(sql, id);
    return row ? toSubmission(row) : null;
  }

  async list(sql: Sql, query: SubmissionListQuery, projectId: number | null): Promise<SubmissionList> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (projectId !== null) {
      params.push(projectId);
      conditions.push(`s.project_id = $${params.length}`);
    }
    if (query.before !== null) {
      params.push(query.before);
      conditions.push(`s.id < $${params.length}`);
    }
    if (query.submitter !== undefined && query.submitter !== null) {
      params.push(query.submitter);
      conditions.push(`s.key_name = $${params.length}`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    params.push(query.limit + 1);
    const rows = await sql.query<SubmissionRow>(
      `SELECT ${submissionColumns} FROM submissions s JOIN projects p ON p.id = s.project_id
       ${where} ORDER BY s.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      submissions: page.map(toSubmission),
      next: rows.length > query.limit && last ? last.id : null,
    };
  }

  changesPage(
    sql: Sql,
    id: string,
    query: SubmissionPageQuery,
  ): Promise<SubmissionPage<SubmissionChange> | null> {
    return this.page<ChangeRow, SubmissionChange>(sql, id, 'changes', query, toChange);
  }

  errorsPage(sql: Sql, id: string, query: SubmissionPageQuery): Promise<SubmissionPage<SpanError> | null> {
    return this.page<SpanError & { position: number }, SpanError>(
      sql,
      id,
      'submission_errors',
      query,
      ({ span_id, error_message }) => ({ span_id, error_message }),
    );
  }

  /**
   * A page of a submission's changes or errors, in the order made, with the search matching the start of the span ID
   * or any part of the key (of a change) or the message (of an error), ignoring case; null when there is no such
   * submission.
   */
  private async page<Row extends object, T>(
    sql: Sql,
    id: string,
    table: 'changes' | 'submission_errors',
    query: SubmissionPageQuery,
    convert: (row: Row) => T,
  ): Promise<SubmissionPage<T> | null> {
    const submission = await queryOne<{ id: number }>(
      sql,
      'SELECT id FROM submissions WHERE public_id = $1',
      [id],
    );
    if (!submission) return null;
    // NOTE: a change names its span by the span's row (or by its ID, when the span is gone: see the migrations).
    const { from, spanId, searched, order } =
      table === 'changes'
        ? {
            from: 'changes t LEFT JOIN spans sp ON sp.id = t.span_rowid',
            spanId: 'coalesce(sp.span_id, t.span_id)',
            searched: 't.key',
            order: 't.id',
          }
        : {
            from: 'submission_errors t',
            spanId: 't.span_id',
            searched: 't.error_message',
            order: 't.position',
          };
    const conditions = ['t.submission_id = $1'];
    const params: unknown[] = [submission.id];
    if (query.search !== null) {
      const escaped = escapeLike(query.search);
      params.push(`${escaped}%`, `%${escaped}%`);
      conditions.push(`(${spanId} ILIKE $2 OR ${searched} ILIKE $3)`);
    }
    const where = conditions.join(' AND ');
    const [counted] = await sql.query<{ total: number }>(
      `SELECT count(*) AS total FROM ${from} WHERE ${where}`,
      params,
    );
    const pageParams = [...params];
    let after = '';
    if (query.after !== null) {
      pageParams.push(query.after);
      after = ` AND ${order} > $${pageParams.length}`;
    }
    pageParams.push(query.limit + 1);
    const columns =
      table === 'changes'
        ? `${spanId} AS span_id, t.key, t.existed_before, t.before_value, t.after_value, t.removed`
        : 't.span_id, t.error_message';
    const rows = await sql.query<Row & { cursor: number }>(
      `SELECT ${order} AS cursor, ${columns} FROM ${from} WHERE ${where}${after}
       ORDER BY ${order} LIMIT $${pageParams.length}`,
      pageParams,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      rows: page.map(convert),
      total: counted?.total ?? 0,
      next: rows.length > query.limit && last ? last.cursor : null,
    };
  }

  /** The submission a batch belongs to, created when new, locked until the transaction ends. */
  private async submissionFor(sql: Sql, record: BatchRecord): Promise<SubmissionRow> {
    const publicId = record.submission?.id ?? randomUUID();
    const existing = await queryOne<SubmissionRow>(sql, `${byPublicId} FOR UPDATE OF s`, [publicId]);
    if (existing) {
      checkSameSubmitter(existing, record, publicId);
      checkStillOpen(existing);
      return existing;
    }
    // NOTE: another server may insert the same ID meanwhile: the unique violation rolls this transaction back,
    // and the store runs it once more, finding that submission.
    await sql.query(
      `INSERT INTO submissions (public_id, project_id, kind, label, created_at, finished_at, key_name, reverts)
       VALUES ($1, $2, $3, $4, $5, $5, $6, (SELECT id FROM submissions WHERE public_id = $7))`,
      [
        publicId,
        record.projectId,
        record.kind,
        record.submission?.label ?? null,
        record.now,
        record.keyName,
        record.reverts ?? null,
      ],
    );
    const created = await queryOne<SubmissionRow>(sql, byPublicId, [publicId]);
    if (!created) throw new Error(`The submission ${publicId} was not stored`);
    return created;
  }
}
