import type Database from 'better-sqlite3';
import type { RecordedChange } from '@/core/patch';

/** Change rows written by one multi-row INSERT: far fewer statement calls on the hot path. */
export const CHANGES_PER_INSERT = 100;
const CHANGE_COLUMNS = 8;

/** One change row's values: its span is found by project and span ID, and stored as the span's row. */
const changeValues = '(?, (SELECT id FROM spans WHERE project_id = ? AND span_id = ?), ?, ?, ?, ?, ?)';

const insertInto =
  'INSERT INTO changes (submission_id, span_rowid, key, existed_before, before_value, after_value, removed)';

/** The INSERT of one change row. */
export const changeInsertSql = `${insertInto} VALUES ${changeValues}`;

/** The multi-row INSERT of change rows `ChangeRows` runs. */
export const changesInsertSql = `${insertInto}
  VALUES ${Array.from({ length: CHANGES_PER_INSERT }, () => changeValues).join(', ')}`;

/**
 * Buffers a submission's change rows and writes them 100 per INSERT; `flush()` writes the rest one by one.
 */
export class ChangeRows {
  private params: unknown[] = [];

  constructor(
    private readonly insertMany: Database.Statement<unknown[]>,
    private readonly insertOne: Database.Statement<unknown[]>,
    private readonly submissionId: number | bigint,
    private readonly projectId: number,
  ) {}

  add(spanId: string, change: RecordedChange): void {
    const { params } = this;
    params.push(
      this.submissionId,
      this.projectId,
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
