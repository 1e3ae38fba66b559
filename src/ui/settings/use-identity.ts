import { whoAmI } from '@/client';
import type { Identity } from '@/core/api';
import { useRequest } from '@/ui/shared/use-request';
import type { ConnectionSettings } from './connection-form-schema';
import { toClientOptions } from './connection-status';

/**
 * Who the server takes the connection's key to be (`GET /api/v1/me`: a read-only key is a viewer), asked when the
 * component mounts and again when the server or key changes. Null until the server answers, and when it cannot
 * or does not say: a view then allows what the server itself will still refuse if it must.
 */
export function useIdentity(settings: Pick<ConnectionSettings, 'serverUrl' | 'apiKey'>): Identity | null {
  const request = useRequest(JSON.stringify([settings.serverUrl, settings.apiKey]), (signal) =>
    whoAmI({ ...toClientOptions(settings), signal }),
  );
  return request.status === 'ready' ? request.data : null;
}
