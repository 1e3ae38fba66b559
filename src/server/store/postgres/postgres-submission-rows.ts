import type { ChangeColumns } from '@/server/store/submission-rows';

// The rows of the history tables as only the PostgreSQL store reads them; the shared ones are in submission-rows.

/** A change as the PostgreSQL store reads it. */
export interface ChangeRow extends ChangeColumns {
  existed_before: boolean;
  removed: boolean;
}
