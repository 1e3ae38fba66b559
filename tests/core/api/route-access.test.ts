import { describe, expect, it } from 'vitest';
import {
  apiRouteAccess,
  apiRoutes,
  type Caller,
  type Person,
  mayRevert,
  parseRoleMapping,
  refusalOf,
  roleFromClaim,
  whyNotAllowed,
} from '@/core/api';

// Who may call each route (SPEC §16): the route → role table beside the route table, the roles a claim maps to,
// and the refusals in the user's words.

const ana = { subject: 'ana-sub', name: 'Ana', email: 'ana@example.com' };
const vic = { subject: 'vic-sub', name: 'Vic', email: null };
const session = (role: 'viewer' | 'editor' | 'admin', person: Person = ana): Caller => ({
  kind: 'session',
  person,
  role,
});

describe('the route → role table', () => {
  it('lists every route of the route table, and nothing else', () => {
    expect(Object.keys(apiRouteAccess).sort()).toEqual(Object.keys(apiRoutes).sort());
  });

  it('asks at least an editor (or a person) for every route that writes, and lets a viewer ask for a dry run', () => {
    // A viewer revokes their own keys (the handler checks whose): revoking only ever takes access away.
    expect(apiRouteAccess.revokeKey.access).toBe('viewer');
    for (const [id, route] of Object.entries(apiRoutes)) {
      const rule: { access: string; dryRun?: string } = apiRouteAccess[id as keyof typeof apiRouteAccess];
      if (route.writes === false || id === 'revokeKey') continue;
      expect(['editor', 'admin', 'person', 'operator'], id).toContain(rule.access);
      if (route.writes === 'unless_dry_run') expect(rule.dryRun, id).toBe('viewer');
    }
  });

  it('lets a route that reads be called by a viewer, except the audit, for admins', () => {
    for (const [id, route] of Object.entries(apiRoutes)) {
      if (route.writes !== false || route.auth === 'none') continue;
      expect(apiRouteAccess[id as keyof typeof apiRouteAccess].access, id).toBe(
        id === 'listAudit' ? 'admin' : 'viewer',
      );
    }
  });
});

describe('refusalOf', () => {
  it('lets an editor write and refuses a viewer, saying whom to ask', () => {
    expect(refusalOf(session('editor'), 'editor')).toBeNull();
    const refused = refusalOf(session('viewer', vic), 'editor');
    expect(refused?.code).toBe('role_too_low');
    expect(refused?.message).toContain('Ask an admin to make you an editor');
  });

  it('tells a read-only service key what it was always told', () => {
    const refused = refusalOf({ kind: 'service_key', name: 'ci', access: 'read' }, 'editor');
    expect(refused).toEqual({
      status: 403,
      code: 'read_only_key',
      message: "The API key 'ci' is read-only: it cannot change spans. Use a key without ':read'",
    });
  });

  it('keeps the audit for admins and making keys for people signed in', () => {
    expect(refusalOf(session('editor'), 'admin')?.code).toBe('role_too_low');
    expect(refusalOf(session('admin'), 'admin')).toBeNull();
    expect(refusalOf({ kind: 'service_key', name: 'ci', access: 'write' }, 'person')?.code).toBe(
      'sign_in_required',
    );
    expect(refusalOf(session('viewer'), 'person')).toBeNull();
  });

  it("lets admins and the operator's tools load from Arize, and tells an editor whom to ask (SPEC §16)", () => {
    expect(apiRouteAccess.loadFromArize.access).toBe('operator');
    expect(refusalOf(session('admin'), 'operator', true)).toBeNull();
    expect(refusalOf({ kind: 'anyone' }, 'operator', true)).toBeNull();
    expect(refusalOf({ kind: 'service_key', name: 'ops', access: 'write' }, 'operator', true)).toBeNull();
    const editor = refusalOf(session('editor'), 'operator', true);
    expect(editor?.code).toBe('role_too_low');
    expect(editor?.message).toContain('Ask an admin to make you an admin');
    const viewerKey = refusalOf({ kind: 'service_key', name: 'ci', access: 'read' }, 'operator', true);
    expect(viewerKey?.code).toBe('read_only_key');
    const personalKey: Caller = {
      kind: 'personal_key',
      keyId: 'k1',
      keyName: 'laptop',
      person: ana,
      role: 'editor',
    };
    expect(refusalOf(personalKey, 'operator', true)?.code).toBe('role_too_low');
  });

  it('lets anyone through on a server without keys or sign-in, as before, except to the audit', () => {
    expect(refusalOf({ kind: 'anyone' }, 'editor')).toBeNull();
    expect(refusalOf({ kind: 'anyone' }, 'admin')?.code).toBe('role_too_low');
  });
});

describe('roles from the claim', () => {
  const rules = parseRoleMapping('spanpatch-admins:admin, support:editor ,*:viewer');

  it('takes the first entry the claim holds, in the order written', () => {
    expect(roleFromClaim(['support', 'spanpatch-admins'], rules)).toBe('admin');
    expect(roleFromClaim('support', rules)).toBe('editor');
    expect(roleFromClaim(['marketing'], rules)).toBe('viewer');
  });

  it('gives no role when nothing matches and there is no *', () => {
    expect(roleFromClaim(['marketing'], parseRoleMapping('support:editor'))).toBeNull();
    expect(roleFromClaim(undefined, parseRoleMapping('support:editor'))).toBeNull();
    expect(roleFromClaim(42, parseRoleMapping('support:editor'))).toBeNull();
  });

  it('keeps a value holding a colon, and says what is wrong with an entry', () => {
    expect(parseRoleMapping('urn:team:support:editor')).toEqual([
      { value: 'urn:team:support', role: 'editor' },
    ]);
    expect(() => parseRoleMapping('support:owner')).toThrow(/viewer, editor or admin/);
    expect(() => parseRoleMapping(' , ')).toThrow(/no value:role/);
  });
});

describe('who may revert', () => {
  const byAna = { kind: 'person' as const, name: 'Ana', email: null, subject: 'ana-sub' };
  it('lets an editor revert their own, an admin anyone’s, a viewer none', () => {
    expect(mayRevert(session('editor'), byAna)).toBe(true);
    expect(mayRevert(session('editor', vic), byAna)).toBe(false);
    expect(mayRevert(session('admin', vic), byAna)).toBe(true);
    expect(mayRevert(session('viewer'), byAna)).toBe(false);
  });

  it('tells a viewer signed in why they cannot submit, where they would look', () => {
    const viewer = {
      name: 'Vic',
      email: null,
      role: 'viewer' as const,
      via: 'session' as const,
      subject: 'vic-sub',
    };
    expect(whyNotAllowed(viewer, 'submit')).toBe(
      'Viewers can preview; ask an admin to make you an editor to submit.',
    );
  });
});
