import type Database from 'better-sqlite3';
import { searchForm } from '@/core/text';

/**
 * The search form of a text (src/core/text/search-text.ts) as a SQL function, for the migration that fills it in.
 * NOTE: registered on the connection by `migrate`, and used by migrations only: the schema itself (triggers,
 * indexes) never calls it, so any SQLite client can still write the file.
 */
const SEARCH_FORM_FUNCTION = 'spanpatch_search_form';

/**
 * The SQLite schema, one entry per version. A database records the last version it ran in `schema_version`;
 * each migration runs once, in its own transaction. Append new migrations; never edit a released one.
 */
const migrations: readonly string[] = [
  `
  CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  );

  CREATE TABLE spans (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    span_id TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    parent_span_id TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT,
    UNIQUE (project_id, span_id)
  );
  CREATE INDEX spans_by_start_time ON spans (project_id, start_time, span_id);

  -- The type registry: a key's type is set by its first non-null value (NULL while only null was stored).
  -- span_count is how many spans hold the key; keys are never removed from a span, so it only grows.
  CREATE TABLE fields (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    key TEXT NOT NULL,
    type TEXT CHECK (type IN ('Utf8', 'Int64', 'Float64')),
    span_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, key)
  ) WITHOUT ROWID;

  CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    created_at TEXT NOT NULL,
    key_name TEXT,
    idempotency_key TEXT,
    spans_processed INTEGER NOT NULL,
    spans_updated INTEGER NOT NULL,
    spans_failed INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX submissions_by_idempotency_key
    ON submissions (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
  CREATE INDEX submissions_by_project ON submissions (project_id, id);

  -- Every applied change. NOTE: before_value and after_value are declared without a type on purpose: no type
  -- affinity, so text stays text and numbers stay numbers ('007' is not turned into 7).
  CREATE TABLE changes (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    span_id TEXT NOT NULL,
    key TEXT NOT NULL,
    existed_before INTEGER NOT NULL,
    before_value,
    after_value
  );
  CREATE INDEX changes_by_submission ON changes (submission_id);

  CREATE TABLE submission_errors (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    position INTEGER NOT NULL,
    span_id TEXT NOT NULL,
    error_message TEXT NOT NULL,
    PRIMARY KEY (submission_id, position)
  ) WITHOUT ROWID;
  `,
  // Idempotency keys are scoped to the API key that sent them, and remember the body they answered, so the same
  // key with another body is refused instead of silently replaying the first answer.
  `
  ALTER TABLE submissions ADD COLUMN request_digest TEXT;
  DROP INDEX submissions_by_idempotency_key;
  CREATE UNIQUE INDEX submissions_by_idempotency_key
    ON submissions (project_id, ifnull(key_name, ''), idempotency_key) WHERE idempotency_key IS NOT NULL;
  `,
  // A submission is everything one Submit sent, over all its batches (SPEC §9): batches carry the client's
  // submission ID and are kept apart, each with its Idempotency-Key and its own answer. Submissions gain a kind,
  // a label, revert links, an end, and the spans already up to date; a change may remove a key (a revert).
  `
  ALTER TABLE submissions ADD COLUMN kind TEXT NOT NULL DEFAULT 'patch' CHECK (kind IN ('patch', 'revert'));
  ALTER TABLE submissions ADD COLUMN label TEXT;
  ALTER TABLE submissions ADD COLUMN reverts INTEGER REFERENCES submissions(id);
  ALTER TABLE submissions ADD COLUMN reverted_by INTEGER REFERENCES submissions(id);
  ALTER TABLE submissions ADD COLUMN finished_at TEXT;
  ALTER TABLE submissions ADD COLUMN spans_unchanged INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE submissions ADD COLUMN batches INTEGER NOT NULL DEFAULT 1;
  UPDATE submissions SET finished_at = created_at;

  CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    key_scope TEXT NOT NULL,
    idempotency_key TEXT,
    request_digest TEXT,
    spans_processed INTEGER NOT NULL,
    spans_updated INTEGER NOT NULL,
    spans_unchanged INTEGER NOT NULL,
    spans_failed INTEGER NOT NULL,
    -- Where this batch's errors start among its submission's (submission_errors.position).
    first_error INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX batches_by_idempotency_key
    ON batches (project_id, key_scope, idempotency_key) WHERE idempotency_key IS NOT NULL;
  CREATE INDEX batches_by_submission ON batches (submission_id);
  INSERT INTO batches (submission_id, project_id, key_scope, idempotency_key, request_digest,
      spans_processed, spans_updated, spans_unchanged, spans_failed, first_error)
    SELECT id, project_id, ifnull(key_name, ''), idempotency_key, request_digest,
      spans_processed, spans_updated, 0, spans_failed, 0
    FROM submissions;
  DROP INDEX submissions_by_idempotency_key;
  ALTER TABLE submissions DROP COLUMN idempotency_key;
  ALTER TABLE submissions DROP COLUMN request_digest;

  ALTER TABLE changes ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX changes_by_submission_span ON changes (submission_id, span_id);
  `,
  // Finding spans (SPEC §10): lookups by trace and parent through indexes, names through a trigram full-text
  // index (substrings of 3 characters or more), metadata conditions through one row per span and key, kept by
  // triggers whatever writes the metadata; every change of a span through its ID; a span count per project, kept
  // by ingest rather than counted per call.
  `
  CREATE INDEX spans_by_trace ON spans (project_id, trace_id);
  CREATE INDEX spans_by_parent ON spans (project_id, parent_span_id);
  CREATE INDEX changes_by_span ON changes (span_id);

  CREATE VIRTUAL TABLE span_names USING fts5 (name, content = 'spans', content_rowid = 'id', tokenize = 'trigram');
  INSERT INTO span_names (span_names) VALUES ('rebuild');
  CREATE TRIGGER span_names_insert AFTER INSERT ON spans BEGIN
    INSERT INTO span_names (rowid, name) VALUES (new.id, new.name);
  END;
  CREATE TRIGGER span_names_delete AFTER DELETE ON spans BEGIN
    INSERT INTO span_names (span_names, rowid, name) VALUES ('delete', old.id, old.name);
  END;

  -- NOTE: value is declared without a type on purpose: no affinity, so text stays text and numbers numbers.
  CREATE TABLE span_values (
    span_rowid INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    value,
    PRIMARY KEY (span_rowid, key)
  ) WITHOUT ROWID;
  CREATE INDEX span_values_by_key ON span_values (project_id, key, value);
  INSERT INTO span_values (span_rowid, project_id, key, value)
    SELECT s.id, s.project_id, j.key, j.value FROM spans s, json_each(s.metadata) j;
  CREATE TRIGGER span_values_insert AFTER INSERT ON spans BEGIN
    INSERT INTO span_values (span_rowid, project_id, key, value)
      SELECT new.id, new.project_id, j.key, j.value FROM json_each(new.metadata) j;
  END;
  CREATE TRIGGER span_values_update AFTER UPDATE OF metadata ON spans BEGIN
    DELETE FROM span_values WHERE span_rowid = new.id;
    INSERT INTO span_values (span_rowid, project_id, key, value)
      SELECT new.id, new.project_id, j.key, j.value FROM json_each(new.metadata) j;
  END;
  CREATE TRIGGER span_values_delete AFTER DELETE ON spans BEGIN
    DELETE FROM span_values WHERE span_rowid = old.id;
  END;

  ALTER TABLE projects ADD COLUMN span_count INTEGER NOT NULL DEFAULT 0;
  UPDATE projects SET span_count = (SELECT count(*) FROM spans s WHERE s.project_id = projects.id);
  `,
  // A metadata write touches only the keys it changes in span_values: the store writes those rows itself, key by
  // key, from the changes it records (SqliteSpanStore.writeSpan). The trigger dropped here deleted and inserted
  // every key of the span on each write, so a 2-key patch cost 4 times more on spans holding 22 keys. Spans
  // inserted or deleted keep their triggers.
  `
  DROP TRIGGER span_values_update;
  `,
  // Name searches match the search form of the name (src/core/text/search-text.ts), the same rule as on PostgreSQL:
  // the writer stores that form beside the name, and the full-text index moves to it, matching it exactly.
  `
  ALTER TABLE spans ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
  UPDATE spans SET search_name = ${SEARCH_FORM_FUNCTION}(name);
  DROP TRIGGER span_names_insert;
  DROP TRIGGER span_names_delete;
  DROP TABLE span_names;
  CREATE VIRTUAL TABLE span_names USING fts5 (
    search_name, content = 'spans', content_rowid = 'id', tokenize = 'trigram case_sensitive 1'
  );
  INSERT INTO span_names (span_names) VALUES ('rebuild');
  CREATE TRIGGER span_names_insert AFTER INSERT ON spans BEGIN
    INSERT INTO span_names (rowid, search_name) VALUES (new.id, new.search_name);
  END;
  CREATE TRIGGER span_names_delete AFTER DELETE ON spans BEGIN
    INSERT INTO span_names (span_names, rowid, search_name) VALUES ('delete', old.id, old.search_name);
  END;
  `,
  // A span's trace (its detail) in start-time order from one index: with only (project_id, trace_id), SQLite chose
  // to walk the start-time index to skip the sort, 668 ms at a million spans. This one serves both the filter and
  // the order, and replaces the one before.
  `
  CREATE INDEX spans_by_trace_time ON spans (project_id, trace_id, start_time, span_id);
  DROP INDEX spans_by_trace;
  `,
  // A span's input and output (OpenInference `input.value`, `output.value`) and its other attributes, kept from
  // ingest for its detail; the first line of its input beside them, for lists.
  `
  ALTER TABLE spans ADD COLUMN input_value TEXT;
  ALTER TABLE spans ADD COLUMN output_value TEXT;
  ALTER TABLE spans ADD COLUMN input_preview TEXT;
  ALTER TABLE spans ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
  `,
  // History that stays small (issue 26): a change names its span by the span's row (spans.id), not by its text ID
  // repeated in the row and in two indexes; the index by submission and span goes (a revert groups a submission's
  // changes itself). The ID of a change is declared, so it stays what it was (a VACUUM may renumber a bare rowid).
  // NOTE: span_id is kept only for a change whose span no longer exists in its project (Spanpatch never removes a
  // span alone, so none should): NULL, and free, for every other.
  `
  CREATE TABLE changes_by_row (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    span_rowid INTEGER,
    key TEXT NOT NULL,
    existed_before INTEGER NOT NULL,
    before_value,
    after_value,
    removed INTEGER NOT NULL DEFAULT 0,
    span_id TEXT
  );
  INSERT INTO changes_by_row
      (id, submission_id, span_rowid, key, existed_before, before_value, after_value, removed, span_id)
    SELECT c.rowid, c.submission_id, sp.id, c.key, c.existed_before, c.before_value, c.after_value, c.removed,
      CASE WHEN sp.id IS NULL THEN c.span_id END
    FROM changes c
      LEFT JOIN submissions su ON su.id = c.submission_id
      LEFT JOIN spans sp ON sp.project_id = su.project_id AND sp.span_id = c.span_id
    ORDER BY c.rowid;
  DROP TABLE changes;
  ALTER TABLE changes_by_row RENAME TO changes;
  CREATE INDEX changes_by_submission ON changes (submission_id);
  CREATE INDEX changes_by_span ON changes (span_rowid) WHERE span_rowid IS NOT NULL;
  `,
];

/** The schema version this code expects. */
export const SCHEMA_VERSION = migrations.length;

/** The schema version a database is at, as `migrate` left it: 0 for one no Spanpatch has migrated yet. */
export function readSchemaVersion(db: Database.Database): number {
  const table = db
    .prepare<[], 1>("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
    .pluck()
    .get();
  if (table === undefined) return 0;
  return db.prepare<[], number>('SELECT version FROM schema_version').pluck().get() ?? 0;
}

/**
 * Brings a database up to the current schema (or to `version`, for tests that make a file of an earlier schema);
 * refuses a database written by a newer version.
 */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): void {
  db.function(SEARCH_FORM_FUNCTION, { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? searchForm(text) : text,
  );
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare<[], { version: number }>('SELECT version FROM schema_version').get();
  if (!row) db.prepare('INSERT INTO schema_version (version) VALUES (0)').run();
  const current = row?.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `The database has schema version ${current}, newer than this server (${SCHEMA_VERSION}); upgrade Spanpatch`,
    );
  }
  for (let version = current + 1; version <= target; version++) {
    const sql = migrations[version - 1];
    if (sql === undefined) break;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('UPDATE schema_version SET version = ?').run(version);
    })();
  }
}
