import { type ServerConnection, serverKey } from '@/ui/settings';

/** The query keys of what People reads: one place, so making or revoking a key names exactly what it reads again. */
export const peopleKeys = {
  /** Whether the server signs people in (`GET /auth/status`): the server's, not a key's. */
  signIn: (serverUrl: string) => ['server', { serverUrl }, 'sign-in'] as const,
  /** The caller's API keys (an admin's: everyone's). */
  keys: (connection: ServerConnection) => [...serverKey(connection), 'personal-keys'] as const,
  /** A page of the audit, of one kind of event or of all (null), from a cursor (null: the newest). */
  audit: (connection: ServerConnection, action: string | null, cursor: string | null) =>
    [...serverKey(connection), 'audit', action, cursor] as const,
};
