// The tables of people, sessions, personal keys and the audit (SPEC §16), one entry per version for each database.
// They have their own version (`access_schema_version`), apart from the spans' schema: servers without sign-in
// create them empty and never read them. Append new migrations; never edit a released one.

/** The SQLite tables. */
export const sqliteAccessMigrations: readonly string[] = [
  `
  CREATE TABLE people (
    subject TEXT PRIMARY KEY,
    name TEXT,
    email TEXT,
    role TEXT,
    last_sign_in_at TEXT NOT NULL
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    family TEXT NOT NULL,
    subject TEXT NOT NULL,
    name TEXT,
    email TEXT,
    role TEXT NOT NULL,
    signed_in_at TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    rotated_at TEXT
  );
  CREATE INDEX sessions_by_family ON sessions (family);
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);
  CREATE TABLE api_keys (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    owner_subject TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT
  );
  CREATE INDEX api_keys_by_owner ON api_keys (owner_subject, seq);
  CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    actor_kind TEXT,
    actor_name TEXT,
    actor_email TEXT,
    actor_subject TEXT,
    address TEXT,
    detail TEXT NOT NULL
  );
  CREATE INDEX audit_events_by_action ON audit_events (action, id);
  `,
  // Who sent each submission (SPEC §16), by its public ID: the person's name and email as at that time.
  `
  CREATE TABLE submission_authors (
    submission_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    subject TEXT
  );
  `,
];

/** The PostgreSQL tables: the same columns, times as ISO 8601 text as SQLite keeps them. */
export const postgresAccessMigrations: readonly string[] = [
  `
  CREATE TABLE people (
    subject text COLLATE "C" PRIMARY KEY,
    name text,
    email text,
    role text,
    last_sign_in_at text NOT NULL
  );
  CREATE TABLE sessions (
    token_hash text COLLATE "C" PRIMARY KEY,
    family text COLLATE "C" NOT NULL,
    subject text COLLATE "C" NOT NULL,
    name text,
    email text,
    role text NOT NULL,
    signed_in_at text COLLATE "C" NOT NULL,
    issued_at text COLLATE "C" NOT NULL,
    expires_at text COLLATE "C" NOT NULL,
    rotated_at text COLLATE "C"
  );
  CREATE INDEX sessions_by_family ON sessions (family);
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);
  CREATE TABLE api_keys (
    seq bigserial PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    secret_hash text COLLATE "C" NOT NULL,
    name text NOT NULL,
    role text NOT NULL,
    owner_subject text COLLATE "C" NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    expires_at text COLLATE "C",
    last_used_at text COLLATE "C",
    revoked_at text COLLATE "C"
  );
  CREATE INDEX api_keys_by_owner ON api_keys (owner_subject, seq);
  CREATE TABLE audit_events (
    id bigserial PRIMARY KEY,
    at text COLLATE "C" NOT NULL,
    action text COLLATE "C" NOT NULL,
    actor_kind text,
    actor_name text,
    actor_email text,
    actor_subject text COLLATE "C",
    address text,
    detail text NOT NULL
  );
  CREATE INDEX audit_events_by_action ON audit_events (action, id);
  `,
  `
  CREATE TABLE submission_authors (
    submission_id text COLLATE "C" PRIMARY KEY,
    kind text NOT NULL,
    name text NOT NULL,
    email text,
    subject text COLLATE "C"
  );
  `,
];
