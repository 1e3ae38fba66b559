import type { SpanDetail, Submission, SubmissionChange, SubmissionRef } from '@/core/api';
import type { StoredValue } from '@/core/patch';
import { SubmissionConflictError } from './submission-conflict-error';

// The rows of the history tables as both stores read them (the same columns on SQLite and PostgreSQL), and as the
// API shows them.

/** A submission as a store reads it, with its internal ID and project. */
export interface SubmissionRow {
  id: number;
  public_id: string;
  project: string;
  project_id: number;
  kind: 'patch' | 'revert';
  label: string | null;
  reverts: string | null;
  reverted_by: string | null;
  created_at: string;
  finished_at: string;
  key_name: string | null;
  batches: number;
  spans_processed: number;
  spans_updated: number;
  spans_unchanged: number;
  spans_failed: number;
}

/** The columns of a `SubmissionRow`, on `submissions s` joined with `projects p` (the same SQL in both stores). */
export const submissionColumns = `s.id, s.public_id, p.name AS project, s.project_id, s.kind, s.label,
  (SELECT r.public_id FROM submissions r WHERE r.id = s.reverts) AS reverts,
  (SELECT r.public_id FROM submissions r WHERE r.id = s.reverted_by) AS reverted_by,
  s.created_at, s.finished_at, s.key_name, s.batches,
  s.spans_processed, s.spans_updated, s.spans_unchanged, s.spans_failed`;

/** A yes/no column as a store reads it: a boolean on PostgreSQL, 0 or 1 on SQLite. */
export type FlagColumn = boolean | number;

/** The values of a change as a store reads them from `changes`. */
export interface ChangeValues {
  key: string;
  existed_before: FlagColumn;
  before_value: StoredValue;
  after_value: StoredValue;
  removed: FlagColumn;
}

/** A change with its span, as a store reads it from `changes`. */
export interface ChangeColumns extends ChangeValues {
  span_id: string;
}

/** A change of a span with its submission, as a store reads it for the span's detail. */
export interface SpanChangeRow extends ChangeValues {
  submission_id: string;
  submission_label: string | null;
  submission_kind: 'patch' | 'revert';
  at: string;
}

/** True when a yes/no column is set. */
const isSet = (flag: FlagColumn): boolean => flag === true || flag === 1;

/** A change row as the API shows it. */
export function toChange(row: ChangeColumns): SubmissionChange {
  return {
    span_id: row.span_id,
    key: row.key,
    existed_before: isSet(row.existed_before),
    before: row.before_value,
    after: row.after_value,
    removed: isSet(row.removed),
  };
}

/** A change of a span, with its submission, as the span's detail shows it. */
export function toSpanChange(row: SpanChangeRow): SpanDetail['changes'][number] {
  return {
    submission_id: row.submission_id,
    submission_label: row.submission_label,
    submission_kind: row.submission_kind,
    at: row.at,
    key: row.key,
    existed_before: isSet(row.existed_before),
    before: row.before_value,
    after: row.after_value,
    removed: isSet(row.removed),
  };
}

/** A submission row as the API shows it. */
export function toSubmission(row: SubmissionRow): Submission {
  return {
    id: row.public_id,
    project: row.project,
    kind: row.kind,
    label: row.label,
    reverts: row.reverts,
    reverted_by: row.reverted_by,
    created_at: row.created_at,
    finished_at: row.finished_at,
    key_name: row.key_name,
    batches: row.batches,
    spans_processed: row.spans_processed,
    spans_updated: row.spans_updated,
    spans_unchanged: row.spans_unchanged,
    spans_failed: row.spans_failed,
  };
}

/** What one batch of a submission is, as a store's `recordBatch` stores it. */
export interface BatchRecord {
  projectId: number;
  keyName: string | null;
  idempotencyKey: { key: string; requestDigest: string } | null;
  submission: SubmissionRef | null;
  kind: 'patch' | 'revert';
  /** The public ID of the submission a revert undoes. */
  reverts?: string;
  now: string;
}

/** A stored batch as a store reads it to answer its Idempotency-Key again. */
export interface BatchRow {
  submission_id: number;
  public_id: string;
  request_digest: string | null;
  spans_processed: number;
  spans_updated: number;
  spans_unchanged: number;
  spans_failed: number;
  first_error: number;
}

/**
 * Throws `SubmissionConflictError` when a batch names an existing submission of another project, API key or kind.
 */
export function checkSameSubmitter(existing: SubmissionRow, record: BatchRecord, publicId: string): void {
  if (
    existing.project_id !== record.projectId ||
    (existing.key_name ?? '') !== (record.keyName ?? '') ||
    existing.kind !== record.kind
  ) {
    throw new SubmissionConflictError(
      'submission_id_taken',
      `The submission ID '${publicId}' belongs to another project, API key or kind of submission; start a new submission with a new ID`,
    );
  }
}

/**
 * Throws `SubmissionConflictError` (`submission_reverted`) when a batch names a submission that was reverted: a
 * revert stops a submission still sending, so nothing can join it after the revert and escape being undone. A store
 * calls it in the transaction that writes the batch, holding what the revert's own transaction holds.
 */
export function checkStillOpen(existing: SubmissionRow): void {
  if (existing.reverted_by !== null) {
    throw new SubmissionConflictError(
      'submission_reverted',
      `The submission '${existing.public_id}' was reverted (by '${existing.reverted_by}') while it was still sending, so this batch was refused and nothing of it was applied. Submit again to apply these spans as a new submission.`,
    );
  }
}

/** Throws `SubmissionConflictError` when a submission to revert was reverted already. */
export function checkNotReverted(original: SubmissionRow): void {
  if (original.reverted_by !== null) {
    throw new SubmissionConflictError(
      'already_reverted',
      `The submission '${original.public_id}' was reverted already, by '${original.reverted_by}'`,
    );
  }
}

/** The one batch of the revert (with the public ID `revertId`) of a submission. */
export function revertBatchRecord(
  original: SubmissionRow,
  keyName: string | null,
  revertId: string,
  now: string,
): BatchRecord {
  return {
    projectId: original.project_id,
    keyName,
    idempotencyKey: null,
    submission: { id: revertId, label: `Revert of ${original.label ?? original.public_id}` },
    kind: 'revert',
    reverts: original.public_id,
    now,
  };
}
