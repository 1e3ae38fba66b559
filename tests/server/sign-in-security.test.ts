import type * as NodeCrypto from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiRouteAccess, apiRoutes, parseRoleMapping, routePath } from '@/core/api';
import { createdKeySchema, lookupResponseSchema, submissionsResponseSchema } from '@/core/api/api-schema';
import type { SignInSettings } from '@/server/http/sign-in';
import { startServer } from '@/server/start-server';
import { CookieJar, freePort, signInAs } from '../support/browser-session';
import {
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_ROLE_MAPPING,
  type TestLogin,
  type TestProvider,
} from '../support/oidc-provider';
import { ingestSpans, spanId, startTestServer, type TestServer } from './test-server';

// The security of signing in (issue 24, "Security"), at the HTTP level against a real OpenID provider, on the run's
// store (SQLite, or PostgreSQL in the `postgres` project: then "every server" is two servers on one database).

// NOTE: the comparisons of keys are counted: every one goes through `timingSafeEqual` (the real one).
const compared = vi.hoisted(() => ({ calls: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof NodeCrypto>();
  const timingSafeEqual: typeof actual.timingSafeEqual = (a, b) => {
    compared.calls++;
    return actual.timingSafeEqual(a, b);
  };
  return { ...actual, default: { ...actual, timingSafeEqual }, timingSafeEqual };
});

let provider: TestProvider;
let server: TestServer;
let settings: SignInSettings;
let clockOffsetMs = 0;
const now = () => new Date(Date.now() + clockOffsetMs);
const project = 'guarded';
/** Every line the server logged, at the most detailed level. */
const logged: string[] = [];
const SERVICE_KEYS = [
  { name: 'ci', key: 'ci-secret-key-0001' },
  { name: 'deploy', key: 'deploy-secret-key-0002' },
  { name: 'reader', key: 'reader-secret-key-0003', access: 'read' as const },
];
const ci = { Authorization: `Bearer ${SERVICE_KEYS[0]?.key}` };

function captureLogs() {
  return pino(
    { name: 'spanpatch', level: 'trace' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
}

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  provider = await startTestProvider([`${publicUrl}/auth/callback`]);
  settings = {
    issuer: provider.issuer,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    publicUrl,
    roleClaim: 'groups',
    roleRules: parseRoleMapping(TEST_ROLE_MAPPING),
    scopes: 'openid profile email groups',
    sessionSecret: 'another-session-secret-of-at-least-thirty-two-chars',
  };
  server = await startTestServer({
    port,
    signIn: settings,
    now,
    apiKeys: SERVICE_KEYS,
    logger: captureLogs(),
    authRateLimit: { maxFailures: 1000, windowMs: 60_000 },
  });
  await ingestSpans(server, project, [{ spanId: spanId(1), metadata: { tier: 'free' } }], ci);
});

afterAll(async () => {
  await server?.stop();
  await provider?.close();
});

beforeEach(() => {
  clockOffsetMs = 0;
});

async function signedIn(login: TestLogin, jar = new CookieJar(), url = server.url): Promise<CookieJar> {
  const result = await signInAs(jar, url, login);
  expect(result.response.status, await result.response.clone().text()).toBe(303);
  return jar;
}

const meStatus = async (jar: CookieJar, url = server.url) => (await jar.fetch(`${url}/api/v1/me`)).status;
const keyStatus = async (key: string, url = server.url) =>
  (await fetch(`${url}/api/v1/me`, { headers: { Authorization: `Bearer ${key}` } })).status;

async function makeKey(jar: CookieJar, body: Record<string, unknown>) {
  const response = await jar.fetch(`${server.url}/api/v1/keys`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: settings.publicUrl },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return createdKeySchema.parse(await response.json());
}

const patchPath = `/api/v1/projects/${project}/spans/metadata`;
const patchBody = (value: string) => ({ spans: [{ span_id: spanId(1), patch_document: { tier: value } }] });

/** The span's metadata and the number of submissions: what a refused write must leave as it was. */
async function state(): Promise<unknown> {
  const lookup = await fetch(`${server.url}/api/v1/projects/${project}/spans/lookup`, {
    method: 'POST',
    headers: { ...ci, 'Content-Type': 'application/json' },
    body: JSON.stringify({ span_ids: [spanId(1)] }),
  });
  const submissions = await fetch(`${server.url}/api/v1/submissions?limit=1000`, { headers: ci });
  return {
    metadata: lookupResponseSchema.parse(await lookup.json()).spans[0]?.metadata,
    submissions: submissionsResponseSchema.parse(await submissions.json()).submissions.length,
  };
}

describe('a viewer cannot write', () => {
  it('through any route of the route table: signed in, with their own key, or with a read-only service key', async () => {
    const editor = await signedIn('ana');
    const patched = await editor.fetch(`${server.url}${patchPath}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: settings.publicUrl },
      body: JSON.stringify(patchBody('pro')),
    });
    expect(patched.status).toBe(200);
    const submissionId = ((await patched.json()) as { submission_id: string }).submission_id;

    const viewer = await signedIn('vic');
    const viewerKey = await makeKey(viewer, { name: 'vic-ro' });
    expect(viewerKey.role).toBe('viewer');
    const callers: [string, (path: string, init: RequestInit) => Promise<Response>][] = [
      [
        'session',
        (path, init) =>
          viewer.fetch(`${server.url}${path}`, {
            ...init,
            headers: { ...init.headers, Origin: settings.publicUrl },
          }),
      ],
      [
        'own key',
        (path, init) =>
          fetch(`${server.url}${path}`, {
            ...init,
            headers: { ...init.headers, Authorization: `Bearer ${viewerKey.key}` },
          }),
      ],
      [
        'read-only service key',
        (path, init) =>
          fetch(`${server.url}${path}`, {
            ...init,
            headers: { ...init.headers, Authorization: `Bearer ${SERVICE_KEYS[2]?.key}` },
          }),
      ],
    ];
    const before = await state();
    let tried = 0;
    for (const route of Object.values(apiRoutes)) {
      const rule = apiRouteAccess[route.id as keyof typeof apiRouteAccess];
      // A viewer's own keys (make, revoke) are theirs to manage; the handlers check whose.
      if (route.writes === false || rule.access === 'viewer' || rule.access === 'person') continue;
      const params = Object.fromEntries(
        [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => {
          const name = match[1] ?? '';
          return [name, name === 'id' ? submissionId : project];
        }),
      );
      // A body the route would take from an editor, so a refusal is the role's, not the body's.
      const body =
        route.id === 'patchSpanMetadata'
          ? patchBody('by a viewer')
          : route.id === 'revertSubmission'
            ? { dry_run: false }
            : {};
      for (const [who, send] of callers) {
        const response = await send(routePath(route, params as never), {
          method: route.method,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(response.status, `${who}: ${route.method} ${route.path}`).toBe(403);
        tried++;
      }
    }
    expect(tried).toBeGreaterThanOrEqual(3 * 4);
    expect(await state()).toEqual(before);

    // Revoking is the owner's (or an admin's): another person's key is answered as missing, and keeps working.
    const anasKey = await makeKey(editor, { name: 'ana-ci' });
    const revoke = await viewer.fetch(`${server.url}/api/v1/keys/${anasKey.id}`, {
      method: 'DELETE',
      headers: { Origin: settings.publicUrl },
    });
    expect(revoke.status).toBe(404);
    expect(await keyStatus(anasKey.key)).toBe(200);
  });
});

describe('a key stopped is refused at once on every server', () => {
  it('refuses a revoked key and an expired key on both servers of one database', async () => {
    const second = await startServer({
      port: 0,
      dbPath: server.dbPath,
      databaseUrl: server.databaseUrl,
      logLevel: 'silent',
      signIn: settings,
      now,
    });
    try {
      const ana = await signedIn('ana');
      const expires = new Date(Date.now() + 60 * 60 * 1000).toISOString();
      const expiring = await makeKey(ana, { name: 'expiring', expires_at: expires });
      const revoking = await makeKey(ana, { name: 'revoking' });
      for (const url of [server.url, second.url]) {
        expect(await keyStatus(expiring.key, url)).toBe(200);
        expect(await keyStatus(revoking.key, url)).toBe(200);
      }
      // Revoked through the second server (the session is valid there too): the first refuses it at once.
      ana.set(second.url, 'spanpatch_session', ana.get(server.url, 'spanpatch_session') ?? '');
      const revokedThere = await ana.fetch(`${second.url}/api/v1/keys/${revoking.id}`, {
        method: 'DELETE',
        headers: { Origin: settings.publicUrl },
      });
      expect(revokedThere.status, await revokedThere.clone().text()).toBe(200);
      for (const url of [server.url, second.url]) expect(await keyStatus(revoking.key, url)).toBe(403);

      clockOffsetMs = 2 * 60 * 60 * 1000;
      for (const url of [server.url, second.url]) expect(await keyStatus(expiring.key, url)).toBe(403);
    } finally {
      await second.close();
    }
  });
});

describe('sessions cannot be fixed or replayed', () => {
  it('gives each sign-in a token of its own and ends the session the browser had before', async () => {
    const jar = new CookieJar();
    jar.set(server.url, 'spanpatch_session', 'a-value-chosen-by-someone-else');
    await signedIn('ana', jar);
    const first = jar.get(server.url, 'spanpatch_session') ?? '';
    expect(first).not.toContain('a-value-chosen-by-someone-else');
    expect(await meStatus(jar)).toBe(200);

    // Signing in again (as another person, as on a shared computer) replaces the session and ends the first.
    await signedIn('adm', jar);
    const second = jar.get(server.url, 'spanpatch_session') ?? '';
    expect(second).not.toBe(first);
    const old = new CookieJar();
    old.set(server.url, 'spanpatch_session', first);
    expect(await meStatus(old)).toBe(401);
    expect(await meStatus(jar)).toBe(200);
  });

  it('ends every token of a session at sign-out, the one it rotated from too', async () => {
    const jar = await signedIn('ana');
    const first = jar.get(server.url, 'spanpatch_session') ?? '';
    clockOffsetMs = 20 * 60 * 1000;
    expect(await meStatus(jar)).toBe(200);
    const rotated = jar.get(server.url, 'spanpatch_session') ?? '';
    expect(rotated).not.toBe(first);
    const out = await jar.fetch(`${server.url}/auth/logout`, {
      method: 'POST',
      headers: { Origin: settings.publicUrl },
    });
    expect(out.status).toBe(303);
    for (const token of [first, rotated]) {
      const replay = new CookieJar();
      replay.set(server.url, 'spanpatch_session', token);
      expect(await meStatus(replay)).toBe(401);
    }
  });

  it('refuses a sign-out from another origin, which leaves the session as it was', async () => {
    const jar = await signedIn('ana');
    const forged = await jar.fetch(`${server.url}/auth/logout`, {
      method: 'POST',
      headers: { Origin: 'http://evil.example' },
    });
    expect(forged.status).toBe(403);
    expect(await meStatus(jar)).toBe(200);
  });
});

describe('keys are compared in constant time and never logged', () => {
  it('compares a service key with every configured key, whichever matches, and a person’s key even when unknown', async () => {
    compared.calls = 0;
    expect(await keyStatus(SERVICE_KEYS[0]?.key ?? '')).toBe(200);
    expect(compared.calls).toBe(SERVICE_KEYS.length);
    compared.calls = 0;
    expect(await keyStatus('not-a-key-of-this-server')).toBe(403);
    expect(compared.calls).toBe(SERVICE_KEYS.length);
    // A person's key of an ID the server never made is compared as one it made.
    compared.calls = 0;
    expect(await keyStatus(`spk_0123456789abcdef_${'x'.repeat(43)}`)).toBe(403);
    expect(compared.calls).toBe(1);
    const made = await makeKey(await signedIn('ana'), { name: 'compared' });
    compared.calls = 0;
    expect(await keyStatus(`${made.key.slice(0, -4)}xxxx`)).toBe(403);
    expect(compared.calls).toBe(1);
  });

  it('never writes a key, a secret, a session token or an authorization code into the log', async () => {
    logged.length = 0;
    const jar = new CookieJar();
    const result = await signInAs(jar, server.url, 'ana');
    expect(result.response.status).toBe(303);
    const code = new URL(result.callbackUrl).searchParams.get('code') ?? '';
    const session = jar.get(server.url, 'spanpatch_session') ?? '';
    const made = await makeKey(jar, { name: 'logged' });
    const secret = /^spk_[0-9a-f]{16}_(.+)$/.exec(made.key)?.[1] ?? '';
    expect(await keyStatus(made.key)).toBe(200);
    expect(await keyStatus(`${made.key.slice(0, -4)}wxyz`)).toBe(403);
    expect(await keyStatus(SERVICE_KEYS[1]?.key ?? '')).toBe(200);
    expect(await keyStatus('a-wrong-key-that-must-not-be-logged')).toBe(403);
    const failed = await jar.fetch(`${server.url}/auth/callback?code=${code}&state=wrong`);
    expect(failed.status).toBe(400);

    const text = logged.join('');
    expect(logged.length).toBeGreaterThan(5);
    for (const [what, value] of [
      ['personal key', made.key],
      ["personal key's secret", secret],
      ['wrong personal key', `${made.key.slice(0, -4)}wxyz`],
      ['service key', SERVICE_KEYS[1]?.key ?? ''],
      ['wrong service key', 'a-wrong-key-that-must-not-be-logged'],
      ['session cookie', session],
      ['authorization code', code],
    ] as const) {
      expect(value.length, what).toBeGreaterThan(8);
      expect(text.includes(value), `the log holds the ${what}`).toBe(false);
    }
  });
});

describe('failed sign-ins and key attempts are limited', () => {
  it('answers 429 with Retry-After to an address that keeps failing, and still lets the right key through', async () => {
    const limited = await startTestServer({
      port: 0,
      signIn: { ...settings },
      apiKeys: SERVICE_KEYS,
      authRateLimit: { maxFailures: 3, windowMs: 60_000 },
    });
    try {
      const wrongPersonal = (n: number) => `spk_${'0'.repeat(15)}${n}_${'y'.repeat(43)}`;
      for (let attempt = 0; attempt < 3; attempt++) {
        expect(await keyStatus(wrongPersonal(attempt), limited.url)).toBe(403);
      }
      const refused = await fetch(`${limited.url}/api/v1/me`, {
        headers: { Authorization: `Bearer ${wrongPersonal(9)}` },
      });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(await keyStatus(SERVICE_KEYS[0]?.key ?? '', limited.url)).toBe(200);

      // Failed sign-ins (a callback this server did not start) are limited per address too.
      let status = 0;
      let attempts = 0;
      while (status !== 429 && attempts < 50) {
        const response = await fetch(`${limited.url}/auth/callback?code=guess-${attempts}&state=guess`);
        status = response.status;
        if (status === 429) expect(Number(response.headers.get('Retry-After'))).toBeGreaterThan(0);
        else expect(status).toBe(400);
        attempts++;
      }
      expect(status).toBe(429);
      expect(attempts).toBeLessThanOrEqual(11);
    } finally {
      await limited.stop();
    }
  });
});
