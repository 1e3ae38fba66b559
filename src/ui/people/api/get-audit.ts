import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { listAudit } from '@/client';
import type { AuditAction } from '@/core/api';
import { type ServerConnection, toClientOptions } from '@/ui/settings';
import { peopleKeys } from './people-keys';

/** `GET /api/v1/audit` (admins): a page of events, newest first, of one kind or of all. */
export function auditQueryOptions(
  connection: ServerConnection,
  action: AuditAction | null,
  cursor: string | null,
) {
  return queryOptions({
    queryKey: peopleKeys.audit(connection, action, cursor),
    queryFn: ({ signal }) => listAudit({ action, cursor }, { ...toClientOptions(connection), signal }),
  });
}

/** A page of the audit, asked when the Audit dialog opens, the kind shown changes, or "Older events" is pressed. */
export function useAudit(connection: ServerConnection, action: AuditAction | null, cursor: string | null) {
  const { serverUrl, apiKey } = connection;
  return useQuery({
    ...auditQueryOptions({ serverUrl, apiKey }, action, cursor),
    placeholderData: keepPreviousData,
  });
}
