import type { Author, Identity, Person, Role } from './api-schema';

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

/**
 * What a viewer is refused: sending a sheet, or reverting a submission (a revert's dry run is a read); and what
 * only an admin (or the operator's own tools) may do: loading spans from Arize AX (`load`).
 */
export type WriteAction = 'submit' | 'revert' | 'load';

/**
 * Who a request comes from, as the server found out (SPEC §16): anyone, on a server without keys or sign-in; a
 * service key of SPANPATCH_API_KEYS; a person's own key; or a person signed in (a session). A person's role is the
 * one their identity provider's claim maps to at sign-in; their key's role is never higher than that.
 */
export type Caller =
  | { kind: 'anyone' }
  | { kind: 'service_key'; name: string; access: KeyAccess }
  | { kind: 'personal_key'; keyId: string; keyName: string; person: Person; role: Role }
  | { kind: 'session'; person: Person; role: Role };

const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 0, editor: 1, admin: 2 };

/** True when `role` may do what `needed` may: an admin what an editor may, an editor what a viewer may. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}

/** The lower of two roles: a person's key never does more than its owner may now. */
export function lowerRole(a: Role, b: Role): Role {
  return ROLE_RANK[a] <= ROLE_RANK[b] ? a : b;
}

/** The role a caller acts with: a key's (a read-only service key is a viewer), a person's, or an editor's for anyone. */
export function roleOfCaller(caller: Caller): Role {
  switch (caller.kind) {
    case 'anyone':
      return 'editor';
    case 'service_key':
      return roleOfKey(caller.access);
    case 'personal_key':
    case 'session':
      return caller.role;
  }
}

/** True for a key that may only read: a read-only service key (`name:key:read`), or a person's viewer key. */
export function isReadOnlyKey(caller: Caller): boolean {
  return (
    (caller.kind === 'service_key' && caller.access === 'read') ||
    (caller.kind === 'personal_key' && caller.role === 'viewer')
  );
}

/** How a person is named: their name, else their email, else their subject. */
export function personName(person: Person): string {
  return person.name ?? person.email ?? person.subject;
}

/** Who the server takes a caller to be, as `GET /api/v1/me` answers (a person's name and email with theirs). */
export function identityOfCaller(caller: Caller): Identity {
  switch (caller.kind) {
    case 'anyone':
      return identityOf(null);
    case 'service_key':
      return identityOf({ name: caller.name, access: caller.access });
    case 'personal_key':
      return {
        name: personName(caller.person),
        email: caller.person.email,
        role: caller.role,
        via: 'key',
        subject: caller.person.subject,
        key_name: caller.keyName,
      };
    case 'session':
      return {
        name: personName(caller.person),
        email: caller.person.email,
        role: caller.role,
        via: 'session',
        subject: caller.person.subject,
      };
  }
}

/**
 * Who a submission, change or revert made by a caller is recorded as (SPEC §16): the person (also when they used
 * their own key), or the service key by name; null for anyone on a server without keys or sign-in.
 */
export function authorOfCaller(caller: Caller): Author {
  switch (caller.kind) {
    case 'anyone':
      return null;
    case 'service_key':
      return { kind: 'key', name: caller.name, email: null, subject: null };
    case 'personal_key':
    case 'session':
      return {
        kind: 'person',
        name: personName(caller.person),
        email: caller.person.email,
        subject: caller.person.subject,
      };
  }
}

/**
 * Whether a caller may revert a submission by `author` (SPEC §16): an admin anyone's, an editor their own, a viewer
 * none. NOTE: a service key that may write, and anyone on a server without keys or sign-in, may revert anything,
 * as before people signed in: they are the operator's own tools (README "Signing in").
 */
export function mayRevert(caller: Caller, author: Author): boolean {
  const role = roleOfCaller(caller);
  if (!mayWrite(role)) return false;
  if (caller.kind === 'anyone' || caller.kind === 'service_key' || role === 'admin') return true;
  return author?.kind === 'person' && author.subject === caller.person.subject;
}

/** How the caller is named in a sentence: "The API key 'ci'", or "This connection" without a key. */
function callerWords(identity: Identity): string {
  return identity.name === null ? 'This connection' : `The API key '${identity.name}'`;
}

/**
 * Why the caller may not do `action`, in the user's words, for the note beside the disabled button; null when
 * they may, or when the server did not say who they are (an older server: the server itself still refuses).
 */
