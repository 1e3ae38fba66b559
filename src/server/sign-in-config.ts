import { z } from 'zod';
import { parseRoleMapping } from '@/core/api';
import { ConfigError } from './config';
import type { SignInSettings } from './http/sign-in';

/** Which variables sign-in needs once SPANPATCH_OIDC_ISSUER is set. */
const SIGN_IN_NEEDS = [
  'SPANPATCH_OIDC_CLIENT_ID',
  'SPANPATCH_OIDC_ROLE_MAPPING',
  'SPANPATCH_PUBLIC_URL',
  'SPANPATCH_SESSION_SECRET',
] as const;

const signInSchema = z.object({
  SPANPATCH_OIDC_ISSUER: z
    .url({ error: 'must be the URL of the OpenID Connect provider (its issuer)' })
    .optional(),
  SPANPATCH_OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
  SPANPATCH_OIDC_CLIENT_SECRET: z.string().trim().min(1).optional(),
  SPANPATCH_OIDC_ROLE_CLAIM: z.string().trim().min(1).default('groups'),
  SPANPATCH_OIDC_ROLE_MAPPING: z
    .string()
    .optional()
    .transform((text, context) => {
      if (text === undefined) return undefined;
      try {
        return parseRoleMapping(text);
      } catch (error) {
        context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
  SPANPATCH_OIDC_SCOPES: z.string().trim().min(1).default('openid profile email'),
  SPANPATCH_PUBLIC_URL: z
    .url({ error: 'must be the address people open Spanpatch at, such as https://spanpatch.example.com' })
    .optional(),
  SPANPATCH_SESSION_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (e.g. the output of openssl rand -hex 32)')
    .optional(),
});

/**
 * Reads sign-in with OpenID Connect (SPEC §16) from the environment: SPANPATCH_OIDC_ISSUER, SPANPATCH_OIDC_CLIENT_ID,
 * SPANPATCH_OIDC_CLIENT_SECRET, SPANPATCH_OIDC_ROLE_CLAIM (default `groups`), SPANPATCH_OIDC_ROLE_MAPPING,
 * SPANPATCH_OIDC_SCOPES (default `openid profile email`), SPANPATCH_PUBLIC_URL, SPANPATCH_SESSION_SECRET. Null when
 * SPANPATCH_OIDC_ISSUER is unset: no sign-in, as before. Throws a `ConfigError` listing every problem.
 */
export function loadSignInConfig(env: Readonly<Record<string, string | undefined>>): SignInSettings | null {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = signInSchema.safeParse(present);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  if (result.success && result.data.SPANPATCH_OIDC_ISSUER !== undefined) {
    const values = result.data;
    for (const name of SIGN_IN_NEEDS) {
      if (values[name] === undefined)
        problems.push(`  ${name}: is needed for sign-in (SPANPATCH_OIDC_ISSUER is set)`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`Invalid sign-in configuration:\n${problems.join('\n')}`);
  if (!result.success) return null;
  const values = result.data;
  if (values.SPANPATCH_OIDC_ISSUER === undefined) return null;
  return {
    issuer: values.SPANPATCH_OIDC_ISSUER,
    clientId: values.SPANPATCH_OIDC_CLIENT_ID ?? '',
    clientSecret: values.SPANPATCH_OIDC_CLIENT_SECRET ?? null,
    publicUrl: values.SPANPATCH_PUBLIC_URL ?? '',
    roleClaim: values.SPANPATCH_OIDC_ROLE_CLAIM,
    roleRules: values.SPANPATCH_OIDC_ROLE_MAPPING ?? [],
    scopes: values.SPANPATCH_OIDC_SCOPES,
    sessionSecret: values.SPANPATCH_SESSION_SECRET ?? '',
  };
}
