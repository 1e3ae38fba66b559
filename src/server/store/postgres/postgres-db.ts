import pg from 'pg';
import { isLostConnection, LostAtCommit } from './postgres-failure';
import { decodeRow, encodeParam, parseStoredJson } from './postgres-text';

const INT8_OID = 20;
const JSON_OID = 114;
const JSONB_OID = 3802;
/** text, varchar, bpchar, name: the columns whose values may hold escaped text. */
const TEXT_OIDS: ReadonlySet<number> = new Set([25, 1043, 1042, 19]);

/** Row counts and IDs (bigint) as numbers, and JSON with its stored text decoded (see postgres-text.ts). */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) return (text: string) => Number(text);
    if (oid === JSON_OID || oid === JSONB_OID) return parseStoredJson;
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Something to run SQL on: the pool (one statement) or a client inside a transaction. */
export interface Sql {
  /** Runs one statement; text parameters are encoded and text results decoded for storage. */
  query<Row extends object>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** The first row of a result, or undefined. */
export async function queryOne<Row extends object>(
  sql: Sql,
  text: string,
  params?: readonly unknown[],
): Promise<Row | undefined> {
  return (await sql.query<Row>(text, params))[0];
}

class PgSql implements Sql {
  constructor(private readonly runner: pg.Pool | pg.PoolClient) {}

  async query<Row extends object>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    type Result = pg.QueryResult<Row & pg.QueryResultRow>;
    const result: Result | Result[] = await this.runner.query<Row & pg.QueryResultRow>(
      text,
      params.map(encodeParam),
    );
    // Several statements in one text (a migration) answer one result each.
    const last: Result | undefined = Array.isArray(result) ? result.at(-1) : result;
    if (last === undefined) return [];
    // NOTE: only text columns are decoded here; json columns were decoded as they were parsed.
    const textColumns = last.fields
      .filter((field) => TEXT_OIDS.has(field.dataTypeID))
      .map((field) => field.name);
    return textColumns.length === 0 ? last.rows : last.rows.map((row) => decodeRow(row, textColumns));
  }
}

/** SQLSTATE of a unique violation: another server inserted the same key at the same time. */
const UNIQUE_VIOLATION = '23505';
/** SQLSTATEs of a transaction PostgreSQL aborted to let another through; running it again succeeds. */
const RETRYABLE: ReadonlySet<string> = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

function stateOf(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}

/** A transaction whose connection turned out lost at BEGIN: nothing ran, so it may run again on another. */
class LostAtBegin extends Error {
  constructor(override readonly cause: unknown) {
    super('The connection was lost before the transaction began', { cause });
  }
}

/** How to open the connections of a store. */
export interface PoolOptions {
  /** What the pool is for: its connections show in pg_stat_activity as `spanpatch <purpose>`. */
  purpose: string;
  max: number;
  /** How long a query waits for a free connection (or for a new one to open). */
  connectionTimeoutMs: number;
  /** How long a statement waits for a row lock before failing with 55P03 (busy). */
  lockTimeoutMs?: number;
  /** How long a transaction may sit idle (its server frozen or cut off) before PostgreSQL ends it. */
  idleInTransactionTimeoutMs?: number;
}

/** A pool of connections to one database, with the store's type parsers and transactions. */
export class Database implements Sql {
  private readonly pool: pg.Pool;
  private readonly sql: PgSql;

  constructor(url: string, options: PoolOptions, onIdleError: (error: Error) => void) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max,
      connectionTimeoutMillis: options.connectionTimeoutMs,
      idleTimeoutMillis: 30_000,
      ...(options.lockTimeoutMs === undefined ? {} : { lock_timeout: options.lockTimeoutMs }),
      ...(options.idleInTransactionTimeoutMs === undefined
        ? {}
        : { idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs }),
      types,
      application_name: `spanpatch ${options.purpose}`,
    });
    // NOTE: a connection that breaks while idle (the database restarted) emits here; without a listener the
    // process would end. The pool drops it and connects anew for the next query.
    this.pool.on('error', onIdleError);
    this.sql = new PgSql(this.pool);
  }

  /** Runs one statement on a connection of the pool; a read on a connection found lost runs once more. */
  async query<Row extends object>(text: string, params?: readonly unknown[]): Promise<Row[]> {
    try {
      return await this.sql.query<Row>(text, params);
    } catch (error) {
      if (!isLostConnection(error)) throw error;
      return this.sql.query<Row>(text, params);
    }
  }

  /**
   * Runs `work` in one transaction on one connection, committing when it returns and rolling back when it throws.
   * A transaction PostgreSQL aborted for a deadlock or a serialization failure runs again (up to 3 times), and
   * one that hit a unique violation once (another server inserted the same key meanwhile) runs once more, to see
   * that row this time. `rollback`: end it with ROLLBACK however it goes (a probe, a dry run).
   */
  async transaction<T>(
    work: (sql: Sql) => Promise<T>,
    options: { begin?: string; rollback?: boolean } = {},
  ): Promise<T> {
    let uniqueRetried = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactionOnce(work, options.begin ?? 'BEGIN', options.rollback === true);
      } catch (error) {
        if (error instanceof LostAtBegin) {
          // The pool's connection had been lost (the database restarted) before anything ran: take another.
          if (attempt < MAX_ATTEMPTS) continue;
          throw error.cause;
        }
        const state = stateOf(error);
        if (state === UNIQUE_VIOLATION && !uniqueRetried) {
          uniqueRetried = true;
          continue;
        }
        if (state !== undefined && RETRYABLE.has(state) && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private async transactionOnce<T>(
    work: (sql: Sql) => Promise<T>,
    begin: string,
    rollback: boolean,
  ): Promise<T> {
    const client = await this.pool.connect();
    // NOTE: the pool listens for errors of its idle connections only. A connection lost while checked out (the
    // database restarted or crashed) emits 'error' on the client, which would end the process without a listener
    // of its own; the transaction learns of the loss from the query that fails, and the client is not reused.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on('error', onError);
    try {
      await client.query(begin).catch((error: unknown) => {
        throw isLostConnection(error) ? new LostAtBegin(error) : error;
      });
      const result = await work(new PgSql(client));
      await client.query(rollback ? 'ROLLBACK' : 'COMMIT').catch((error: unknown) => {
        throw !rollback && isLostConnection(error) ? new LostAtCommit(error) : error;
      });
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // The connection itself failed (lost, timed out): it is not given back to be used again.
        broken ??= rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      // NOTE: released first, so the pool's own listener is back on the client before this one goes.
      client.release(broken);
      client.off('error', onError);
    }
  }

  /** The pool's connections now: open, idle among them, and queries waiting for one. */
  connections(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
