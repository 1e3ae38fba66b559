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
import { postgresAccessMigrations } from '@/server/store/access-schema';
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
import { Database, queryOne, type Sql } from './postgres-db';
import { databaseLabel, postgresOpenError, postgresUnavailable } from './postgres-failure';

/** The advisory lock the migrations of the tables of people hold ("people" in ASCII), apart from the spans'. */
const ACCESS_MIGRATION_LOCK = 0x70656f706c65;

async function migrateAccess(db: Database): Promise<void> {
  await db.transaction(async (sql) => {
    await sql.query('SELECT pg_advisory_xact_lock($1)', [ACCESS_MIGRATION_LOCK]);
    await sql.query('CREATE TABLE IF NOT EXISTS access_schema_version (version integer NOT NULL)');
    const row = await queryOne<{ version: number }>(sql, 'SELECT version FROM access_schema_version');
    if (!row) await sql.query('INSERT INTO access_schema_version (version) VALUES (0)');
    const current = row?.version ?? 0;
    if (current > postgresAccessMigrations.length) {
      throw new Error(
        `The database's tables of people have version ${current}, newer than this server (${postgresAccessMigrations.length}); upgrade Spanpatch`,
      );
    }
    for (let version = current + 1; version <= postgresAccessMigrations.length; version++) {
      const migration = postgresAccessMigrations[version - 1];
      if (migration === undefined) break;
      await sql.query(migration);
      await sql.query('UPDATE access_schema_version SET version = $1', [version]);
    }
  });
}

/**
 * Opens the tables of people (SPEC §16) in the PostgreSQL database of the spans, with a small pool of its own;
 * several servers on one database share sessions, keys and the audit.
 */
export async function openPostgresAccessStore(url: string): Promise<AccessStore> {
  const label = databaseLabel(url);
  const db = new Database(url, { purpose: 'people', max: 4, connectionTimeoutMs: 30_000 }, () => undefined);
  try {
    await migrateAccess(db);
  } catch (error) {
    await db.close();
    throw postgresOpenError(error, label);
  }
  return new PostgresAccessStore(db, label);
}

type KeyPageRow = KeyRow & { position: number };
type AuditPageRow = AuditRow & { position: number };

