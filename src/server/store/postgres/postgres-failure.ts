import { StoreOpenError } from '@/server/store/store-open-error';
import { type StoreFailureReason, StoreUnavailableError } from '@/server/store/store-unavailable-error';

/** Network failures of the connection to PostgreSQL (Node's error codes). */
const networkCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** What `pg` says when a connection ends or cannot be made in time (these errors carry no code). */
const connectionMessages = [
  /^Connection terminated/,
  /^Client has encountered a connection error/,
  /^Client was closed/,
];

/** SQLSTATE codes, or their classes (two characters), that mean the database cannot serve, and why. */
const reasonsByState: readonly (readonly [string, StoreFailureReason])[] = [
  ['25006', 'read_only'], // read_only_sql_transaction: a standby, or default_transaction_read_only
  ['42501', 'read_only'], // insufficient_privilege
  ['53100', 'disk_full'],
  ['53300', 'locked'], // too_many_connections
  ['55P03', 'locked'], // lock_not_available
  ['57014', 'locked'], // query_canceled (a statement timeout)
  ['40001', 'locked'], // serialization_failure, still failing after retries
  ['40P01', 'locked'], // deadlock_detected, still failing after retries
  ['53', 'disk_error'], // insufficient resources: out of memory, configuration limits
  ['58', 'disk_error'], // system errors: I/O
  ['XX001', 'damaged'], // data_corrupted
  ['XX002', 'damaged'], // index_corrupted
  ['08', 'cannot_open'], // connection exceptions
  ['28', 'cannot_open'], // invalid authorization
  ['3D000', 'cannot_open'], // no such database
  ['57P', 'cannot_open'], // the server is shutting down or starting
];

/** The database's URL without its password, to name it in messages and logs. */
export function databaseLabel(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString().replace('password=%2A%2A%2A', 'password=***');
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

function codeOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return typeof error.code === 'string' ? error.code : null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when the error is one of a connection that could not be made or was lost. */
function isConnectionFailure(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== null && networkCodes.has(code)) return true;
  const message = messageOf(error);
  return code === null && connectionMessages.some((pattern) => pattern.test(message));
}

/**
 * True when a connection was lost or refused, or ended by the database server (shut down, restarted, or a
 * connection ended by an administrator): a new connection may well work.
 */
export function isLostConnection(error: unknown): boolean {
  const code = codeOf(error);
  return (
    isConnectionFailure(error) || code === '57P01' || code === '57P02' || (code?.startsWith('08') ?? false)
  );
}

/** How long a client should wait to retry while the database cannot be reached or is restarting. */
const RECONNECT_RETRY_AFTER_SECONDS = 2;

/**
 * A transaction whose connection was lost while its COMMIT was on the way: PostgreSQL may or may not have saved
 * it. Thrown by the pool (postgres-db.ts) with the connection's error as its cause.
 */
export class LostAtCommit extends Error {
  constructor(override readonly cause: unknown) {
    super('The connection was lost while the transaction was committing', { cause });
    this.name = 'LostAtCommit';
  }
}

/** True when the failure is one that passes: the database is down, restarting, or cut off for now. */
function isTransient(error: unknown): boolean {
  // 57P03: the database is starting up, or shutting down.
  return isLostConnection(error) || codeOf(error) === '57P03';
}

/** What `pg`'s pool says when no connection came free, or opened, within its wait. */
function isPoolTimeout(error: unknown): boolean {
  return codeOf(error) === null && /^timeout exceeded when trying to connect/.test(messageOf(error));
}

function reasonOf(error: unknown): StoreFailureReason | null {
  if (isConnectionFailure(error)) return 'cannot_open';
  if (isPoolTimeout(error)) return 'locked';
  const code = codeOf(error);
  if (code === null || !/^[0-9A-Z]{5}$/.test(code)) return null;
  for (const [state, reason] of reasonsByState) if (code.startsWith(state)) return reason;
  return null;
}

function says(error: unknown): string {
  const code = codeOf(error);
  return `PostgreSQL says: ${messageOf(error)}${code === null ? '' : `, ${code}`}`;
}

/**
 * Turns a failure of PostgreSQL itself (unreachable, out of connections, read-only, full disk, I/O error, damaged
 * data) into a `StoreUnavailableError` whose message names the database and what to do. Returns null for anything
 * else (a bug, a constraint), which stays an internal error.
 */
