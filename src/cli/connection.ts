import { ApiRequestError, type ClientOptions } from '@/client';
import { CommandError } from './exit-status';
import type { CliIo } from './terminal';

/** The server the app's own `npm start` listens on. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8787';

/** Where the server is and the key to use: `--server`, else SPANPATCH_URL, else the local default; SPANPATCH_KEY. */
export interface Connection extends ClientOptions {
  baseUrl: string;
}

/** The connection a command uses, from `--server` and the environment; a URL that is not http(s) stops it. */
export function connectionFrom(server: string | undefined, env: CliIo['env']): Connection {
  const baseUrl = (server ?? env.SPANPATCH_URL ?? '').trim() || DEFAULT_SERVER_URL;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new CommandError(
      `The server address "${baseUrl}" is not a URL: write it like ${DEFAULT_SERVER_URL}.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CommandError(`The server address "${baseUrl}" must start with http:// or https://.`);
  }
  const apiKey = env.SPANPATCH_KEY?.trim();
  return { baseUrl: baseUrl.replace(/\/+$/, ''), ...(apiKey ? { apiKey } : {}) };
}

/**
 * A request that failed before any per-span result, as one message saying what to do: the server cannot be
 * reached, the key is missing or refused, the project or submission does not exist, or another answer.
 */
export function requestProblem(error: unknown, connection: Connection, what: string): CommandError {
  if (!(error instanceof ApiRequestError)) {
    return new CommandError(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const server = connection.baseUrl;
  if (error.status === null) {
    return new CommandError(
      `${what} failed: ${error.message}. Is the Spanpatch server running at ${server}? Start one with ` +
        '`npx spanpatch serve`, or point to it with --server or SPANPATCH_URL.',
    );
  }
  if (error.status === 401) {
    return new CommandError(
      `${what} failed: the server at ${server} needs an API key (${error.message}). Set SPANPATCH_KEY.`,
    );
  }
  if (error.status === 403 && error.code === 'read_only_key') {
    return new CommandError(
      `${what} failed: the API key in SPANPATCH_KEY is read-only (${error.message}). A read-only key can ` +
        'read, preview and run revert --dry-run; to change spans, set SPANPATCH_KEY to a key that may write.',
    );
  }
  if (error.status === 403) {
    return new CommandError(
      `${what} failed: the server at ${server} refused the API key in SPANPATCH_KEY (${error.message}).`,
    );
  }
  if (error.kind === 'invalid_answer') {
    return new CommandError(
      `${what} failed: the server at ${server} answered, but not as the API says: ${error.message}.`,
    );
  }
  return new CommandError(
    `${what} failed: the server at ${server} answered ${error.status}: ${error.message}`,
  );
}
