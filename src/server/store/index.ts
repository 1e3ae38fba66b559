/**
 * The stores (SPEC §9–§11): `SpanStore`, everything the routes need from storage, and its two implementations,
 * SQLite (sqlite/: reads on the main thread, writes on a worker thread) and PostgreSQL (postgres/), with the
 * errors both raise. The rest of the server opens a store and meets it here.
 * NOTE: `spanpatch backup` imports sqlite/sqlite-backup.ts itself, on demand: the command line starts without the
 * server's modules.
 *
 * The front door of src/server/store: code outside the room imports it from here (`@/server/store`) only.
 */
export { IdempotencyKeyReusedError } from './idempotency-key-reused-error';
export { databaseLabel } from './postgres/postgres-failure';
export { openPostgresStore, type PostgresStoreOptions } from './postgres/postgres-store';
export type {
  PatchOutcome,
  PatchSubmission,
  SpanPosition,
  SpanStore,
  StoredProject,
  SubmissionPageQuery,
} from './span-store';
export { openSqliteStore } from './sqlite/sqlite-store';
export { openThreadedSqliteStore } from './sqlite/threaded-sqlite-store';
export { StoreOpenError } from './store-open-error';
export { StoreUnavailableError, type StoreUnavailableReason } from './store-unavailable-error';
export { SubmissionConflictError } from './submission-conflict-error';
export { UnknownProjectError } from './unknown-project-error';
export type { AccessStore, KeyRecord, SessionRecord } from './access-store';
export { KEY_TOUCH_INTERVAL_MS, toPersonalKey } from './access-store';
export { openPostgresAccessStore } from './postgres/postgres-access-store';
export { openSqliteAccessStore } from './sqlite/sqlite-access-store';