export function postgresUnavailable(error: unknown, label: string): StoreUnavailableError | null {
  if (error instanceof LostAtCommit) {
    const failure = postgresUnavailable(error.cause, label);
    if (failure === null) return null;
    return new StoreUnavailableError(
      failure.reason,
      `${failure.message} The connection was lost while the change was being saved, so it may or may not have been saved: retry with the same Idempotency-Key, which applies it at most once.`,
      { cause: error.cause, retryAfterSeconds: failure.retryAfterSeconds ?? RECONNECT_RETRY_AFTER_SECONDS },
    );
  }
  const reason = reasonOf(error);
  if (reason === null) return null;
  const database = `The PostgreSQL database ${label}`;
  const code = codeOf(error);
  let message: string;
  switch (reason) {
    case 'cannot_open':
      if (isConnectionFailure(error)) {
        message = `${database} cannot be reached (${messageOf(error)}): the server cannot read or save changes. Check that PostgreSQL is running and accepts connections there, then retry.`;
      } else if (code?.startsWith('28') || code === '3D000') {
        message = `${database} refuses the connection (${says(error)}). Check the user, password and database name in SPANPATCH_DATABASE_URL, then retry.`;
      } else {
        message = `${database} does not accept connections now (${says(error)}): it may be restarting. Retry in a moment; if this lasts, check the database server.`;
      }
      break;
    case 'read_only':
      message =
        code === '42501'
          ? `${database} may not be written by its user (${says(error)}): the server cannot save changes. Grant the user in SPANPATCH_DATABASE_URL the right to write Spanpatch's tables, then retry.`
          : `${database} is read-only (${says(error)}): the server cannot save changes. Point SPANPATCH_DATABASE_URL at the primary server, or make the database writable, then retry.`;
      break;
    case 'disk_full':
      message = `The disk of ${database.replace('The ', 'the ')} is full: the server cannot save changes. Free some space on the database server, then retry.`;
      break;
    case 'locked':
      if (isPoolTimeout(error)) {
        message = `No connection to ${database.replace('The ', 'the ')} came free or opened in time (${messageOf(error)}): it is busy, or cannot be reached. Retry in a moment; if this lasts, check that PostgreSQL is running and reachable.`;
      } else if (code === '53300') {
        message = `${database} has no free connection (${says(error)}). Retry in a moment; if this lasts, raise its max_connections or run fewer servers.`;
      } else {
        message = `${database} is busy (${says(error)}). Retry in a moment.`;
      }
      break;
    case 'disk_error':
      message = `${database} failed to read or write (${says(error)}). Check the database server, then retry.`;
      break;
    case 'damaged':
      message = `${database} holds damaged data (${says(error)}). Repair or restore it from a backup, then retry.`;
      break;
  }
  return new StoreUnavailableError(reason, message, {
    cause: error,
    ...(isTransient(error) ? { retryAfterSeconds: RECONNECT_RETRY_AFTER_SECONDS } : {}),
  });
}

/** A one-line `StoreOpenError` for a failure while opening the PostgreSQL database: which one, and what to do. */
export function postgresOpenError(error: unknown, label: string): StoreOpenError {
  let message: string;
  if (isConnectionFailure(error)) {
    message = `Cannot connect to the PostgreSQL database ${label} (${messageOf(error)}). Check that PostgreSQL is running there and that SPANPATCH_DATABASE_URL names it, then restart the server.`;
  } else if (/extension "?pg_trgm"?|extension control file/.test(messageOf(error))) {
    message = `Cannot open the PostgreSQL database ${label}: its pg_trgm extension cannot be created (${says(error)}). Run CREATE EXTENSION pg_trgm in that database as its owner or a superuser (it ships with PostgreSQL's contrib modules), then restart the server.`;
  } else if (codeOf(error)?.startsWith('28') || codeOf(error) === '3D000') {
    message = `Cannot open the PostgreSQL database ${label} (${says(error)}). Check the user, password and database name in SPANPATCH_DATABASE_URL, then restart the server.`;
  } else {
    const failure = postgresUnavailable(error, label);
    const why = messageOf(error);
    message = failure
      ? `Cannot open the database: ${failure.message}`
      : codeOf(error) === null
        ? // "The database has …" reads on after the colon as "the database has …".
          `Cannot open the database ${label}: ${why.replace(/^[A-Z](?=[a-z])/, (letter) => letter.toLowerCase())}`
        : `Cannot open the PostgreSQL database ${label} (${says(error)}).`;
  }
  return new StoreOpenError(message.replace(/\s*\n\s*/g, ' '), { cause: error });
}
