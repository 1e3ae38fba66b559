import type Database from 'better-sqlite3';
import type { RecordedChange } from '@/core/patch';

/** Change rows written by one multi-row INSERT: far fewer statement calls on the hot path. */
export const CHANGES_PER_INSERT = 100;
const CHANGE_COLUMNS = 7;

/** The multi-row INSERT of change rows `ChangeRows` runs. */
export const changesInsertSql = `INSERT INTO changes
  (submission_id, span_id, key, existed_before, before_value, after_value, removed)
  VALUES ${Array.from({ length: CHANGES_PER_INSERT }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`;

/**
 * Buffers a submission's change rows and writes them 100 per INSERT; `flush()` writes the rest one by one.
 */
export class ChangeRows {
  private params: unknown[] = [];

  constructor(
    private readonly insertMany: Database.Statement<unknown[]>,
    private readonly insertOne: Database.Statement<unknown[]>,
    private readonly submissionId: number | bigint,
  ) {}

  add(spanId: string, change: RecordedChange): void {
    const { params } = this;
    params.push(
      this.submissionId,
      spanId,
      change.key,
      change.existedBefore ? 1 : 0,
      change.before,
      change.after,
      change.removed ? 1 : 0,
    );
    if (params.length === CHANGES_PER_INSERT * CHANGE_COLUMNS) {
      this.insertMany.run(params);
      this.params = [];
    }
  }

  flush(): void {
    for (let offset = 0; offset < this.params.length; offset += CHANGE_COLUMNS) {
      this.insertOne.run(this.params.slice(offset, offset + CHANGE_COLUMNS));
    }
    this.params = [];
  }
}
