import {
  type AuditAction,
  type AuditPage,
  apiRoutes,
  type CreatedKey,
  type PersonalKey,
  type PersonalKeysPage,
  type Role,
} from '@/core/api';
import { apiRequest, type ClientOptions } from './api-request';

/** The caller's own API keys (an admin's: everyone's), newest first (SPEC §16). */
export function listKeys(cursor: string | null, options: ClientOptions = {}): Promise<PersonalKeysPage> {
  return apiRequest(apiRoutes.listKeys, { params: {}, query: { limit: 100, cursor } }, options);
}

/** Makes a key for the signed-in person; the answer holds the key itself, this once. */
export function createKey(
  request: { name: string; role?: Role; expires_at?: string },
  options: ClientOptions = {},
): Promise<CreatedKey> {
  return apiRequest(apiRoutes.createKey, { params: {}, body: request }, options);
}

/** Revokes a key: it stops working at once, on every server. */
export function revokeKey(id: string, options: ClientOptions = {}): Promise<PersonalKey> {
  return apiRequest(apiRoutes.revokeKey, { params: { id } }, options);
}

/** A page of the audit, newest first (admins). */
export function listAudit(
  query: { action: AuditAction | null; cursor: string | null },
  options: ClientOptions = {},
): Promise<AuditPage> {
  return apiRequest(
    apiRoutes.listAudit,
    { params: {}, query: { limit: 100, cursor: query.cursor, action: query.action } },
    options,
  );
}
