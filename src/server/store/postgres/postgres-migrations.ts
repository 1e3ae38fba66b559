import { searchForm } from '@/core/text';
import type { Database, Sql } from './postgres-db';

/** One migration: SQL to run, or steps that need the code (text computed by a rule of src/core). */
type Migration = string | ((sql: Sql) => Promise<void>);

/** Spans per statement when a migration fills a new column. */
const FILL_BATCH = 5_000;

/**
 * Fills spans.search_name with each name's search form (src/core/text/search-text.ts), a batch of spans at a time in
 * ID order.
 */
async function fillSearchNames(sql: Sql): Promise<void> {
  for (let after = 0; ;) {
    const rows = await sql.query<{ id: number; name: string }>(
      'SELECT id, name FROM spans WHERE id > $1 ORDER BY id LIMIT $2',
      [after, FILL_BATCH],
    );
    const last = rows.at(-1);
    if (last === undefined) return;
    await sql.query(
      `UPDATE spans s SET search_name = u.search_name
       FROM unnest($1::bigint[], $2::text[]) AS u (id, search_name) WHERE s.id = u.id`,
      [rows.map((row) => row.id), rows.map((row) => searchForm(row.name))],
    );
    after = last.id;
  }
}

/**
 * The PostgreSQL schema, one entry per version: the SQLite schema's tables and columns (sqlite-migrations.ts),
 * typed for PostgreSQL. A database records the last version it ran in `schema_version`. Append new migrations;
 * never edit a released one.
 *
 * NOTE: IDs, names, keys and times are `text COLLATE "C"`: they sort and compare by code point, as SQLite's text
 * does, whatever the database's locale (the cursors and `lt`/`gt` filters depend on it). Times stay ISO 8601 text,
 * as SQLite keeps them, so both stores answer the very same strings.
 */
