import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { type Author, type Caller, lowerRole, type Person, type RoleRule, roleFromClaim } from '@/core/api';
import type { AccessStore, SessionRecord } from '@/server/store';
import { HttpError } from './api-error';
import type { AppEnv } from './app-env';
import type { PeopleAuth } from './auth';
import { clientAddressOf, type TrustedProxies } from './client-address';
import { FailedAttempts } from './failed-attempts';

/** How the server signs people in with their OpenID Connect provider (SPEC §16), as configured. */
export interface SignInSettings {
  /** SPANPATCH_OIDC_ISSUER: the provider, found by discovery (`<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  /** Null for a public client (PKCE alone). */
  clientSecret: string | null;
  /** SPANPATCH_PUBLIC_URL: the address people use; the redirect URI is `<it>/auth/callback`. */
  publicUrl: string;
  /** The claim whose values map to roles (e.g. `groups`). */
  roleClaim: string;
  roleRules: readonly RoleRule[];
  /** The scopes asked for: `openid` and what brings the name, email and role claim. */
  scopes: string;
  /** SPANPATCH_SESSION_SECRET: signs the cookies. */
  sessionSecret: string;
}

/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** A session's token is replaced by a new one once it is this old. */
export const SESSION_ROTATE_MS = 15 * 60 * 1000;
/** How long a rotated token still works (requests already on their way with it). */
const ROTATION_GRACE_MS = 60 * 1000;
/** How long a person has to sign in at the provider. */
const LOGIN_TTL_SECONDS = 10 * 60;

const SESSION_COOKIE = 'spanpatch_session';
const LOGIN_COOKIE = 'spanpatch_login';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A new random token: 256 bits, base64url. */
function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Where to go after signing in: a path of this app only (never another site). */
function safeReturnPath(value: string | undefined): string {
  if (value === undefined || !value.startsWith('/') || value.startsWith('//') || value.includes('\\'))
    return '/';
  return value;
}

/** The page shown when a sign-in does not end well: what happened, and a link to try again. */
function failurePage(c: Context, status: 400 | 403 | 429 | 503, message: string): Response {
  const escaped = message.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return c.html(
    `<!doctype html><meta charset="utf-8"><title>Spanpatch: sign-in</title>` +
      `<main style="font-family:sans-serif;max-width:40rem;margin:3rem auto"><h1>Sign-in did not work</h1>` +
      `<p role="alert">${escaped}</p><p><a href="/auth/login">Sign in again</a> · <a href="/">Back to Spanpatch</a></p></main>`,
    status,
  );
}

