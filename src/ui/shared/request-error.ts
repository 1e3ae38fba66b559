import { ApiRequestError, type ConnectionCheck, failedConnectionCheck } from '@/client';
import { assertUnreachable } from '@/core/text';
import { unreachableServerText } from '@/core/words';

/** A connection check or request that failed, as the client classifies it. */
export type FailedCheck = Extract<ConnectionCheck, { ok: false }>;

/** What kind of problem a failed request is, for how the Settings' status line looks. */
export type RequestProblem = 'unreachable' | 'missing-key' | 'wrong-key' | 'not-spanpatch' | 'server-error';

/** Where the request went: the server, the key it carried, and the page's own origin (for the CORS hint). */
export interface RequestContext {
  serverUrl: string;
  apiKey: string;
  pageOrigin?: string;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Says in plain words why a request failed, the same in every tab and in Settings: the server cannot be reached
 * (one sentence wherever it appears), needs an API key or refused it, is not a Spanpatch server, or answered an
 * error.
 */
export function describeFailedCheck(
  check: FailedCheck,
  context: RequestContext,
): { outcome: RequestProblem; text: string } {
  const { serverUrl, apiKey, pageOrigin } = context;
  switch (check.reason) {
    case 'unreachable': {
      const crossOrigin = pageOrigin !== undefined && originOf(serverUrl) !== pageOrigin;
      return { outcome: 'unreachable', text: unreachableServerText(serverUrl, crossOrigin) };
    }
    case 'unauthorized':
    case 'forbidden':
      return apiKey === ''
        ? {
            outcome: 'missing-key',
            text: `The server at ${serverUrl} needs an API key: enter it under "API key".`,
          }
        : {
            outcome: 'wrong-key',
            text: `The server at ${serverUrl} refused the API key (${check.reason === 'unauthorized' ? 401 : 403}): it is wrong or no longer valid.`,
          };
    case 'invalid_response':
      return {
        outcome: 'not-spanpatch',
        text: `${serverUrl} answered, but not like a Spanpatch server: check the Server URL. (${check.message})`,
      };
    case 'error':
      return {
        outcome: 'server-error',
        text: `The server at ${serverUrl} answered with an error: ${check.message}`,
      };
    default:
      return assertUnreachable(check.reason);
  }
}

/**
 * Says in plain words why a request to the server failed (`describeFailedCheck`), for any tab's error line; an
 * error that is not a request's is said as its message.
 */
export function describeRequestError(
  error: unknown,
  settings: Pick<RequestContext, 'serverUrl' | 'apiKey'>,
): string {
  if (!(error instanceof ApiRequestError)) return error instanceof Error ? error.message : String(error);
  return describeFailedCheck(failedConnectionCheck(error), {
    ...settings,
    pageOrigin: typeof window === 'undefined' ? undefined : window.location.origin,
  }).text;
}