const migrations: readonly Migration[] = [
  `
  CREATE EXTENSION IF NOT EXISTS pg_trgm;

  CREATE TABLE projects (
    id bigserial PRIMARY KEY,
    name text COLLATE "C" NOT NULL,
    created_at text NOT NULL,
    span_count bigint NOT NULL DEFAULT 0
  );
  -- NOTE: unique by a hash of the name: a B-tree entry holds at most about 2,700 bytes, and a project's name (an
  -- OTLP service.name) has no limit. Lookups match the hash, then the name.
  CREATE UNIQUE INDEX projects_by_name ON projects (md5(name));

  CREATE TABLE spans (
    id bigserial PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects (id),
    span_id text COLLATE "C" NOT NULL,
    trace_id text COLLATE "C" NOT NULL,
    parent_span_id text COLLATE "C",
    name text COLLATE "C" NOT NULL,
    kind text COLLATE "C" NOT NULL,
    start_time text COLLATE "C" NOT NULL,
    end_time text COLLATE "C",
    metadata jsonb NOT NULL DEFAULT '{}',
    updated_at text COLLATE "C",
    UNIQUE (project_id, span_id)
  );
  -- Finding spans (SPEC §10): newest first, by trace, by parent, by part of the name (trigrams, so ILIKE
  -- '%part%' uses the index), and by metadata (GIN jsonb_ops answers eq with @> and exists with ?).
  CREATE INDEX spans_by_start_time ON spans (project_id, start_time, span_id);
  CREATE INDEX spans_by_trace ON spans (project_id, trace_id);
  CREATE INDEX spans_by_parent ON spans (project_id, parent_span_id);
  CREATE INDEX spans_by_name ON spans USING gin (name gin_trgm_ops);
  CREATE INDEX spans_by_metadata ON spans USING gin (metadata);

  -- The type registry: a key's type is set by its first non-null value (NULL while only null was stored).
  CREATE TABLE fields (
    project_id bigint NOT NULL REFERENCES projects (id),
    key text COLLATE "C" NOT NULL,
    type text CHECK (type IN ('Utf8', 'Int64', 'Float64')),
    span_count bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, key)
  );

  CREATE TABLE submissions (
    id bigserial PRIMARY KEY,
    public_id text COLLATE "C" NOT NULL UNIQUE,
    project_id bigint NOT NULL REFERENCES projects (id),
    kind text NOT NULL DEFAULT 'patch' CHECK (kind IN ('patch', 'revert')),
    label text,
    reverts bigint REFERENCES submissions (id),
    reverted_by bigint REFERENCES submissions (id),
    created_at text NOT NULL,
    finished_at text NOT NULL,
    key_name text,
    batches integer NOT NULL DEFAULT 0,
    spans_processed bigint NOT NULL DEFAULT 0,
    spans_updated bigint NOT NULL DEFAULT 0,
    spans_unchanged bigint NOT NULL DEFAULT 0,
    spans_failed bigint NOT NULL DEFAULT 0
  );
  CREATE INDEX submissions_by_project ON submissions (project_id, id);

  -- Each batch of a submission with its Idempotency-Key (scoped to the API key) and its own answer.
  CREATE TABLE batches (
    id bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES submissions (id),
    project_id bigint NOT NULL REFERENCES projects (id),
    key_scope text NOT NULL,
    idempotency_key text,
    request_digest text,
    spans_processed integer NOT NULL,
    spans_updated integer NOT NULL,
    spans_unchanged integer NOT NULL,
    spans_failed integer NOT NULL,
    -- Where this batch's errors start among its submission's (submission_errors.position).
    first_error bigint NOT NULL
  );
  CREATE UNIQUE INDEX batches_by_idempotency_key
    ON batches (project_id, key_scope, idempotency_key) WHERE idempotency_key IS NOT NULL;
  CREATE INDEX batches_by_submission ON batches (submission_id);

  -- Every applied change, in the order made (id). Values are jsonb: text stays text, numbers numbers.
  CREATE TABLE changes (
    id bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES submissions (id),
    span_id text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    existed_before boolean NOT NULL,
    before_value jsonb,
    after_value jsonb,
    removed boolean NOT NULL DEFAULT false
  );
  CREATE INDEX changes_by_submission ON changes (submission_id, id);
  CREATE INDEX changes_by_submission_span ON changes (submission_id, span_id);
  CREATE INDEX changes_by_span ON changes (span_id);

  CREATE TABLE submission_errors (
    submission_id bigint NOT NULL REFERENCES submissions (id),
    position bigint NOT NULL,
    span_id text NOT NULL,
    error_message text NOT NULL,
    PRIMARY KEY (submission_id, position)
  );
  `,
  // Name searches match the search form of the name (src/core/text/search-text.ts), the same rule as on SQLite: the
  // trigram index moves to that form.
  async (sql) => {
    await sql.query('ALTER TABLE spans ADD COLUMN search_name text COLLATE "C"');
    await fillSearchNames(sql);
    await sql.query(`
      ALTER TABLE spans ALTER COLUMN search_name SET NOT NULL;
      DROP INDEX spans_by_name;
      CREATE INDEX spans_by_name ON spans USING gin (search_name gin_trgm_ops);
    `);
  },
  // A span's input and output (OpenInference `input.value`, `output.value`) and its other attributes, kept from
  // ingest for its detail; the first line of its input beside them, for lists. The same columns as on SQLite.
  `
  ALTER TABLE spans ADD COLUMN input_value text;
  ALTER TABLE spans ADD COLUMN output_value text;
  ALTER TABLE spans ADD COLUMN input_preview text;
  ALTER TABLE spans ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';
  `,
  // History that stays small (issue 26), as on SQLite: a change names its span by the span's row (spans.id), not by
  // its text ID repeated in the row and in two indexes. Two indexes only, each holding a submission's (or a span's)
  // rows once with the list of them (B-tree deduplication): by submission, and by span; the index by ID and the one by
  // submission and span go (a page of a submission's changes sorts them by ID; a revert groups them itself). IDs
  // still come from their sequence, in the order the changes were made. Columns in an order that packs without padding. No foreign key to submissions: its check ran once per
  // change row (a trigger each), and the store writes a submission and its changes in one transaction.
  // NOTE: span_id is kept only for a change whose span no longer exists in its project (Spanpatch never removes a
  // span alone, so none should): NULL, and free, for every other.
  `
  CREATE TABLE changes_by_row (
    id bigint NOT NULL DEFAULT nextval('changes_id_seq'),
    span_rowid bigint,
    submission_id bigint NOT NULL,
    existed_before boolean NOT NULL,
    removed boolean NOT NULL DEFAULT false,
    key text COLLATE "C" NOT NULL,
    before_value jsonb,
    after_value jsonb,
    span_id text COLLATE "C"
  );
  INSERT INTO changes_by_row
      (id, span_rowid, submission_id, existed_before, removed, key, before_value, after_value, span_id)
    SELECT c.id, sp.id, c.submission_id, c.existed_before, c.removed, c.key, c.before_value, c.after_value,
      CASE WHEN sp.id IS NULL THEN c.span_id END
    FROM changes c
      LEFT JOIN submissions su ON su.id = c.submission_id
      LEFT JOIN spans sp ON sp.project_id = su.project_id AND sp.span_id = c.span_id
    ORDER BY c.id;
  ALTER SEQUENCE changes_id_seq OWNED BY changes_by_row.id;
  DROP TABLE changes;
  ALTER TABLE changes_by_row RENAME TO changes;
  CREATE INDEX changes_by_submission ON changes (submission_id);
  CREATE INDEX changes_by_span ON changes (span_rowid) WHERE span_rowid IS NOT NULL;
  `,
];

/** The schema version this code expects. */
export const SCHEMA_VERSION = migrations.length;

/**
 * The advisory lock that migrations hold: servers starting at once take turns, and each finds the schema as the
 * one before left it. NOTE: a constant of our own ("spanpatch" in ASCII), shared by every server of this app.
 */
export const MIGRATION_LOCK = 0x7370616e7061;

/**
 * Brings a database up to the current schema (or to `target`, for tests that make a database of an earlier schema) in
 * one transaction, under an advisory lock, so servers starting at
 * once never run a migration twice; refuses a database written by a newer version.
 */
export async function migrate(db: Database, target = SCHEMA_VERSION): Promise<void> {
  await db.transaction(async (sql) => {
    await sql.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await sql.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
    const current = await currentVersion(sql);
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `The database has schema version ${current}, newer than this server (${SCHEMA_VERSION}); upgrade Spanpatch`,
      );
    }
    for (let version = current + 1; version <= target; version++) {
      const migration = migrations[version - 1];
      if (migration === undefined) break;
      if (typeof migration === 'string') await sql.query(migration);
      else await migration(sql);
      await sql.query('UPDATE schema_version SET version = $1', [version]);
    }
  });
}

async function currentVersion(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ version: number }>('SELECT version FROM schema_version');
  if (row) return row.version;
  await sql.query('INSERT INTO schema_version (version) VALUES (0)');
  return 0;
}
