import type { AuditAction, AuditEvent, Author, Role } from '@/core/api';
import type { KeyRecord, NewAuditEvent, NewKey, SessionRecord } from './access-store';

// The rows of the tables of people, sessions, keys and the audit as both stores read them (the same columns on
// SQLite and PostgreSQL), and the records the server works with.

/** A session as a store reads it from `sessions`. */
export interface SessionRow {
  token_hash: string;
  family: string;
  subject: string;
  name: string | null;
  email: string | null;
  role: Role;
  signed_in_at: string;
  issued_at: string;
  expires_at: string;
}

/** The columns of a `SessionRow`. */
export const sessionColumns =
  'token_hash, family, subject, name, email, role, signed_in_at, issued_at, expires_at';

export function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    tokenHash: row.token_hash,
    family: row.family,
    person: { subject: row.subject, name: row.name, email: row.email },
    role: row.role,
    signedInAt: row.signed_in_at,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
  };
}

/** The values of a session's row, in the order of `sessionColumns`. */
export function sessionValues(session: SessionRecord): (string | null)[] {
  return [
    session.tokenHash,
    session.family,
    session.person.subject,
    session.person.name,
    session.person.email,
    session.role,
    session.signedInAt,
    session.issuedAt,
    session.expiresAt,
  ];
}

/** A key as a store reads it from `api_keys` joined with its owner in `people`. */
export interface KeyRow {
  seq: number;
  id: string;
  secret_hash: string;
  name: string;
  role: Role;
  owner_subject: string;
  owner_name: string | null;
  owner_email: string | null;
  owner_role: Role | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** The columns of a `KeyRow`, on `api_keys k LEFT JOIN people p ON p.subject = k.owner_subject`. */
export const keyColumns = `k.seq, k.id, k.secret_hash, k.name, k.role, k.owner_subject, p.name AS owner_name,
  p.email AS owner_email, p.role AS owner_role, k.created_at, k.expires_at, k.last_used_at, k.revoked_at`;

/** The FROM of a key's row. */
export const keyTables = 'api_keys k LEFT JOIN people p ON p.subject = k.owner_subject';

/** The columns a new key is written with, in the order of `newKeyValues`. */
export const newKeyColumns = 'id, secret_hash, name, role, owner_subject, created_at, expires_at';

/** The values of a new key's row, in the order of `newKeyColumns`. */
export function newKeyValues(key: NewKey): (string | null)[] {
  return [key.id, key.secretHash, key.name, key.role, key.owner.subject, key.createdAt, key.expiresAt];
}

export function toKeyRecord(row: KeyRow): KeyRecord {
  return {
    id: row.id,
    secretHash: row.secret_hash,
    name: row.name,
    role: row.role,
    owner: { subject: row.owner_subject, name: row.owner_name, email: row.owner_email },
    ownerRole: row.owner_role,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** An audit event as a store reads it from `audit_events`. */
export interface AuditRow {
  id: number;
  at: string;
  action: AuditAction;
  actor_kind: 'person' | 'key' | null;
  actor_name: string | null;
  actor_email: string | null;
  actor_subject: string | null;
  address: string | null;
  detail: string;
}

/** The columns of an `AuditRow`. */
export const auditColumns =
  'id, at, action, actor_kind, actor_name, actor_email, actor_subject, address, detail';

/** The columns an audit event is written with, in the order of `newAuditValues`. */
export const newAuditColumns =
  'at, action, actor_kind, actor_name, actor_email, actor_subject, address, detail';

/** The values of a new audit event's row, in the order of `newAuditColumns`. */
export function newAuditValues(event: NewAuditEvent): (string | null)[] {
  return [event.at, event.action, ...authorValues(event.actor), event.address, JSON.stringify(event.detail)];
}

/** The author columns' values of who did something: kind, name, email, subject (all null for nobody). */
export function authorValues(author: Author | undefined): (string | null)[] {
  if (!author) return [null, null, null, null];
  return [author.kind, author.name, author.email, author.subject];
}

/** The columns of a row of `submission_authors` (an `AuthorRow`); written in this order too. */
export const submissionAuthorColumns = 'submission_id, kind, name, email, subject';

/** Who sent a submission, as a store reads it from `submission_authors`. */
export interface AuthorRow {
  submission_id: string;
  kind: 'person' | 'key' | null;
  name: string | null;
  email: string | null;
  subject: string | null;
}

/** Who an author's columns name, or null. */
export function authorOf(row: {
  kind: 'person' | 'key' | null;
  name: string | null;
  email: string | null;
  subject: string | null;
}): Author {
  if (row.kind === null || row.name === null) return null;
  return { kind: row.kind, name: row.name, email: row.email, subject: row.subject };
}

/** The authors of submissions by their ID, from their rows. */
export function authorsByRow(rows: readonly AuthorRow[]): Map<string, Author> {
  return new Map(rows.map((row) => [row.submission_id, authorOf(row)]));
}

function parseDetail(text: string): Record<string, string | null> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    const detail: Record<string, string | null> = {};
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string' || item === null) detail[key] = item;
    }
    return detail;
  } catch {
    return {};
  }
}

export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: String(row.id),
    at: row.at,
    action: row.action,
    actor: authorOf({
      kind: row.actor_kind,
      name: row.actor_name,
      email: row.actor_email,
      subject: row.actor_subject,
    }),
    address: row.address,
    detail: parseDetail(row.detail),
  };
}

/** The time a minute before `now` (ISO text): a key used since then is not noted again. */
export function touchedSince(now: string, intervalMs: number): string {
  return new Date(Date.parse(now) - intervalMs).toISOString();
}

/** A page of rows read with one row more than the limit: the rows, and the next page's start. */
export function pageOf<Row extends { position: number }, T>(
  rows: readonly Row[],
  limit: number,
  convert: (row: Row) => T,
): { rows: T[]; next: number | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page.map(convert), next: rows.length > limit && last ? last.position : null };
}