export function whyNotAllowed(
  identity: Identity | null,
  action: WriteAction,
  /** For a revert: who made the submission, so an editor is told they may revert only their own. */
  author?: Author,
): string | null {
  if (identity === null) return null;
  if (action === 'load') return whyNotLoad(identity);
  if (mayWrite(identity.role)) {
    if (action !== 'revert' || author === undefined || identity.role !== 'editor') return null;
    if (identity.subject === undefined) return null;
    if (author?.kind === 'person' && author.subject === identity.subject) return null;
    const whose = author === null ? 'nobody recorded' : `${author.name}'s`;
    return `Editors can revert their own submissions; this one is ${whose}. Ask an admin to revert it.`;
  }
  if (identity.via === 'session') {
    return action === 'submit'
      ? 'Viewers can preview; ask an admin to make you an editor to submit.'
      : 'Viewers can see what a revert would do; ask an admin to make you an editor to revert.';
  }
  if (identity.key_name !== undefined) {
    const what = action === 'submit' ? 'preview, not submit' : 'show what a revert would do, not revert';
    return `Your key '${identity.key_name}' is a viewer's key: it can ${what}. Make a key with the editor role on the Keys page.`;
  }
  const what =
    action === 'submit'
      ? 'it can find spans and preview, not submit'
      : 'it can show what a revert would do, not revert';
  const to = action === 'submit' ? 'To submit' : 'To revert';
  return `${callerWords(identity)} is read-only: ${what}. ${to}, enter a key that may write in Settings.`;
}

/** Why the caller may not load spans from Arize AX (an admin's, or the operator's tools', SPEC §16), or null. */
function whyNotLoad(identity: Identity): string | null {
  if (identity.role === 'admin' || identity.via === 'none') return null;
  const serviceKey = identity.via === 'key' && identity.subject === undefined;
  if (serviceKey) {
    return mayWrite(identity.role)
      ? null
      : `${callerWords(identity)} is read-only: it can find spans, not load them from Arize. To load, enter a key that may write in Settings.`;
  }
  if (identity.via === 'session') {
    return 'Loading spans from Arize is for admins; ask an admin to load them, or to make you an admin.';
  }
  return `Your key '${identity.key_name ?? identity.name ?? ''}' is not an admin's key: loading spans from Arize needs an admin. Sign in as an admin, or ask one to load them.`;
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

/** The start of the submitter recorded on a person's submissions: `person:<subject>`. */
const PERSON_SUBMITTER = 'person:';

/**
 * Whose a submission is, as the stores record it (`key_name`) and scope Idempotency-Keys and the batches of one
 * submission by: a service key's name, `person:<subject>` for a person (signed in or with their own key, so their
 * browser and their command line continue each other's submissions), null for anyone.
 */
export function submitterOf(caller: Caller): string | null {
  switch (caller.kind) {
    case 'anyone':
      return null;
    case 'service_key':
      return caller.name;
    case 'personal_key':
    case 'session':
      return `${PERSON_SUBMITTER}${caller.person.subject}`;
  }
}

/** The submitter of a person's submissions (`submitterOf`), from their subject: what History filters by. */
export function submitterOfPerson(subject: string): string {
  return `${PERSON_SUBMITTER}${subject}`;
}

/**
 * Who made a submission (SPEC §16), from what was recorded of the person who sent it (`recorded`, when the server
 * knows people) or else from its submitter: a service key by name, a person by subject; null for anyone.
 */
export function authorOfSubmission(submitter: string | null, recorded: Author | undefined): Author {
  if (recorded !== undefined && recorded !== null) return recorded;
  if (submitter === null || submitter === '') return null;
  if (submitter.startsWith(PERSON_SUBMITTER)) {
    const subject = submitter.slice(PERSON_SUBMITTER.length);
    return { kind: 'person', name: subject, email: null, subject };
  }
  return { kind: 'key', name: submitter, email: null, subject: null };
}

/**
 * Who made a submission, in a few words for History and the command line: `Ana <ana@example.com>` for a person,
 * `key ci` for an API key; null for nobody recorded. A server older than sign-in sends no author: its key's name.
 */
export function authorWords(submission: { author?: Author; key_name: string | null }): string | null {
  const { author } = submission;
  if (author === undefined) return submission.key_name === null ? null : `key ${submission.key_name}`;
  if (author === null) return null;
  if (author.kind === 'key') return `key ${author.name}`;
  return author.email === null || author.email === author.name
    ? author.name
    : `${author.name} <${author.email}>`;
}
