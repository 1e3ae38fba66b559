import type { AuditAction, AuditEvent, Author, Person, PersonalKey, Role } from '@/core/api';

// What the server keeps about people (SPEC §16), in the same database as the spans so that several servers share it:
// sessions, people's last roles, personal API keys, and the audit. Times are ISO 8601 text (`toISOString`), given by
// the server, so both stores compare the very same strings and a test can set the clock.

/** A session as stored: only a hash of its token (the cookie's secret), never the token itself. */
export interface SessionRecord {
  /** SHA-256 (hex) of the token in the cookie. */
  tokenHash: string;
  /** One sign-in: every token it was rotated through shares it, and signing out ends them all. */
  family: string;
  person: Person;
  role: Role;
  signedInAt: string;
  /** When this token was issued: it is rotated once it is older than the rotation interval. */
  issuedAt: string;
  /** When it stops working: the end of the sign-in, or a short grace after its rotation. */
  expiresAt: string;
}

/** A personal API key as stored: a hash of its secret, and its owner's current role (null: no access now). */
export interface KeyRecord {
  id: string;
  /** SHA-256 (hex) of the key's secret part. */
  secretHash: string;
  name: string;
  role: Role;
  owner: Person;
  /** The owner's role as of their last sign-in; null when their last sign-in matched no role. */
  ownerRole: Role | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A new personal key. */
export type NewKey = Omit<KeyRecord, 'ownerRole' | 'lastUsedAt' | 'revokedAt'>;

/** What the audit records of one event (SPEC §16). */
export interface NewAuditEvent {
  at: string;
  action: AuditAction;
  actor: Author;
  address: string | null;
  detail: Record<string, string | null>;
}

/** Which page of a list to read: newest first, before a position of an earlier page. */
export interface AccessPageQuery {
  limit: number;
  /** Where the previous page ended (a store's own position), or null for the first page. */
  before: number | null;
}

/** A page of rows and where the next one starts (null on the last page). */
export interface AccessPage<T> {
  rows: T[];
  next: number | null;
}

/**
 * Sessions, people, personal keys and the audit, in the store's database. Each method is one statement or one
 * transaction; a storage failure throws `StoreUnavailableError`, as the span store's do.
 */
export interface AccessStore {
  /** Stores a new session (a sign-in, or a rotation's new token). */
  createSession(session: SessionRecord): Promise<void>;
  /** The session of a token hash, if it has not expired at `now`. */
  findSession(tokenHash: string, now: string): Promise<SessionRecord | null>;
  /**
   * Marks a token as rotated, letting it work until `graceUntil` (requests already on their way with it), and stores
   * its successor; false when another request rotated it first (then nothing is stored).
   */
  rotateSession(oldTokenHash: string, graceUntil: string, successor: SessionRecord): Promise<boolean>;
  /** Ends a sign-in: every token of the session's family stops working at once. */
  endSession(tokenHash: string): Promise<void>;
  /**
   * Records a person's sign-in with the role it gave (null: none), and answers the role they had before (undefined
   * for a first sign-in); also forgets sessions that expired before `now`.
   */
  recordSignIn(
    person: Person,
    role: Role | null,
    now: string,
  ): Promise<{ previousRole: Role | null | undefined }>;

  createKey(key: NewKey): Promise<void>;
  /** A personal key by its public ID, revoked or not, with its owner's current role; null when there is none. */
  findKey(id: string): Promise<KeyRecord | null>;
  /** Keys newest first: one owner's (by subject), or everyone's (`owner` null). */
  listKeys(owner: string | null, page: AccessPageQuery): Promise<AccessPage<KeyRecord>>;
  /** Revokes a key at `now` (a key revoked already keeps its first time); null when there is none. */
  revokeKey(id: string, now: string): Promise<KeyRecord | null>;
  /** Notes a key's use at `now`, at most once a minute per key. */
  touchKey(id: string, now: string): Promise<void>;

  recordAudit(event: NewAuditEvent): Promise<void>;
  /** Audit events newest first, optionally of one action. */
  listAudit(action: AuditAction | null, page: AccessPageQuery): Promise<AccessPage<AuditEvent>>;

  /** Records who sent a submission (by its public ID); a submission recorded already keeps its first author. */
  recordAuthor(submissionId: string, author: Author): Promise<void>;
  /** Who sent each of these submissions, of those recorded. */
  authorsOf(submissionIds: readonly string[]): Promise<Map<string, Author>>;

  close(): Promise<void>;
}

/** A key record as the API lists it. */
export function toPersonalKey(key: KeyRecord): PersonalKey {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    owner: key.owner,
    created_at: key.createdAt,
    expires_at: key.expiresAt,
    last_used_at: key.lastUsedAt,
    revoked_at: key.revokedAt,
  };
}

/** How long a key's last use is kept without writing it again. */
export const KEY_TOUCH_INTERVAL_MS = 60_000;
