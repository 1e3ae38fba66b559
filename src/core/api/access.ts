import type { Identity, Role } from './api-schema';

/**
 * What a caller may do (SPEC §12 read-only keys, in the roles of SPEC §16): the server answers who the caller is
 * (`GET /api/v1/me`) from this, and the app and the command line say from it what the caller may not do, and why.
 */

/** What an API key may do (SPEC §12): a `read` key only reads; a `write` key also changes spans. */
export type KeyAccess = 'read' | 'write';

/** The role of an API key: a read-only key is a viewer, any other key an editor. */
export function roleOfKey(access: KeyAccess): Role {
  return access === 'read' ? 'viewer' : 'editor';
}

/**
 * Who a request comes from, as `GET /api/v1/me` answers: its API key (by name, with the key's role), or, on a
 * server without keys (`key` null), anyone, who may write.
 */
export function identityOf(key: { name: string; access: KeyAccess } | null): Identity {
  if (key === null) return { name: null, email: null, role: 'editor', via: 'none' };
  return { name: key.name, email: null, role: roleOfKey(key.access), via: 'key' };
}

/** Whether a role may change spans: submit, retry and revert (an editor or an admin; a viewer only reads). */
export function mayWrite(role: Role): boolean {
  return role !== 'viewer';
}

/** What a viewer is refused: sending a sheet, or reverting a submission (a revert's dry run is a read). */
export type WriteAction = 'submit' | 'revert';

/** How the caller is named in a sentence: "The API key 'ci'", or "This connection" without a key. */
function callerWords(identity: Identity): string {
  return identity.name === null ? 'This connection' : `The API key '${identity.name}'`;
}

/**
 * Why the caller may not do `action`, in the user's words, for the note beside the disabled button; null when
 * they may, or when the server did not say who they are (an older server: the server itself still refuses).
 */
export function whyNotAllowed(identity: Identity | null, action: WriteAction): string | null {
  if (identity === null || mayWrite(identity.role)) return null;
  const what =
    action === 'submit'
      ? 'it can find spans and preview, not submit'
      : 'it can show what a revert would do, not revert';
  const to = action === 'submit' ? 'To submit' : 'To revert';
  return `${callerWords(identity)} is read-only: ${what}. ${to}, enter a key that may write in Settings.`;
}

/**
 * What a connection test says of the caller: the key's name (`as 'ci'`, empty without a key or when the server
 * did not say), and for a read-only key what it can and cannot do; `readOnly` is null when the caller may write.
 */
export function connectedAs(identity: Identity | null): { as: string; readOnly: string | null } {
  const as = identity === null || identity.name === null ? '' : ` as '${identity.name}'`;
  const readOnly =
    identity !== null && !mayWrite(identity.role)
      ? 'a read-only key: you can find spans and preview, not submit'
      : null;
  return { as, readOnly };
}
