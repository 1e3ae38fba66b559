import Database from 'better-sqlite3';
import type { AuditAction, AuditEvent, Author, Person, Role } from '@/core/api';
import {
  type AuditRow,
  auditColumns,
  type AuthorRow,
  authorsByRow,
  authorValues,
  type KeyRow,
  keyColumns,
  keyTables,
  newAuditColumns,
  newAuditValues,
  newKeyColumns,
  newKeyValues,
  pageOf,
  type SessionRow,
  sessionColumns,
  sessionValues,
  submissionAuthorColumns,
  toAuditEvent,
  toKeyRecord,
  toSessionRecord,
  touchedSince,
} from '@/server/store/access-rows';
import { sqliteAccessMigrations } from '@/server/store/access-schema';
import {
  type AccessPage,
  type AccessPageQuery,
  type AccessStore,
  KEY_TOUCH_INTERVAL_MS,
  type KeyRecord,
  type NewAuditEvent,
  type NewKey,
  type SessionRecord,
} from '@/server/store/access-store';
import { storeUnavailable } from './sqlite-failure';

const BUSY_TIMEOUT_MS = 5_000;

/** Brings the tables of people up to date in a SQLite database (their own version, apart from the spans'). */
function migrateAccess(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS access_schema_version (version INTEGER NOT NULL)');
  const row = db.prepare<[], { version: number }>('SELECT version FROM access_schema_version').get();
  if (!row) db.prepare('INSERT INTO access_schema_version (version) VALUES (0)').run();
  const current = row?.version ?? 0;
  if (current > sqliteAccessMigrations.length) {
    throw new Error(
      `The database's tables of people have version ${current}, newer than this server (${sqliteAccessMigrations.length}); upgrade Spanpatch`,
    );
  }
  for (let version = current + 1; version <= sqliteAccessMigrations.length; version++) {
    const sql = sqliteAccessMigrations[version - 1];
    if (sql === undefined) break;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('UPDATE access_schema_version SET version = ?').run(version);
    })();
  }
}

/**
 * Opens the tables of people (SPEC §16) in the SQLite database of the spans, on a connection of their own on the
 * server's thread. NOTE: each statement is small (a row by its key); the spans' writes run on their own thread
 * and SQLite's busy timeout lets the two take turns.
 */
