import { basename, dirname } from 'node:path';
import { statfs } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { StoreOpenError } from '@/server/store/store-open-error';
import { type StoreFailureReason, StoreUnavailableError } from '@/server/store/store-unavailable-error';

type SqliteError = InstanceType<typeof Database.SqliteError>;

/** SQLite result codes (primary, matching their extended forms too) that mean the storage itself failed. */
const reasonsByCode: readonly (readonly [string, StoreFailureReason])[] = [
  ['SQLITE_READONLY', 'read_only'],
  ['SQLITE_FULL', 'disk_full'],
  ['SQLITE_IOERR', 'disk_error'],
  ['SQLITE_BUSY', 'locked'],
  ['SQLITE_LOCKED', 'locked'],
  ['SQLITE_CORRUPT', 'damaged'],
  ['SQLITE_NOTADB', 'damaged'],
  ['SQLITE_CANTOPEN', 'cannot_open'],
  ['SQLITE_PERM', 'cannot_open'],
];

function sqliteReason(code: string): StoreFailureReason | null {
  for (const [primary, reason] of reasonsByCode) {
    if (code === primary || code.startsWith(`${primary}_`)) return reason;
  }
  return null;
}

function says(error: SqliteError): string {
  return `SQLite says: ${error.message}, ${error.code}`;
}

/**
 * Turns a SQLite failure of the storage (read-only file or folder, full disk, I/O error, lock held by another
 * program, damaged file) into a `StoreUnavailableError` whose message names the file and what to do. Returns
 * null for anything else (a bug, a constraint), which stays an internal error.
 */
export function storeUnavailable(error: unknown, path: string): StoreUnavailableError | null {
  if (!(error instanceof Database.SqliteError)) return null;
  const reason = sqliteReason(error.code);
  if (reason === null) return null;
  const file = `The database file ${path}`;
  let message: string;
  switch (reason) {
    case 'read_only':
      if (error.code === 'SQLITE_READONLY_DIRECTORY') {
        message = `The folder ${dirname(path)} holding the database is read-only, so SQLite cannot create the files it needs beside ${basename(path)}: the server cannot save changes. Make the folder writable by the server's user, then retry.`;
      } else if (error.code === 'SQLITE_READONLY_DBMOVED') {
        message = `${file} was moved or deleted while the server was running: the server cannot save changes. Restart the server.`;
      } else {
        message = `${file} is read-only: the server cannot save changes. Make the file (and its -wal and -shm files) writable by the server's user, then retry.`;
      }
      break;
    case 'disk_full':
      message = diskFullMessage(path);
      break;
    case 'disk_error':
      message = `The disk holding ${path} failed to read or write (${says(error)}). Check the disk, then retry.`;
      break;
    case 'locked':
      message = `${file} is locked by another program writing to it. Retry in a moment; if this lasts, stop the other program.`;
      break;
    case 'damaged':
      message = `${file} is damaged (${says(error)}). Restore it from a backup, or point SPANPATCH_DB at a new file and restart the server.`;
      break;
    case 'cannot_open':
      message = `${file} cannot be opened (${says(error)}). Check that the file and its folder exist and the server's user may write them, then retry.`;
      break;
  }
  return new StoreUnavailableError(reason, message, { cause: error });
}

/** What to say when the disk holding the database at `path` is full. */
export function diskFullMessage(path: string): string {
  return `The disk holding ${path} is full: the server cannot save changes. Free some space, then retry.`;
}

/** A one-line `StoreOpenError` for a failure while opening the database at `path`: which file, and what to do. */
export function storeOpenError(error: unknown, path: string): StoreOpenError {
  const where = 'or point SPANPATCH_DB elsewhere';
  let message: string;
  if (error instanceof Database.SqliteError) {
    const { code } = error;
    if (code === 'SQLITE_NOTADB') {
      message = `${path} is not a Spanpatch database (${says(error)}). Point SPANPATCH_DB at a new file, or move this one away.`;
    } else if (code.startsWith('SQLITE_CORRUPT')) {
      message = `${path} is a damaged database (${says(error)}). Restore it from a backup, or point SPANPATCH_DB at a new file.`;
    } else if (code === 'SQLITE_READONLY_DIRECTORY') {
      message = `Cannot open the database ${path}: its folder ${dirname(path)} is read-only, and SQLite must create ${basename(path)}-wal and ${basename(path)}-shm there. Make the folder writable by the server's user, ${where}.`;
    } else if (code.startsWith('SQLITE_READONLY')) {
      message = `Cannot open the database ${path}: the file is read-only, and opening it must write to create or upgrade its tables. Make it writable by the server's user, ${where}.`;
    } else if (code.startsWith('SQLITE_CANTOPEN')) {
      message = `Cannot open or create the database ${path} (${says(error)}). Check that the path names a file (not a folder) that the server's user may write, ${where}.`;
    } else {
      const failure = storeUnavailable(error, path);
      message = failure
        ? `Cannot open the database: ${failure.message}`
        : `Cannot open the database ${path} (${says(error)}). Point SPANPATCH_DB at a new file.`;
    }
  } else {
    const why = error instanceof Error ? error.message : String(error);
    // "The database has …" reads on after the colon as "the database has …".
    message = `Cannot open the database ${path}: ${why.replace(/^[A-Z](?=[a-z])/, (letter) => letter.toLowerCase())}`;
  }
  return new StoreOpenError(oneLine(message), { cause: error });
}

/** A `StoreOpenError` for a folder that could not be created for the database. */
export function folderOpenError(error: unknown, path: string): StoreOpenError {
  const why = error instanceof Error ? error.message : String(error);
  return new StoreOpenError(
    oneLine(
      `Cannot create the folder ${dirname(path)} for the database ${path} (${why}). Create it, or point SPANPATCH_DB at a file in a folder the server's user may write.`,
    ),
    { cause: error },
  );
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** Less free space than this on the database's disk counts as a full disk. */
const MIN_FREE_BYTES = 1024 * 1024;

/** True when the disk holding the database has (nearly) no space left; false when unknown. */
export async function diskIsFull(path: string): Promise<boolean> {
  if (path === ':memory:' || path === '') return false;
  try {
    const space = await statfs(dirname(path));
    return space.bavail * space.bsize < MIN_FREE_BYTES;
  } catch {
    return false;
  }
}
