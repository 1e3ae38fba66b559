import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { SubmissionChange } from '@/core/api';
import { openPostgresStore, openSqliteStore, type SpanStore, SubmissionConflictError } from '@/server/store';
import { Database as PostgresDatabase } from '@/server/store/postgres/postgres-db';
import {
  migrate as migratePostgres,
  SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION,
} from '@/server/store/postgres/postgres-migrations';
import {
  migrate as migrateSqlite,
  SCHEMA_VERSION as SQLITE_SCHEMA_VERSION,
} from '@/server/store/sqlite/sqlite-migrations';
import { createTestDatabase } from '../support/postgres-cluster';
import { testStore } from './test-server';

// History written before changes named their span by its row (issue 26, item 6): a database made by the schema
// before, holding a submission, another one and its revert, and a change whose span is gone; the store migrates it
// and reads every change as it was, and reverts it as it would have.

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const metadataA = '{"tier":"pro","score":7,"ratio":0.30000000000000004}';
const metadataB = '{"note":"y"}';
const metadataC = '{"tier":null}';

/** The changes as they were written, in order, by submission: [span, key, existed before, before, after, removed]. */
type OldChange = [string, string, boolean, string | number | null, string | number | null, boolean];
const oldChanges: Record<'patch' | 'other' | 'revert', OldChange[]> = {
  patch: [
    ['a1', 'tier', true, 'free', 'pro', false],
    ['a1', 'score', false, null, 7, false],
    ['b2', 'note', false, null, 'x', false],
    ['b2', 'note', true, 'x', 'y', false],
    ['a1', 'ratio', true, 0.5, 0.30000000000000004, false],
  ],
  other: [
    ['c3', 'tier', true, null, 'gold', false],
    ['c3', 'flag', false, null, 1, false],
    ['gone', 'k', false, null, 'v', false],
  ],
  revert: [
    ['c3', 'tier', true, 'gold', null, false],
    ['c3', 'flag', true, 1, null, true],
  ],
};

const asApi = ([span_id, key, existed_before, before, after, removed]: OldChange): SubmissionChange => ({
  span_id,
  key,
  existed_before,
  before,
  after,
  removed,
});

const sqlValue = (value: string | number | null) =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value}'`;
const jsonbValue = (value: string | number | null) =>
  value === null ? 'NULL' : `'${JSON.stringify(value)}'::jsonb`;

function oldRows(submissionIds: Record<keyof typeof oldChanges, number>, flag: (set: boolean) => string) {
  return (Object.keys(oldChanges) as (keyof typeof oldChanges)[]).flatMap((name) =>
    oldChanges[name].map(([span, key, existed, before, after, removed]) => ({
      submission: submissionIds[name],
      span,
      key,
      existed: flag(existed),
      before,
      after,
      removed: flag(removed),
    })),
  );
}

const submissionsSql = `
  INSERT INTO projects (id, name, created_at) VALUES (1, 'old', '2025-01-01T00:00:00.000Z');
  INSERT INTO submissions (id, public_id, project_id, kind, label, reverts, reverted_by, created_at, finished_at,
      key_name, batches, spans_processed, spans_updated, spans_unchanged, spans_failed)
    VALUES (1, 'sub-patch', 1, 'patch', 'sheet.csv', NULL, NULL, '2025-01-02T00:00:00.000Z', '2025-01-02T00:00:00.000Z',
        NULL, 1, 2, 2, 0, 0),
      (2, 'sub-other', 1, 'patch', NULL, NULL, NULL, '2025-01-03T00:00:00.000Z', '2025-01-03T00:00:00.000Z',
        'ana', 1, 2, 1, 0, 1),
      (3, 'sub-revert', 1, 'revert', 'Revert of sub-other', 2, NULL, '2025-01-04T00:00:00.000Z',
        '2025-01-04T00:00:00.000Z', 'ana', 1, 1, 1, 0, 0);
  UPDATE submissions SET reverted_by = 3 WHERE id = 2;
  INSERT INTO fields (project_id, key, type, span_count) VALUES (1, 'tier', 'Utf8', 2), (1, 'score', 'Int64', 1),
    (1, 'note', 'Utf8', 1), (1, 'ratio', 'Float64', 1), (1, 'flag', 'Int64', 0);`;

const spanColumns =
  'project_id, span_id, trace_id, parent_span_id, name, search_name, kind, start_time, metadata';
const spanRows = (json: (text: string) => string) => `
  (1, 'a1', 't1', NULL, 'a', 'a', 'LLM', '2025-01-01T00:00:01.000Z', ${json(metadataA)}),
  (1, 'b2', 't1', NULL, 'b', 'b', 'LLM', '2025-01-01T00:00:02.000Z', ${json(metadataB)}),
  (1, 'c3', 't1', NULL, 'c', 'c', 'LLM', '2025-01-01T00:00:03.000Z', ${json(metadataC)})`;

/** A SQLite file of the schema before, holding the old history; opened by the current store. */
async function oldSqlite(): Promise<SpanStore> {
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-history-migration-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'old.db');
  const db = new BetterSqlite(path);
  migrateSqlite(db, SQLITE_SCHEMA_VERSION - 1);
  expect(db.prepare('SELECT version FROM schema_version').pluck().get()).toBe(SQLITE_SCHEMA_VERSION - 1);
  const rows = oldRows({ patch: 1, other: 2, revert: 3 }, (set) => (set ? '1' : '0'));
  db.exec(`
    ${submissionsSql}
    INSERT INTO spans (${spanColumns}) VALUES ${spanRows((text) => `'${text}'`)};
    INSERT INTO changes (submission_id, span_id, key, existed_before, before_value, after_value, removed) VALUES
      ${rows.map((row) => `(${row.submission}, '${row.span}', '${row.key}', ${row.existed}, ${sqlValue(row.before)}, ${sqlValue(row.after)}, ${row.removed})`).join(',\n')};
  `);
  db.close();
  const store = openSqliteStore(path);
  cleanups.unshift(() => store.close());
  return store;
}