const insertSession = `INSERT INTO sessions (${sessionColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

class PostgresAccessStore implements AccessStore {
  constructor(
    private readonly db: Database,
    private readonly label: string,
  ) {}

  /** Runs `work`; a failure of PostgreSQL becomes a `StoreUnavailableError`. */
  private async run<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    try {
      return await work(this.db);
    } catch (error) {
      throw postgresUnavailable(error, this.label) ?? error;
    }
  }

  private async inTransaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.run(() => this.db.transaction(work));
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.run((sql) => sql.query(insertSession, sessionValues(session)));
  }

  async findSession(tokenHash: string, now: string): Promise<SessionRecord | null> {
    const row = await this.run((sql) =>
      queryOne<SessionRow>(
        sql,
        `SELECT ${sessionColumns} FROM sessions WHERE token_hash = $1 AND expires_at > $2`,
        [tokenHash, now],
      ),
    );
    return row ? toSessionRecord(row) : null;
  }

  async rotateSession(oldTokenHash: string, graceUntil: string, successor: SessionRecord): Promise<boolean> {
    return this.inTransaction(async (sql) => {
      const changed = await sql.query<{ token_hash: string }>(
        `UPDATE sessions SET rotated_at = $1, expires_at = LEAST(expires_at, $2)
         WHERE token_hash = $3 AND rotated_at IS NULL RETURNING token_hash`,
        [successor.issuedAt, graceUntil, oldTokenHash],
      );
      if (changed.length !== 1) return false;
      await sql.query(insertSession, sessionValues(successor));
      return true;
    });
  }

  async endSession(tokenHash: string): Promise<void> {
    await this.run((sql) =>
      sql.query('DELETE FROM sessions WHERE family = (SELECT family FROM sessions WHERE token_hash = $1)', [
        tokenHash,
      ]),
    );
  }

  async recordSignIn(
    person: Person,
    role: Role | null,
    now: string,
  ): Promise<{ previousRole: Role | null | undefined }> {
    return this.inTransaction(async (sql) => {
      const before = await queryOne<{ role: Role | null }>(
        sql,
        'SELECT role FROM people WHERE subject = $1 FOR UPDATE',
        [person.subject],
      );
      await sql.query(
        `INSERT INTO people (subject, name, email, role, last_sign_in_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (subject) DO UPDATE SET name = excluded.name, email = excluded.email,
           role = excluded.role, last_sign_in_at = excluded.last_sign_in_at`,
        [person.subject, person.name, person.email, role, now],
      );
      await sql.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
      return { previousRole: before === undefined ? undefined : before.role };
    });
  }

  async createKey(key: NewKey): Promise<void> {
    await this.run((sql) =>
      sql.query(
        `INSERT INTO api_keys (${newKeyColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        newKeyValues(key),
      ),
    );
  }

  async findKey(id: string): Promise<KeyRecord | null> {
    const row = await this.run((sql) =>
      queryOne<KeyRow>(sql, `SELECT ${keyColumns} FROM ${keyTables} WHERE k.id = $1`, [id]),
    );
    return row ? toKeyRecord(row) : null;
  }

  async listKeys(owner: string | null, page: AccessPageQuery): Promise<AccessPage<KeyRecord>> {
    const rows = await this.run((sql) =>
      sql.query<KeyPageRow>(
        `SELECT ${keyColumns}, k.seq AS position FROM ${keyTables}
         WHERE ($1::text IS NULL OR k.owner_subject = $1) AND ($2::bigint IS NULL OR k.seq < $2)
         ORDER BY k.seq DESC LIMIT $3`,
        [owner, page.before, page.limit + 1],
      ),
    );
    return pageOf(rows, page.limit, toKeyRecord);
  }

  async revokeKey(id: string, now: string): Promise<KeyRecord | null> {
    return this.inTransaction(async (sql) => {
      await sql.query('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2', [now, id]);
      const row = await queryOne<KeyRow>(sql, `SELECT ${keyColumns} FROM ${keyTables} WHERE k.id = $1`, [id]);
      return row ? toKeyRecord(row) : null;
    });
  }

  async touchKey(id: string, now: string): Promise<void> {
    await this.run((sql) =>
      sql.query(
        'UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)',
        [now, id, touchedSince(now, KEY_TOUCH_INTERVAL_MS)],
      ),
    );
  }

  async recordAudit(event: NewAuditEvent): Promise<void> {
    await this.run((sql) =>
      sql.query(
        `INSERT INTO audit_events (${newAuditColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        newAuditValues(event),
      ),
    );
  }

  async listAudit(action: AuditAction | null, page: AccessPageQuery): Promise<AccessPage<AuditEvent>> {
    const rows = await this.run((sql) =>
      sql.query<AuditPageRow>(
        `SELECT ${auditColumns}, id AS position FROM audit_events
         WHERE ($1::text IS NULL OR action = $1) AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
        [action, page.before, page.limit + 1],
      ),
    );
    return pageOf(rows, page.limit, toAuditEvent);
  }

  async recordAuthor(submissionId: string, author: Author): Promise<void> {
    if (author === null) return;
    await this.run((sql) =>
      sql.query(
        `INSERT INTO submission_authors (${submissionAuthorColumns}) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (submission_id) DO NOTHING`,
        [submissionId, ...authorValues(author)],
      ),
    );
  }

  async authorsOf(submissionIds: readonly string[]): Promise<Map<string, Author>> {
    if (submissionIds.length === 0) return new Map();
    const rows = await this.run((sql) =>
      sql.query<AuthorRow>(
        `SELECT ${submissionAuthorColumns} FROM submission_authors WHERE submission_id = ANY($1::text[])`,
        [[...submissionIds]],
      ),
    );
    return authorsByRow(rows);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
