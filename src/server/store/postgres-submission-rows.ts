import type { Submission, SubmissionChange } from '@/core/api-schema';
import type { StoredValue } from '@/core/stored-form';

// The rows of the history tables as the PostgreSQL store reads them, and as the API shows them.

/** A submission as the PostgreSQL store reads it, with its internal ID and project. */
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

/** A change as the PostgreSQL store reads it. */
export interface ChangeRow {
  id: number;
  span_id: string;
  key: string;
  existed_before: boolean;
  before_value: StoredValue;
  after_value: StoredValue;
  removed: boolean;
}

/** The columns of a `SubmissionRow`, on `submissions s` joined with `projects p`. */
export const submissionColumns = `s.id, s.public_id, p.name AS project, s.project_id, s.kind, s.label,
  (SELECT r.public_id FROM submissions r WHERE r.id = s.reverts) AS reverts,
  (SELECT r.public_id FROM submissions r WHERE r.id = s.reverted_by) AS reverted_by,
  s.created_at, s.finished_at, s.key_name, s.batches,
  s.spans_processed, s.spans_updated, s.spans_unchanged, s.spans_failed`;

/** The columns of a `ChangeRow`. */
export const changeColumns = 'id, span_id, key, existed_before, before_value, after_value, removed';

/** A change row as the API shows it. */
export function toChange(row: ChangeRow): SubmissionChange {
  return {
    span_id: row.span_id,
    key: row.key,
    existed_before: row.existed_before,
    before: row.before_value,
    after: row.after_value,
    removed: row.removed,
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
