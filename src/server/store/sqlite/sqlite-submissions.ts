import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
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
  type ChangeColumns,
  checkSameSubmitter,
  checkStillOpen,
  type SubmissionRow,
  submissionColumns,
  toChange,
  toSubmission,
} from '@/server/store/submission-rows';
import { ChangeRows, changeInsertSql, changesInsertSql } from './change-rows';

interface ChangeRow extends ChangeColumns {
  existed_before: number;
  removed: number;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The history half of the SQLite store: submissions made of batches (SPEC §9), each batch's Idempotency-Key and
 * answer, every change and error, paged reads, and the bookkeeping of a revert. It runs inside the transactions
 * of `SqliteSpanStore`, on the same connection.
 */
export class SqliteSubmissions {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      batchByKey: db.prepare<[number, string, string], BatchRow>(
        `SELECT b.submission_id, s.public_id, b.request_digest, b.spans_processed, b.spans_updated,
           b.spans_unchanged, b.spans_failed, b.first_error
         FROM batches b JOIN submissions s ON s.id = b.submission_id
         WHERE b.project_id = ? AND b.key_scope = ? AND b.idempotency_key = ?`,
      ),
      errorsFrom: db.prepare<[number, number, number], SpanError>(
        `SELECT span_id, error_message FROM submission_errors
         WHERE submission_id = ? AND position >= ? ORDER BY position LIMIT ?`,
      ),
      byPublicId: db.prepare<[string], SubmissionRow>(
        `SELECT ${submissionColumns} FROM submissions s JOIN projects p ON p.id = s.project_id
         WHERE s.public_id = ?`,
      ),
      insertSubmission: db.prepare<
        [string, number, string, string | null, string, string, string | null, number | null]
      >(
        `INSERT INTO submissions (public_id, project_id, kind, label, created_at, finished_at, key_name, reverts,
           batches, spans_processed, spans_updated, spans_unchanged, spans_failed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0)`,
      ),
      addTotals: db.prepare<[number, number, number, number, string, string | null, number]>(
        `UPDATE submissions SET batches = batches + 1, spans_processed = spans_processed + ?,
           spans_updated = spans_updated + ?, spans_unchanged = spans_unchanged + ?,
           spans_failed = spans_failed + ?, finished_at = ?, label = ifnull(label, ?)
         WHERE id = ?`,
      ),
      insertBatch: db.prepare<
        [number, number, string, string | null, string | null, number, number, number, number, number]
      >(
        `INSERT INTO batches (submission_id, project_id, key_scope, idempotency_key, request_digest,
           spans_processed, spans_updated, spans_unchanged, spans_failed, first_error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertChange: db.prepare<unknown[]>(changeInsertSql),
      insertChanges: db.prepare<unknown[]>(changesInsertSql),
      insertError: db.prepare<[number, number, string, string]>(
        'INSERT INTO submission_errors (submission_id, position, span_id, error_message) VALUES (?, ?, ?, ?)',
      ),
      markReverted: db.prepare<[number, number]>('UPDATE submissions SET reverted_by = ? WHERE id = ?'),
    };
  }

  /**
   * The stored answer to an earlier batch with this Idempotency-Key from the same API key, or null. The same key
   * with another body throws `IdempotencyKeyReusedError`.
   */
  replay(record: BatchRecord): PatchResponse | null {
    const { idempotencyKey } = record;
    if (idempotencyKey === null) return null;
    const earlier = this.statements.batchByKey.get(
      record.projectId,
      record.keyName ?? '',
      idempotencyKey.key,
    );
    if (!earlier) return null;
    if (earlier.request_digest !== idempotencyKey.requestDigest) {
      throw new IdempotencyKeyReusedError(idempotencyKey.key);
    }
    return {
      spans_processed: earlier.spans_processed,
      spans_updated: earlier.spans_updated,
      spans_unchanged: earlier.spans_unchanged,
      spans_failed: earlier.spans_failed,
      errors: this.statements.errorsFrom.all(
        earlier.submission_id,
        earlier.first_error,
        earlier.spans_failed,
      ),
      submission_id: earlier.public_id,
    };
  }

  /**
   * Records one applied batch: finds or creates its submission (a submission ID of another project or API key, or of
   * a submission reverted since, is a `SubmissionConflictError`), adds the batch's totals, and stores its changes
   * and errors. Returns the answer.
   */
  recordBatch(record: BatchRecord, plan: Omit<SubmissionPlan, 'fields'>): PatchResponse {
    const { statements } = this;
    const submission = this.submissionFor(record);
    const firstError = submission.spans_failed;
    statements.insertBatch.run(
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
    );
    statements.addTotals.run(
      plan.spansProcessed,
      plan.spansUpdated,
      plan.spansUnchanged,
      plan.spansFailed,
      record.now,
      record.submission?.label ?? null,
      submission.id,
    );
    const changeRows = new ChangeRows(
      statements.insertChanges,
      statements.insertChange,
      submission.id,
      record.projectId,
    );
    for (const write of plan.writes) for (const change of write.changes) changeRows.add(write.spanId, change);
    changeRows.flush();
    plan.errors.forEach((error, index) => {
      statements.insertError.run(submission.id, firstError + index, error.span_id, error.error_message);
    });
    return {
      spans_processed: plan.spansProcessed,
      spans_updated: plan.spansUpdated,
      spans_unchanged: plan.spansUnchanged,
      spans_failed: plan.spansFailed,
      errors: plan.errors,
      submission_id: submission.public_id,
    };
  }

  /** Marks a submission as undone by a revert. */
  markReverted(submissionId: number, revertId: string): void {
    const revert = this.statements.byPublicId.get(revertId);
    if (revert) this.statements.markReverted.run(revert.id, submissionId);
  }

  /** A submission's row by public ID (with its internal ID and project), or undefined. */
  row(id: string): SubmissionRow | undefined {
    return this.statements.byPublicId.get(id);
  }

  get(id: string): Submission | null {
    const row = this.statements.byPublicId.get(id);
    return row ? toSubmission(row) : null;
  }

  list(query: SubmissionListQuery, projectId: number | null): SubmissionList {
    const conditions: string[] = [];
    const params: (string | number)[] = [];
    if (projectId !== null) {
      conditions.push('s.project_id = ?');
      params.push(projectId);
    }
    if (query.before !== null) {
      conditions.push('s.id < ?');
      params.push(query.before);
    }
    if (query.submitter !== undefined && query.submitter !== null) {
      conditions.push('s.key_name = ?');
      params.push(query.submitter);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = this.db
      .prepare<unknown[], SubmissionRow>(
        `SELECT ${submissionColumns} FROM submissions s JOIN projects p ON p.id = s.project_id
         ${where} ORDER BY s.id DESC LIMIT ?`,
      )
      .all(...params, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      submissions: page.map(toSubmission),
      next: rows.length > query.limit && last ? last.id : null,
    };
  }

  changesPage(id: string, query: SubmissionPageQuery): SubmissionPage<SubmissionChange> | null {
    return this.page<ChangeRow, SubmissionChange>(id, 'changes', query, toChange);
  }

  errorsPage(id: string, query: SubmissionPageQuery): SubmissionPage<SpanError> | null {
    return this.page<SpanError & { position: number }, SpanError>(
      id,
      'submission_errors',
      query,
      ({ span_id, error_message }) => ({ span_id, error_message }),
    );
  }

  /**
   * A page of a submission's changes or errors, in the order made, with the search matching the start of the span ID
   * or any part of the key (of a change) or the message (of an error); null when there is no such submission.
   */
  private page<Row extends object, T>(
    id: string,
    table: 'changes' | 'submission_errors',
    query: SubmissionPageQuery,
    convert: (row: Row) => T,
  ): SubmissionPage<T> | null {
    const submission = this.statements.byPublicId.get(id);
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
    const conditions = ['t.submission_id = ?'];
    const params: (string | number)[] = [submission.id];
    if (query.search !== null) {
      const escaped = escapeLike(query.search);
      conditions.push(`(${spanId} LIKE ? ESCAPE '\\' OR ${searched} LIKE ? ESCAPE '\\')`);
      params.push(`${escaped}%`, `%${escaped}%`);
    }
    const where = conditions.join(' AND ');
    const total = this.db
      .prepare<unknown[], number>(`SELECT count(*) FROM ${from} WHERE ${where}`)
      .pluck()
      .get(...params);
    const after = query.after === null ? '' : ` AND ${order} > ?`;
    const columns =
      table === 'changes'
        ? `${spanId} AS span_id, t.key, t.existed_before, t.before_value, t.after_value, t.removed`
        : 't.span_id, t.error_message';
    const rows = this.db
      .prepare<unknown[], Row & { cursor: number }>(
        `SELECT ${order} AS cursor, ${columns} FROM ${from} WHERE ${where}${after} ORDER BY ${order} LIMIT ?`,
      )
      .all(...params, ...(query.after === null ? [] : [query.after]), query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      rows: page.map(convert),
      total: total ?? 0,
      next: rows.length > query.limit && last ? last.cursor : null,
    };
  }

  private submissionFor(record: BatchRecord): SubmissionRow {
    const { statements } = this;
    const publicId = record.submission?.id ?? randomUUID();
    const existing = statements.byPublicId.get(publicId);
    if (existing) {
      checkSameSubmitter(existing, record, publicId);
      checkStillOpen(existing);
      return existing;
    }
    const reverts =
      record.reverts === undefined ? null : (statements.byPublicId.get(record.reverts)?.id ?? null);
    statements.insertSubmission.run(
      publicId,
      record.projectId,
      record.kind,
      record.submission?.label ?? null,
      record.now,
      record.now,
      record.keyName,
      reverts,
    );
    const created = statements.byPublicId.get(publicId);
    if (!created) throw new Error(`The submission ${publicId} was not stored`);
    return created;
  }
}
