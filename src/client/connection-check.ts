import { apiRoutes, type Identity, type ProjectsResponse } from '@/core/api';
import { apiRequest, ApiRequestError, type ClientOptions } from './api-request';
import { listProjects } from './project-requests';

/**
 * Who the server takes this connection's key to be, and so what it may do (`GET /api/v1/me`): a read-only key is
 * a `viewer`. Null when the server does not say (a server older than the route answers 404): what it refuses
 * then shows when it refuses it.
 */
export async function whoAmI(options: ClientOptions = {}): Promise<Identity | null> {
  try {
    return await apiRequest(apiRoutes.getMe, { params: {} }, options);
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 404) return null;
    throw error;
  }
}

/** What a connection test found: the projects and who the key is, or why the server could not be used. */
export type ConnectionCheck =
  | {
      ok: true;
      projects: ProjectsResponse['projects'];
      /** Who the server takes the key to be (a read-only key is a viewer); null when it does not say. */
      identity: Identity | null;
    }
  | {
      ok: false;
      reason: 'unreachable' | 'unauthorized' | 'forbidden' | 'invalid_response' | 'error';
      message: string;
    };

/**
 * Checks that the server answers and accepts the API key, and asks what the key may do, for a settings screen's
 * "Test connection".
 */
export async function testConnection(options: ClientOptions = {}): Promise<ConnectionCheck> {
  try {
    const { projects } = await listProjects(options);
    return { ok: true, projects, identity: await whoAmI(options) };
  } catch (error) {
    if (!(error instanceof ApiRequestError)) throw error;
    return failedConnectionCheck(error);
  }
}

/** Why a request failed, in the terms of a connection check: unreachable, key missing or refused, or other. */
export function failedConnectionCheck(error: ApiRequestError): Extract<ConnectionCheck, { ok: false }> {
  const reason =
    error.status === null
      ? 'unreachable'
      : error.status === 401
        ? 'unauthorized'
        : error.status === 403
          ? 'forbidden'
          : error.code === 'invalid_response'
            ? 'invalid_response'
            : 'error';
  return { ok: false, reason, message: error.message };
}
