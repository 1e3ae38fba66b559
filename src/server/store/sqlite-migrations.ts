import type Database from 'better-sqlite3';

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
];

/** The schema version this code expects. */
export const SCHEMA_VERSION = migrations.length;

/** Brings a database up to the current schema; refuses a database written by a newer version. */
export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare<[], { version: number }>('SELECT version FROM schema_version').get();
  if (!row) db.prepare('INSERT INTO schema_version (version) VALUES (0)').run();
  const current = row?.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `The database has schema version ${current}, newer than this server (${SCHEMA_VERSION}); upgrade Spanpatch`,
    );
  }
  for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
    const sql = migrations[version - 1];
    if (sql === undefined) break;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('UPDATE schema_version SET version = ?').run(version);
    })();
  }
}
