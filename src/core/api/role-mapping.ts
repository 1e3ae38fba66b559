import { type Role, roleSchema } from './api-schema';

/** One entry of SPANPATCH_OIDC_ROLE_MAPPING: a value of the role claim (a group), or `*`, and the role it gives. */
export interface RoleRule {
  /** A value of the claim, matched exactly; `*` matches every person who signs in. */
  value: string;
  role: Role;
}

/**
 * Reads SPANPATCH_OIDC_ROLE_MAPPING (SPEC §16): `spanpatch-admins:admin,support:editor,*:viewer`, entries in the
 * order they are tried. A value may itself hold `:` (the role is after the last one). Throws with a readable message
 * naming the first entry that is not `value:role` with a role of viewer, editor or admin.
 */
export function parseRoleMapping(text: string): RoleRule[] {
  const rules: RoleRule[] = [];
  for (const entry of text.split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const colon = trimmed.lastIndexOf(':');
    const value = colon < 0 ? '' : trimmed.slice(0, colon).trim();
    const role = roleSchema.safeParse(colon < 0 ? '' : trimmed.slice(colon + 1).trim());
    if (value === '' || !role.success) {
      throw new Error(
        `'${trimmed.slice(0, 60)}' must be value:role with a role of viewer, editor or admin (e.g. support:editor, *:viewer)`,
      );
    }
    rules.push({ value, role: role.data });
  }
  if (rules.length === 0) throw new Error('lists no value:role entry (e.g. spanpatch-admins:admin,*:viewer)');
  return rules;
}

/** The values a role claim holds: a text is one value, a list its texts; anything else none. */
function claimValues(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === 'string');
  return [];
}

/**
 * The role a person gets from their role claim (SPEC §16): the first rule, in the mapping's order, whose value the
 * claim holds (or `*`); null when none matches, and then the person has no access.
 */
export function roleFromClaim(claim: unknown, rules: readonly RoleRule[]): Role | null {
  const values = new Set(claimValues(claim));
  for (const rule of rules) if (rule.value === '*' || values.has(rule.value)) return rule.role;
  return null;
}
