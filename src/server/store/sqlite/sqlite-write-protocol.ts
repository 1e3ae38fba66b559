import Database from 'better-sqlite3';
import type { RevertResponse } from '@/core/api';
import type { IncomingSpan } from '@/server/patch/plan-ingest';
import { IdempotencyKeyReusedError } from '@/server/store/idempotency-key-reused-error';
import type {
  IngestOutcome,
  PatchOutcome,
  PatchSubmission,
  RevertRequest,
  UpsertOutcome,
} from '@/server/store/span-store';
import { StoreOpenError } from '@/server/store/store-open-error';
import { type StoreUnavailableReason, StoreUnavailableError } from '@/server/store/store-unavailable-error';
import { SubmissionConflictError } from '@/server/store/submission-conflict-error';
import { UnknownProjectError } from '@/server/store/unknown-project-error';

/** What the main thread hands the write worker when it starts it. */
export interface WriteWorkerData {
  /** The SQLite database file, already opened and migrated by the main thread. */
  path: string;
}

/**
 * One write for the worker. A submission travels as UTF-8 JSON in a transferred buffer: cheaper to send than a
 * structured clone of 10,000 span objects, and exact, since a prepared patch holds only strings, finite numbers and
 * null. Ingested spans travel as a structured clone: their metadata may hold a bigint or a NaN, which JSON cannot.
 */
export type WriteCall =
  | { method: 'applyPatches'; submission: Uint8Array }
  | { method: 'ingestSpans'; project: string; spans: readonly IncomingSpan[] }
  | { method: 'upsertSpans'; project: string; spans: readonly IncomingSpan[] }
  | { method: 'revertSubmission'; request: RevertRequest }
  | { method: 'deleteProject'; project: string };

/** What each write answers. */
export interface WriteResults {
  applyPatches: PatchOutcome;
  ingestSpans: IngestOutcome;
  upsertSpans: UpsertOutcome;
  revertSubmission: RevertResponse | null;
  deleteProject: boolean;
}

/** A message from the main thread to the worker: a write to run, or the request to close once the writes are done. */
export type ToWriteWorker = { type: 'call'; id: number; call: WriteCall } | { type: 'close' };

/** A message from the worker: it is ready (or could not open the database), a write's answer, or it closed. */
export type FromWriteWorker =
  | { type: 'ready' }
  | { type: 'open_failed'; error: SerializedError }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: SerializedError }
  | { type: 'closed' };

/** The SQLite error behind a storage failure, as SQLite reported it. */
interface SerializedCause {
  message: string;
  code: string | null;
}

/**
 * An error thrown in the worker, as plain data: the store's own error classes travel with what rebuilds them with
 * the same message (a structured clone would keep only an `Error`'s message, not its class or fields).
 */
export type SerializedError =
  | {
      kind: 'store_unavailable';
      reason: StoreUnavailableReason;
      message: string;
      cause: SerializedCause | null;
    }
  | { kind: 'unknown_project'; project: string }
  | { kind: 'idempotency_key_reused'; idempotencyKey: string }
  | { kind: 'submission_conflict'; code: SubmissionConflictError['code']; message: string }
  | { kind: 'store_open'; message: string; cause: SerializedCause | null }
  | { kind: 'other'; name: string; message: string; stack: string | null };

/** A submission as UTF-8 JSON, in a buffer of its own that can be transferred. */
export function encodeSubmission(submission: PatchSubmission): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(JSON.stringify(submission));
}

/** The submission `encodeSubmission` encoded. */
export function decodeSubmission(bytes: Uint8Array): PatchSubmission {
  return JSON.parse(new TextDecoder().decode(bytes)) as PatchSubmission;
}

function serializeCause(cause: unknown): SerializedCause | null {
  if (!(cause instanceof Error)) return null;
  return { message: cause.message, code: cause instanceof Database.SqliteError ? cause.code : null };
}

function deserializeCause(cause: SerializedCause | null): Error | undefined {
  if (cause === null) return undefined;
  return cause.code === null ? new Error(cause.message) : new Database.SqliteError(cause.message, cause.code);
}

/** An error thrown in the worker, as data that `deserializeError` turns back into the same class and message. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof StoreUnavailableError) {
    return {
      kind: 'store_unavailable',
      reason: error.reason,
      message: error.message,
      cause: serializeCause(error.cause),
    };
  }
  if (error instanceof UnknownProjectError) return { kind: 'unknown_project', project: error.project };
  if (error instanceof IdempotencyKeyReusedError) {
    return { kind: 'idempotency_key_reused', idempotencyKey: error.idempotencyKey };
  }
  if (error instanceof SubmissionConflictError) {
    return { kind: 'submission_conflict', code: error.code, message: error.message };
  }
  if (error instanceof StoreOpenError) {
    return { kind: 'store_open', message: error.message, cause: serializeCause(error.cause) };
  }
  if (error instanceof Error) {
    return { kind: 'other', name: error.name, message: error.message, stack: error.stack ?? null };
  }
  return { kind: 'other', name: 'Error', message: String(error), stack: null };
}

/** The error a worker threw, rebuilt on this thread with its class, fields and message. */
export function deserializeError(error: SerializedError): Error {
  switch (error.kind) {
    case 'store_unavailable': {
      const cause = deserializeCause(error.cause);
      return new StoreUnavailableError(error.reason, error.message, cause ? { cause } : {});
    }
    case 'unknown_project':
      return new UnknownProjectError(error.project);
    case 'idempotency_key_reused':
      return new IdempotencyKeyReusedError(error.idempotencyKey);
    case 'submission_conflict':
      return new SubmissionConflictError(error.code, error.message);
    case 'store_open': {
      const cause = deserializeCause(error.cause);
      return new StoreOpenError(error.message, cause ? { cause } : {});
    }
    case 'other': {
      const rebuilt = new Error(error.message);
      rebuilt.name = error.name;
      if (error.stack !== null) rebuilt.stack = error.stack;
      return rebuilt;
    }
  }
}
