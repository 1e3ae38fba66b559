import { type Caller, isReadOnlyKey, personName, roleAtLeast, roleOfCaller } from './access';
import type { apiRoutes } from './api-routes';
import type { Role } from './api-schema';

/**
 * Who may call each route (SPEC §16), declared once beside the route table: the server checks it on every route
 * before the handler runs (`src/server/routes/register-route.ts`, and the few routes outside the table), and a test
 * checks that every route the server answers is listed here.
 */

/**
 * Who may call a route: `anyone` (no key, no sign-in: the probes, signing in itself), a caller with at least a
 * role, `person`: a person signed in with the identity provider (making a key), whatever their role, or
 * `operator`: an admin, or the operator's own tools (a service key that may write; anyone on a server without keys
 * or sign-in), as for reverting anyone's submission.
 */
export type RouteAccess = 'anyone' | Role | 'person' | 'operator';

/** Who may call a route; `dryRun`: who may when its JSON body asks for a dry run (`dry_run: true`), a read. */
export interface RouteRule {
  access: RouteAccess;
  dryRun?: RouteAccess;
}

/** Who may call each route of the shared table (src/core/api/api-routes.ts), by route ID. */
export const apiRouteAccess = {
  liveness: { access: 'anyone' },
  readiness: { access: 'anyone' },
  health: { access: 'anyone' },
  openApiDocument: { access: 'viewer' },
  getMe: { access: 'viewer' },
  listProjects: { access: 'viewer' },
  patchSpanMetadata: { access: 'editor' },
  lookupSpans: { access: 'viewer' },
  getFields: { access: 'viewer' },
  listSpans: { access: 'viewer' },
  querySpans: { access: 'viewer' },
  getSpan: { access: 'viewer' },
  listSubmissions: { access: 'viewer' },
  getSubmission: { access: 'viewer' },
  listSubmissionChanges: { access: 'viewer' },
  listSubmissionErrors: { access: 'viewer' },
  // An editor reverts their own submissions, an admin anyone's: the handler checks whose (`mayRevert`).
  revertSubmission: { access: 'editor', dryRun: 'viewer' },
  // Everyone sees their own keys; an admin sees everyone's.
  listKeys: { access: 'viewer' },
  createKey: { access: 'person' },
  // The owner revokes their own key, an admin anyone's: the handler checks whose.
  revokeKey: { access: 'viewer' },
  listAudit: { access: 'admin' },
  // Loading spans from Arize AX writes Spanpatch's copy: an admin's (SPEC §16), or the operator's tools'; its
  // status is read by anyone who may read.
  loadFromArize: { access: 'operator' },
  // Counting matches across projects reads spans only.
  countSpans: { access: 'viewer' },
  arizeStatus: { access: 'viewer' },
  ingestTraces: { access: 'editor' },
} as const satisfies Record<keyof typeof apiRoutes, RouteRule>;

/**
 * Who may call the server's routes outside the shared table, by `METHOD /path`: signing in and out (browser
 * navigations and a form, not JSON API routes) and Prometheus' /metrics.
 */
export const serverRouteAccess = {
  // Whether the server signs people in: the app shows Sign in when it answers.
  'GET /auth/status': { access: 'anyone' },
  'GET /auth/login': { access: 'anyone' },
  'GET /auth/callback': { access: 'anyone' },
  'POST /auth/logout': { access: 'anyone' },
  'GET /metrics': { access: 'viewer' },
} as const satisfies Record<string, RouteRule>;

/** Why a caller may not call a route: the status and code of the answer, and a message in the user's words. */
export interface Refusal {
  status: 403;
  code: 'read_only_key' | 'role_too_low' | 'sign_in_required';
  message: string;
}

const A_ROLE: Readonly<Record<Role, string>> = { viewer: 'a viewer', editor: 'an editor', admin: 'an admin' };

/** How the caller is named in a refusal: "You (Ana)", "The API key 'ci'". */
function callerWords(caller: Caller): string {
  switch (caller.kind) {
    case 'anyone':
      return 'This connection';
    case 'service_key':
      return `The API key '${caller.name}'`;
    case 'personal_key':
      return `The key '${caller.keyName}' of ${personName(caller.person)}`;
    case 'session':
      return `You (${personName(caller.person)})`;
  }
}

/** What a read-only key is told when it tries to change something. */
function readOnlyKeyRefusal(caller: Caller): Refusal {
  return {
    status: 403,
    code: 'read_only_key',
    message:
      caller.kind === 'service_key'
        ? `The API key '${caller.name}' is read-only: it cannot change spans. Use a key without ':read'`
        : `${callerWords(caller)} is a viewer's key: it cannot change spans. Make a key with the editor role on the Keys page`,
  };
}

/**
 * Why `caller` may not call a route needing `access` (`writes`: a route that changes something, which no read-only
 * key may call), or null when they may. A read-only key trying to write is told
 * as before (`read_only_key`); a person whose role is too low is told which role it needs and whom to ask.
 */
export function refusalOf(caller: Caller, access: RouteAccess, writes = false): Refusal | null {
  if (access === 'anyone') return null;
  if (writes && isReadOnlyKey(caller)) return readOnlyKeyRefusal(caller);
  if (access === 'person') {
    if (caller.kind === 'session') return null;
    return {
      status: 403,
      code: 'sign_in_required',
      message:
        caller.kind === 'anyone'
          ? 'This server has no sign-in (SPANPATCH_OIDC_ISSUER is not set), so it has no personal keys.'
          : `${callerWords(caller)} is not a person signed in: sign in to Spanpatch in the browser and make keys on the Keys page.`,
    };
  }
  if (access === 'operator') {
    if (caller.kind === 'anyone' || caller.kind === 'service_key') return null;
    return refusalOf(caller, 'admin', writes);
  }
  const role = roleOfCaller(caller);
  if (roleAtLeast(role, access)) return null;
  if (access === 'editor' && isReadOnlyKey(caller)) return readOnlyKeyRefusal(caller);
  const ask = caller.kind === 'session' ? ` Ask an admin to make you ${A_ROLE[access]}.` : '';
  const what =
    access === 'editor'
      ? 'Viewers can read and preview; submitting and reverting needs an editor.'
      : 'Only an admin may do this.';
  const is = caller.kind === 'session' ? 'are' : 'is';
  return {
    status: 403,
    code: 'role_too_low',
    message: `${what} ${callerWords(caller)} ${is} ${A_ROLE[role]}.${ask}`,
  };
}
