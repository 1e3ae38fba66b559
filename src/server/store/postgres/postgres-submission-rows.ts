import type { ChangeColumns } from '@/server/store/submission-rows';

// The rows of the history tables as only the PostgreSQL store reads them; the shared ones are in submission-rows.

/** A change as the PostgreSQL store reads it. */
export interface ChangeRow extends ChangeColumns {
  id: number;
  existed_before: boolean;
  removed: boolean;
}

/** The columns of a `ChangeRow`. */
export const changeColumns = 'id, span_id, key, existed_before, before_value, after_value, removed';