/** The text of a claim, when it is one. */
function claimText(claims: Record<string, unknown>, name: string): string | null {
  const value = claims[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** What a sign-in and the keys need from the server. */
export interface SignInDeps {
  settings: SignInSettings;
  access: AccessStore;
  trustedProxies: TrustedProxies;
  logger: Logger;
  /** The clock, as ISO text; a test may set it. */
  now?: () => Date;
}

/**
 * Sign-in with OpenID Connect (SPEC §16): the authorization code flow with PKCE, `state` and `nonce`; sessions in
 * the store (a signed, HttpOnly, SameSite=Lax cookie holding a random token, of which the store keeps a hash),
 * rotated every 15 minutes and ended at sign-out; and people's own API keys. Answers the `PeopleAuth` the auth
 * middleware asks, and registers `/auth/login`, `/auth/callback` and `/auth/logout`.
 */
export class SignIn {
  private config: Promise<oidc.Configuration> | null = null;
  private readonly failures = new FailedAttempts(10, 60_000);
  private readonly secure: boolean;
  private readonly origin: string;
  private readonly now: () => Date;

  constructor(private readonly deps: SignInDeps) {
    this.secure = deps.settings.publicUrl.startsWith('https:');
    this.origin = new URL(deps.settings.publicUrl).origin;
    this.now = deps.now ?? (() => new Date());
  }

  /** The provider's configuration, discovered once (again after a failure). */
  private discover(): Promise<oidc.Configuration> {
    if (this.config === null) {
      const { issuer, clientId, clientSecret } = this.deps.settings;
      const url = new URL(issuer);
      const options = url.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined;
      this.config = oidc.discovery(url, clientId, clientSecret ?? undefined, undefined, options);
      this.config.catch(() => {
        this.config = null;
      });
    }
    return this.config;
  }

  private redirectUri(): string {
    return new URL('/auth/callback', this.deps.settings.publicUrl).toString();
  }

  private audit(
    c: Context<AppEnv>,
    action: Parameters<AccessStore['recordAudit']>[0]['action'],
    actor: Author,
    detail: Record<string, string | null>,
  ): Promise<void> {
    return this.deps.access.recordAudit({
      at: this.now().toISOString(),
      action,
      actor,
      address: clientAddressOf(c, this.deps.trustedProxies),
      detail,
    });
  }

  /** The auth middleware's view of people: their own keys and their sessions. */
  readonly auth: PeopleAuth = {
    findPersonalKey: (token) => this.findPersonalKey(token),
    findSession: (c) => this.findSession(c),
    checkCookieWrite: (c) => {
      // NOTE: a write with the cookie must come from this app's own pages (SPEC §16): a browser always sends Origin
      // with a POST or DELETE, and another site cannot forge it.
      if (c.req.header('Origin') !== this.origin) {
        throw new HttpError(
          403,
          'cross_origin',
          `A change made with the sign-in cookie must come from Spanpatch's own pages (${this.origin})`,
        );
      }
    },
  };

  private async findPersonalKey(token: string): Promise<Caller | null> {
    const match = /^spk_([0-9a-f]{16})_([A-Za-z0-9_-]{20,100})$/.exec(token);
    if (!match?.[1] || !match[2]) return null;
    const key = await this.deps.access.findKey(match[1]);
    // NOTE: the hash of a key not found is still compared, so a wrong ID takes as long as a wrong secret.
    const presented = Buffer.from(sha256(match[2]), 'hex');
    const stored = Buffer.from(key?.secretHash ?? sha256('no key'), 'hex');
    const same = stored.length === presented.length && timingSafeEqual(stored, presented);
    if (key === null || !same) return null;
    const now = this.now().toISOString();
    if (
      key.revokedAt !== null ||
      (key.expiresAt !== null && key.expiresAt <= now) ||
      key.ownerRole === null
    ) {
      return null;
    }
    await this.deps.access.touchKey(key.id, now);
    return {
      kind: 'personal_key',
      keyId: key.id,
      keyName: key.name,
      person: key.owner,
      role: lowerRole(key.role, key.ownerRole),
    };
  }

  private async sessionToken(c: Context): Promise<string | null> {
    const token = await getSignedCookie(c, this.deps.settings.sessionSecret, SESSION_COOKIE);
    return typeof token === 'string' && token !== '' ? token : null;
  }

  private async setSessionCookie(c: Context, token: string, expiresAt: string): Promise<void> {
    await setSignedCookie(c, SESSION_COOKIE, token, this.deps.settings.sessionSecret, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: this.secure,
      expires: new Date(expiresAt),
    });
  }

  private async findSession(c: Context): Promise<Caller | null> {
    const token = await this.sessionToken(c);
    if (token === null) return null;
    const now = this.now();
    const session = await this.deps.access.findSession(sha256(token), now.toISOString());
    if (session === null) return null;
    if (now.getTime() - Date.parse(session.issuedAt) >= SESSION_ROTATE_MS) await this.rotate(c, session, now);
    return { kind: 'session', person: session.person, role: session.role };
  }

  /** Gives a session a new token (the old one works a minute more), so a stolen cookie soon stops working. */
  private async rotate(c: Context, session: SessionRecord, now: Date): Promise<void> {
    const token = newToken();
    const successor: SessionRecord = { ...session, tokenHash: sha256(token), issuedAt: now.toISOString() };
    const grace = new Date(now.getTime() + ROTATION_GRACE_MS).toISOString();
    if (await this.deps.access.rotateSession(session.tokenHash, grace, successor)) {
      await this.setSessionCookie(c, token, successor.expiresAt);
    }
  }

  /** Registers the routes of signing in and out (outside the shared table: browser navigations and a form). */
  register(app: Hono<AppEnv>): void {
    // NOTE: each is open to anyone (`serverRouteAccess` in src/core/api/route-access.ts).
    app.get('/auth/status', (c) => c.json({ sign_in: true }));
    app.get('/auth/login', (c) => this.login(c));
    app.get('/auth/callback', (c) => this.callback(c));
    app.post('/auth/logout', (c) => this.logout(c));
  }

  private async login(c: Context<AppEnv>): Promise<Response> {
    let config: oidc.Configuration;
    try {
      config = await this.discover();
    } catch (error) {
      this.deps.logger.warn({ err: error, issuer: this.deps.settings.issuer }, 'OIDC discovery failed');
      return failurePage(
        c,
        503,
        `Spanpatch cannot reach the identity provider ${this.deps.settings.issuer} right now. Try again in a moment; if it lasts, tell whoever runs Spanpatch (SPANPATCH_OIDC_ISSUER).`,
      );
    }
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const returnTo = safeReturnPath(c.req.query('return_to'));
    await setSignedCookie(
      c,
      LOGIN_COOKIE,
      JSON.stringify({ verifier, state, nonce, returnTo }),
      this.deps.settings.sessionSecret,
      { path: '/auth', httpOnly: true, sameSite: 'Lax', secure: this.secure, maxAge: LOGIN_TTL_SECONDS },
    );
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(),
      scope: this.deps.settings.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return c.redirect(url.toString(), 302);
  }

  private async failSignIn(
    c: Context<AppEnv>,
    status: 400 | 403,
    reason: string,
    message: string,
    actor: Author = null,
  ): Promise<Response> {
    const address = clientAddressOf(c, this.deps.trustedProxies);
    this.failures.record(address);
    await this.audit(c, 'sign_in_failed', actor, { reason });
    return failurePage(c, status, message);
  }

  private async callback(c: Context<AppEnv>): Promise<Response> {
    const address = clientAddressOf(c, this.deps.trustedProxies);
    const waitMs = this.failures.waitMs(address);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      c.header('Retry-After', String(seconds));
      return failurePage(c, 429, `Too many failed sign-ins from this address; try again in ${seconds} s.`);
    }
    const login = await getSignedCookie(c, this.deps.settings.sessionSecret, LOGIN_COOKIE);
    deleteCookie(c, LOGIN_COOKIE, { path: '/auth', secure: this.secure });
    const started = parseLogin(login);
    if (started === null) {
      return this.failSignIn(
        c,
        400,
        'no_login',
        'This sign-in was not started here, or took longer than 10 minutes. Start again.',
      );
    }
    const error = c.req.query('error');
    if (error !== undefined) {
      const description = c.req.query('error_description');
      return this.failSignIn(
        c,
        400,
        `provider: ${error.slice(0, 100)}`,
        `The identity provider refused the sign-in: ${(description ?? error).slice(0, 300)}`,
      );
    }
    let claims: Record<string, unknown>;
    try {
      const config = await this.discover();
      const current = new URL(`/auth/callback${new URL(c.req.url).search}`, this.deps.settings.publicUrl);
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: started.verifier,
        expectedState: started.state,
        expectedNonce: started.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      const sub = claimText(claims, 'sub');
      if (sub !== null && claims[this.deps.settings.roleClaim] === undefined) {
        // The role claim is often given by the userinfo endpoint only.
        const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
        claims = { ...info, ...claims, [this.deps.settings.roleClaim]: info[this.deps.settings.roleClaim] };
      }
    } catch (caught) {
      const why = caught instanceof Error ? caught.message : String(caught);
      this.deps.logger.warn({ reason: why }, 'a sign-in failed');
      return this.failSignIn(
        c,
        400,
        why.slice(0, 200),
        `The sign-in could not be completed (${why.slice(0, 200)}). Start again.`,
      );
    }
    const subject = claimText(claims, 'sub');
    if (subject === null)
      return this.failSignIn(c, 400, 'no subject', 'The identity provider did not say who you are.');
    const person: Person = {
      subject,
      name: claimText(claims, 'name') ?? claimText(claims, 'preferred_username'),
      email: claimText(claims, 'email'),
    };
    const actor: Author = {
      kind: 'person',
      name: person.name ?? person.email ?? subject,
      email: person.email,
      subject,
    };
    const role = roleFromClaim(claims[this.deps.settings.roleClaim], this.deps.settings.roleRules);
    const now = this.now();
    const { previousRole } = await this.deps.access.recordSignIn(person, role, now.toISOString());
    if (previousRole !== undefined && previousRole !== role) {
      await this.audit(c, 'role_changed', actor, { from: previousRole, to: role });
    }
    if (role === null) {
      return this.failSignIn(
        c,
        403,
        'no role',
        `You signed in as ${actor.name}, but none of your ${this.deps.settings.roleClaim} gives a role in Spanpatch, so you have no access. Ask an admin of Spanpatch to add you.`,
        actor,
      );
    }
    // NOTE: a session cookie the browser had before is ended: each sign-in gets a token of its own (no fixation).
    const before = await this.sessionToken(c);
    if (before !== null) await this.deps.access.endSession(sha256(before));
    const token = newToken();
    const session: SessionRecord = {
      tokenHash: sha256(token),
      family: randomBytes(16).toString('hex'),
      person,
      role,
      signedInAt: now.toISOString(),
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
    };
    await this.deps.access.createSession(session);
    await this.setSessionCookie(c, token, session.expiresAt);
    await this.audit(c, 'sign_in', actor, { role });
    return c.redirect(started.returnTo, 303);
  }

  private async logout(c: Context<AppEnv>): Promise<Response> {
    this.auth.checkCookieWrite(c);
    const token = await this.sessionToken(c);
    if (token !== null) {
      const session = await this.deps.access.findSession(sha256(token), this.now().toISOString());
      await this.deps.access.endSession(sha256(token));
      if (session !== null) {
        const { person } = session;
        await this.audit(
          c,
          'sign_out',
          {
            kind: 'person',
            name: person.name ?? person.email ?? person.subject,
            email: person.email,
            subject: person.subject,
          },
          {},
        );
      }
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: this.secure });
    return c.redirect('/', 303);
  }
}

/** What the login cookie holds; null when it is missing, forged or not ours. */
function parseLogin(
  value: string | false | undefined,
): { verifier: string; state: string; nonce: string; returnTo: string } | null {
  if (typeof value !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { verifier, state, nonce, returnTo } = parsed as Record<string, unknown>;
    if (typeof verifier !== 'string' || typeof state !== 'string' || typeof nonce !== 'string') return null;
    return {
      verifier,
      state,
      nonce,
      returnTo: safeReturnPath(typeof returnTo === 'string' ? returnTo : undefined),
    };
  } catch {
    return null;
  }
}

/** A new personal key: its public ID, the key to show once, and the hash to store. */
export function newPersonalKey(): { id: string; key: string; secretHash: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `spk_${id}_${secret}`, secretHash: sha256(secret) };
}