export function openSqliteAccessStore(path: string): AccessStore {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    migrateAccess(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteAccessStore(db, path);
}

type KeyPageRow = KeyRow & { position: number };
type AuditPageRow = AuditRow & { position: number };

class SqliteAccessStore implements AccessStore {
  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {}

  /** Runs one statement or transaction; a failure of the storage becomes a `StoreUnavailableError`. */
  private run<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(storeUnavailable(error, this.path) ?? error);
    }
  }

  createSession(session: SessionRecord): Promise<void> {
    return this.run(() => {
      this.db
        .prepare(`INSERT INTO sessions (${sessionColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(...sessionValues(session));
    });
  }

  findSession(tokenHash: string, now: string): Promise<SessionRecord | null> {
    return this.run(() => {
      const row = this.db
        .prepare<[string, string], SessionRow>(
          `SELECT ${sessionColumns} FROM sessions WHERE token_hash = ? AND expires_at > ?`,
        )
        .get(tokenHash, now);
      return row ? toSessionRecord(row) : null;
    });
  }

  rotateSession(oldTokenHash: string, graceUntil: string, successor: SessionRecord): Promise<boolean> {
    return this.run(() =>
      this.db.transaction(() => {
        const changed = this.db
          .prepare(
            `UPDATE sessions SET rotated_at = ?, expires_at = MIN(expires_at, ?)
             WHERE token_hash = ? AND rotated_at IS NULL`,
          )
          .run(successor.issuedAt, graceUntil, oldTokenHash).changes;
        if (changed !== 1) return false;
        this.db
          .prepare(`INSERT INTO sessions (${sessionColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(...sessionValues(successor));
        return true;
      })(),
    );
  }

  endSession(tokenHash: string): Promise<void> {
    return this.run(() => {
      this.db
        .prepare('DELETE FROM sessions WHERE family = (SELECT family FROM sessions WHERE token_hash = ?)')
        .run(tokenHash);
    });
  }

  recordSignIn(
    person: Person,
    role: Role | null,
    now: string,
  ): Promise<{ previousRole: Role | null | undefined }> {
    return this.run(() =>
      this.db.transaction(() => {
        const before = this.db
          .prepare<[string], { role: Role | null }>('SELECT role FROM people WHERE subject = ?')
          .get(person.subject);
        this.db
          .prepare(
            `INSERT INTO people (subject, name, email, role, last_sign_in_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (subject) DO UPDATE SET name = excluded.name, email = excluded.email,
               role = excluded.role, last_sign_in_at = excluded.last_sign_in_at`,
          )
          .run(person.subject, person.name, person.email, role, now);
        this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
        return { previousRole: before === undefined ? undefined : before.role };
      })(),
    );
  }

  createKey(key: NewKey): Promise<void> {
    return this.run(() => {
      this.db
        .prepare(`INSERT INTO api_keys (${newKeyColumns}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(...newKeyValues(key));
    });
  }

  findKey(id: string): Promise<KeyRecord | null> {
    return this.run(() => {
      const row = this.db
        .prepare<[string], KeyRow>(`SELECT ${keyColumns} FROM ${keyTables} WHERE k.id = ?`)
        .get(id);
      return row ? toKeyRecord(row) : null;
    });
  }

  listKeys(owner: string | null, page: AccessPageQuery): Promise<AccessPage<KeyRecord>> {
    return this.run(() => {
      const rows = this.db
        .prepare<[string | null, string | null, number | null, number | null, number], KeyPageRow>(
          `SELECT ${keyColumns}, k.seq AS position FROM ${keyTables}
           WHERE (? IS NULL OR k.owner_subject = ?) AND (? IS NULL OR k.seq < ?)
           ORDER BY k.seq DESC LIMIT ?`,
        )
        .all(owner, owner, page.before, page.before, page.limit + 1);
      return pageOf(rows, page.limit, toKeyRecord);
    });
  }

  revokeKey(id: string, now: string): Promise<KeyRecord | null> {
    return this.run(() => {
      this.db.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(now, id);
      const row = this.db
        .prepare<[string], KeyRow>(`SELECT ${keyColumns} FROM ${keyTables} WHERE k.id = ?`)
        .get(id);
      return row ? toKeyRecord(row) : null;
    });
  }

  touchKey(id: string, now: string): Promise<void> {
    return this.run(() => {
      this.db
        .prepare(
          'UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
        )
        .run(now, id, touchedSince(now, KEY_TOUCH_INTERVAL_MS));
    });
  }

  recordAudit(event: NewAuditEvent): Promise<void> {
    return this.run(() => {
      this.db
        .prepare(`INSERT INTO audit_events (${newAuditColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(...newAuditValues(event));
    });
  }

  listAudit(action: AuditAction | null, page: AccessPageQuery): Promise<AccessPage<AuditEvent>> {
    return this.run(() => {
      const rows = this.db
        .prepare<[string | null, string | null, number | null, number | null, number], AuditPageRow>(
          `SELECT ${auditColumns}, id AS position FROM audit_events
           WHERE (? IS NULL OR action = ?) AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?`,
        )
        .all(action, action, page.before, page.before, page.limit + 1);
      return pageOf(rows, page.limit, toAuditEvent);
    });
  }

  recordAuthor(submissionId: string, author: Author): Promise<void> {
    return this.run(() => {
      if (author === null) return;
      this.db
        .prepare(
          `INSERT INTO submission_authors (${submissionAuthorColumns}) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (submission_id) DO NOTHING`,
        )
        .run(submissionId, ...authorValues(author));
    });
  }

  authorsOf(submissionIds: readonly string[]): Promise<Map<string, Author>> {
    return this.run(() => {
      if (submissionIds.length === 0) return new Map<string, Author>();
      const rows = this.db
        .prepare<string[], AuthorRow>(
          `SELECT ${submissionAuthorColumns} FROM submission_authors
           WHERE submission_id IN (${submissionIds.map(() => '?').join(', ')})`,
        )
        .all(...submissionIds);
      return authorsByRow(rows);
    });
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