/** A PostgreSQL database of the schema before, holding the old history; opened by the current store. */
async function oldPostgres(): Promise<SpanStore> {
  const url = await createTestDatabase();
  const db = new PostgresDatabase(url, { purpose: 'test', max: 1, connectionTimeoutMs: 10_000 }, () => {});
  try {
    await migratePostgres(db, POSTGRES_SCHEMA_VERSION - 1);
    const [version] = await db.query<{ version: number }>('SELECT version FROM schema_version');
    expect(version?.version).toBe(POSTGRES_SCHEMA_VERSION - 1);
    const rows = oldRows({ patch: 1, other: 2, revert: 3 }, (set) => (set ? 'true' : 'false'));
    await db.query(`
      ${submissionsSql}
      INSERT INTO spans (${spanColumns}) VALUES ${spanRows((text) => `'${text}'::jsonb`)};
      INSERT INTO changes (submission_id, span_id, key, existed_before, before_value, after_value, removed) VALUES
        ${rows.map((row) => `(${row.submission}, '${row.span}', '${row.key}', ${row.existed}, ${jsonbValue(row.before)}, ${jsonbValue(row.after)}, ${row.removed})`).join(',\n')};
      SELECT setval('projects_id_seq', 1), setval('submissions_id_seq', 3);
    `);
  } finally {
    await db.close();
  }
  const store = await openPostgresStore(url);
  cleanups.unshift(() => store.close());
  return store;
}

async function changesOf(store: SpanStore, id: string, search: string | null = null) {
  const page = await store.listSubmissionChanges(id, { search, after: null, limit: 100 });
  return page?.rows;
}

describe(`history written by the schema before, on ${testStore() === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('reads every change as it was, by submission, by span and by search, after the migration', async () => {
    const store = testStore() === 'postgres' ? await oldPostgres() : await oldSqlite();
    expect(await changesOf(store, 'sub-patch')).toEqual(oldChanges.patch.map(asApi));
    expect(await changesOf(store, 'sub-other')).toEqual(oldChanges.other.map(asApi));
    expect(await changesOf(store, 'sub-revert')).toEqual(oldChanges.revert.map(asApi));
    expect(await changesOf(store, 'sub-patch', 'b2')).toEqual(oldChanges.patch.slice(2, 4).map(asApi));
    expect(await changesOf(store, 'sub-patch', 'sco')).toEqual(oldChanges.patch.slice(1, 2).map(asApi));
    expect(await changesOf(store, 'sub-other', 'gone')).toEqual(oldChanges.other.slice(2, 3).map(asApi));
    const detail = await store.getSpan('old', 'c3');
    expect(
      detail?.changes.map(({ submission_id, key, existed_before, before, after, removed }) => [
        submission_id,
        key,
        existed_before,
        before,
        after,
        removed,
      ]),
    ).toEqual([
      ['sub-other', 'tier', true, null, 'gold', false],
      ['sub-other', 'flag', false, null, 1, false],
      ['sub-revert', 'tier', true, 'gold', null, false],
      ['sub-revert', 'flag', true, 1, null, true],
    ]);
    expect((await store.getSubmission('sub-other'))?.reverted_by).toBe('sub-revert');
  });

  it('reverts a submission of the old history as before, and refuses to revert one reverted already', async () => {
    const store = testStore() === 'postgres' ? await oldPostgres() : await oldSqlite();
    const dryRun = await store.revertSubmission({ submissionId: 'sub-patch', dryRun: true, keyName: null });
    expect(dryRun).toMatchObject({ spans_processed: 2, spans_updated: 2, spans_failed: 0, errors: [] });
    const revert = await store.revertSubmission({ submissionId: 'sub-patch', dryRun: false, keyName: 'bo' });
    expect(revert).toMatchObject({ spans_processed: 2, spans_updated: 2, spans_failed: 0, errors: [] });
    const lookup = await store.lookupSpans('old', ['a1', 'b2', 'c3']);
    expect(lookup.spans.map((span) => span.metadata)).toEqual([
      { tier: 'free', ratio: 0.5 },
      {},
      { tier: null },
    ]);
    expect(await changesOf(store, revert?.submission_id ?? '')).toEqual([
      { span_id: 'a1', key: 'tier', existed_before: true, before: 'pro', after: 'free', removed: false },
      { span_id: 'a1', key: 'score', existed_before: true, before: 7, after: null, removed: true },
      {
        span_id: 'a1',
        key: 'ratio',
        existed_before: true,
        before: 0.30000000000000004,
        after: 0.5,
        removed: false,
      },
      { span_id: 'b2', key: 'note', existed_before: true, before: 'y', after: null, removed: true },
    ]);
    expect(
      Object.fromEntries((await store.getFields('old')).map((field) => [field.key, field.spans])),
    ).toEqual({
      tier: 2,
      score: 0,
      note: 0,
      ratio: 1,
      flag: 0,
    });
    await expect(
      store.revertSubmission({ submissionId: 'sub-other', dryRun: false, keyName: null }),
    ).rejects.toBeInstanceOf(SubmissionConflictError);
    await expect(
      store.revertSubmission({ submissionId: 'sub-patch', dryRun: false, keyName: null }),
    ).rejects.toBeInstanceOf(SubmissionConflictError);
  });
});
