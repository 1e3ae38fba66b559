import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { readSchemaVersion } from './sqlite-migrations';

/** What a backup holds. */
export interface SqliteBackup {
  schemaVersion: number;
  projects: number;
  spans: number;
  /** The backup file's size. */
  bytes: number;
}

/** Why a backup could not be made: one line naming the file and what is wrong. */
export class SqliteBackupError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'SqliteBackupError';
  }
}

/** All remaining pages in one step (the most better-sqlite3 takes). */
const ALL_PAGES = 0x7fffffff;

function says(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sourceError(error: unknown, source: string): SqliteBackupError {
  const code = error instanceof Database.SqliteError ? error.code : '';
  const message =
    code === 'SQLITE_NOTADB'
      ? `${source} is not a SQLite database (${says(error)}): there is nothing to back up.`
      : code.startsWith('SQLITE_CORRUPT')
        ? `${source} is a damaged database (${says(error)}): restore it from an earlier backup.`
        : `Cannot read the database ${source} (${says(error)}).`;
  return new SqliteBackupError(message, { cause: error });
}

/** Opens the database to back up, read-only: a backup never changes it. */
function openSource(source: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(source, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw sourceError(error, source);
  }
  try {
    // SQLite reads the file lazily: a file that is not a database fails on this first statement.
    if (readSchemaVersion(db) === 0) {
      throw new SqliteBackupError(
        `${source} is a SQLite database, but not one Spanpatch has opened (it has no schema version).`,
      );
    }
    return db;
  } catch (error) {
    db.close();
    throw error instanceof SqliteBackupError ? error : sourceError(error, source);
  }
}

/** Turns the copy into one plain file (no WAL beside it) and says what it holds. */
function finishCopy(path: string): Omit<SqliteBackup, 'bytes'> {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    return {
      schemaVersion: readSchemaVersion(db),
      projects: db.prepare<[], number>('SELECT count(*) FROM projects').pluck().get() ?? 0,
      spans: db.prepare<[], number>('SELECT count(*) FROM spans').pluck().get() ?? 0,
    };
  } finally {
    db.close();
  }
}

/** Moves the finished copy to `destination`; without `replace`, never over a file that is there. */
function moveIntoPlace(copy: string, destination: string, replace: boolean): void {
  if (replace) return renameSync(copy, destination);
  try {
    // NOTE: a hard link fails if the name is taken, atomically; a rename would silently replace it.
    linkSync(copy, destination);
    rmSync(copy);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new SqliteBackupError(`${destination} already exists: give --force to replace it.`);
    }
    // A file system without hard links.
    if (existsSync(destination)) {
      throw new SqliteBackupError(`${destination} already exists: give --force to replace it.`);
    }
    renameSync(copy, destination);
  }
}

/**
 * Copies the Spanpatch database at `source` to the file `destination` with SQLite's online backup, while servers
 * may be writing to it: the copy is one consistent snapshot, with what is still in the write-ahead log (a `cp` of
 * the file alone misses it), and the servers go on writing meanwhile. The copy is written beside `destination`
 * first and moved there when complete, so a failed or interrupted backup never leaves half a file under that name;
 * without `replace`, an existing file is never overwritten. Throws `SqliteBackupError` saying what went wrong.
 */
export async function backupSqliteDatabase(
  source: string,
  destination: string,
  options: { replace: boolean },
): Promise<SqliteBackup> {
  const db = openSource(source);
  const copy = join(dirname(destination), `.${basename(destination)}.${randomUUID().slice(0, 8)}.partial`);
  try {
    // NOTE: every page in one step, so the copy is read under one read transaction: a server's write between steps
    // would make SQLite restart the copy, over and over while it keeps writing. In WAL mode that read blocks no
    // writer.
    await db.backup(copy, { progress: () => ALL_PAGES });
    const report = finishCopy(copy);
    moveIntoPlace(copy, destination, options.replace);
    return { ...report, bytes: statSync(destination).size };
  } catch (error) {
    if (error instanceof SqliteBackupError) throw error;
    throw new SqliteBackupError(`Cannot write the backup ${destination} (${says(error)}).`, { cause: error });
  } finally {
    db.close();
    for (const leftover of [copy, `${copy}-journal`, `${copy}-wal`, `${copy}-shm`])
      rmSync(leftover, { force: true });
  }
}
