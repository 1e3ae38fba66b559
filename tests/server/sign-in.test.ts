import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRouteAccess, apiRoutes, parseRoleMapping, routePath } from '@/core/api';
import {
  auditPageSchema,
  createdKeySchema,
  identitySchema,
  spanDetailSchema,
  submissionSchema,
  submissionsResponseSchema,
} from '@/core/api/api-schema';
import { runCli, tempFolder } from '../cli/cli-process';
import { startServer } from '@/server/start-server';
import type { SignInSettings } from '@/server/http/sign-in';
import { CookieJar, freePort, signInAs } from '../support/browser-session';
import {
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_ROLE_MAPPING,
  type TestProvider,
} from '../support/oidc-provider';
import { ingestSpans, spanId, startTestServer, type TestServer } from './test-server';

// Sign-in with a real OpenID Connect provider (SPEC §16), at the HTTP level: the authorization code flow through
// the provider's own login page, sessions, roles from the groups claim, people's own keys and the audit, on the
// run's store (SQLite, or PostgreSQL in the `postgres` project).

let provider: TestProvider;
let server: TestServer;
let settings: SignInSettings;
/** The servers' clock: a test moves it to see a session expire. */
let clockOffsetMs = 0;
const now = () => new Date(Date.now() + clockOffsetMs);
const project = 'people';

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
    sessionSecret: 'a-session-secret-of-at-least-thirty-two-characters',
  };
  server = await startTestServer({
    port,
    signIn: settings,
    now,
    apiKeys: [{ name: 'ci', key: 'ci-secret' }],
  });
  await ingestSpans(server, project, [{ spanId: spanId(1), metadata: { tier: 'free' } }], {
    Authorization: 'Bearer ci-secret',
  });
});

afterAll(async () => {
  await server?.stop();
  await provider?.close();
});

/** Signs in as `login` and answers the browser, its sign-in having ended well. */
async function signedIn(login: 'ana' | 'vic' | 'adm'): Promise<CookieJar> {
  const jar = new CookieJar();
  const result = await signInAs(jar, server.url, login);
  expect(result.response.status, await result.response.clone().text()).toBe(303);
  expect(result.response.headers.get('Location')).toBe('/');
  return jar;
}

async function me(jar: CookieJar, url = server.url): Promise<{ status: number; body: unknown }> {
  const response = await jar.fetch(`${url}/api/v1/me`);
  return { status: response.status, body: await response.json() };
}

/** A JSON write with the browser's cookie, from Spanpatch's own page (`Origin`) unless told otherwise. */
async function write(
  jar: CookieJar,
  method: 'POST' | 'DELETE',
  path: string,
  body: unknown,
  origin: string = settings.publicUrl,
): Promise<{
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
}> {
  const response = await jar.fetch(`${server.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Origin: origin },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

const patchPath = `/api/v1/projects/${project}/spans/metadata`;
const patchBody = (value: string) => ({
  spans: [{ span_id: spanId(1), patch_document: { reviewed: value } }],
});

describe('signing in with the identity provider', () => {
  it('signs an editor in through the provider: a session cookie, and /me says who with the role of their groups', async () => {
    const jar = await signedIn('ana');
    const cookie = jar.get(server.url, 'spanpatch_session');
    expect(cookie).toBeDefined();
    const answer = await me(jar);
    expect(answer.status).toBe(200);
    expect(identitySchema.parse(answer.body)).toMatchObject({
      name: 'Ana Editor',
      email: 'ana@example.com',
      role: 'editor',
      via: 'session',
    });
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, with an expiry', async () => {
    const jar = new CookieJar();
    const result = await signInAs(jar, server.url, 'ana');
    const line = result.response.headers.getSetCookie().find((text) => text.startsWith('spanpatch_session='));
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);
    expect(line).toMatch(/Expires=/i);
  });

  it('lets an editor submit with the cookie from its own pages, and refuses the same write from another origin', async () => {
    const jar = await signedIn('ana');
    const mine = await write(jar, 'POST', patchPath, patchBody('by ana'));
    expect(mine.status).toBe(200);
    const forged = await write(jar, 'POST', patchPath, patchBody('forged'), 'http://evil.example');
    expect(forged.status).toBe(403);
    expect(forged.body.error?.code).toBe('cross_origin');
  });

  it('lets a viewer read and preview but not write, saying why', async () => {
    const jar = await signedIn('vic');
    expect(identitySchema.parse((await me(jar)).body).role).toBe('viewer');
    const spans = await jar.fetch(`${server.url}/api/v1/projects/${project}/spans`);
    expect(spans.status).toBe(200);
    const refused = await write(jar, 'POST', patchPath, patchBody('by vic'));
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('role_too_low');
    expect(refused.body.error?.message).toContain('Ask an admin to make you an editor');
  });

  it('refuses a viewer every route that writes, whatever its body', async () => {
    const jar = await signedIn('vic');
    for (const route of Object.values(apiRoutes)) {
      const rule = apiRouteAccess[route.id as keyof typeof apiRouteAccess];
      if (route.writes === false || rule.access === 'viewer' || rule.access === 'person') continue;
      const params = Object.fromEntries(
        [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => [match[1] ?? '', project]),
      );
      const response = await jar.fetch(`${server.url}${routePath(route, params as never)}`, {
        method: route.method,
        headers: { 'Content-Type': 'application/json', Origin: settings.publicUrl },
        body: JSON.stringify(route.id === 'revertSubmission' ? { dry_run: false } : {}),
      });
      expect(response.status, `${route.method} ${route.path}`).toBe(403);
    }
  });

  it('gives no access to a person whose groups match no role, and records the failed sign-in', async () => {
    const jar = new CookieJar();
    const result = await signInAs(jar, server.url, 'nob');
    expect(result.response.status).toBe(403);
    expect(await result.response.text()).toContain('no access');
    expect(jar.get(server.url, 'spanpatch_session')).toBeUndefined();
    expect((await me(jar)).status).toBe(401);
  });

  it('refuses a callback whose state is not the one it sent', async () => {
    const jar = new CookieJar();
    const result = await signInAs(jar, server.url, 'ana');
    // A second browser carrying the first one's callback (another state): the code is not for it.
    const other = new CookieJar();
    const start = await other.fetch(`${server.url}/auth/login`);
    expect(start.status).toBe(302);
    const tampered = new URL(result.callbackUrl);
    tampered.searchParams.set('state', 'not-the-state-that-was-sent');
    const answer = await other.fetch(tampered.toString());
    expect(answer.status).toBe(400);
    expect(other.get(server.url, 'spanpatch_session')).toBeUndefined();
  });

  it('refuses a replayed code, even with the login cookie it came with', async () => {
    const jar = new CookieJar();
    const first = await signInAs(jar, server.url, 'ana');
    expect(first.response.status).toBe(303);
    const thief = new CookieJar();
    expect(first.loginCookie).toBeDefined();
    thief.set(server.url, 'spanpatch_login', first.loginCookie ?? '');
    const replay = await thief.fetch(first.callbackUrl);
    expect(replay.status).toBe(400);
    expect(thief.get(server.url, 'spanpatch_session')).toBeUndefined();
  });

  it('ends the session at sign-out: the old cookie no longer works', async () => {
    const jar = await signedIn('ana');
    const cookie = jar.get(server.url, 'spanpatch_session') ?? '';
    const out = await jar.fetch(`${server.url}/auth/logout`, {
      method: 'POST',
      headers: { Origin: settings.publicUrl },
    });
    expect(out.status).toBe(303);
    expect(jar.get(server.url, 'spanpatch_session')).toBeUndefined();
    const replayed = new CookieJar();
    replayed.set(server.url, 'spanpatch_session', cookie);
    expect((await me(replayed)).status).toBe(401);
  });

  it('ends a session when it expires', async () => {
    const jar = await signedIn('ana');
    expect((await me(jar)).status).toBe(200);
    clockOffsetMs = 9 * 60 * 60 * 1000;
    try {
      expect((await me(jar)).status).toBe(401);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('rotates the session token after a while, and the new one works', async () => {
    const jar = await signedIn('ana');
    const first = jar.get(server.url, 'spanpatch_session');
    clockOffsetMs = 20 * 60 * 1000;
    try {
      expect((await me(jar)).status).toBe(200);
      const second = jar.get(server.url, 'spanpatch_session');
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      expect((await me(jar)).status).toBe(200);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('accepts a session made on one server on another server of the same database', async () => {
    const jar = await signedIn('ana');
    const second = await startServer({
      port: 0,
      dbPath: server.dbPath,
      databaseUrl: server.databaseUrl,
      logLevel: 'silent',
      signIn: settings,
    });
    try {
      const cookie = jar.get(server.url, 'spanpatch_session') ?? '';
      const other = new CookieJar();
      other.set(second.url, 'spanpatch_session', cookie);
      const answer = await me(other, second.url);
      expect(answer.status).toBe(200);
      expect(identitySchema.parse(answer.body).name).toBe('Ana Editor');
    } finally {
      await second.close();
    }
  });
});

describe("people's own API keys", () => {
  it('makes a key shown once, which the command line uses as a bearer key, with a role no higher than theirs', async () => {
    const jar = await signedIn('ana');
    const made = await write(jar, 'POST', '/api/v1/keys', { name: 'laptop' });
    expect(made.status).toBe(200);
    const key = createdKeySchema.parse(made.body);
    expect(key.key).toMatch(/^spk_/);
    expect(key.role).toBe('editor');
    const bearer = { Authorization: `Bearer ${key.key}` };
    const identity = await fetch(`${server.url}/api/v1/me`, { headers: bearer });
    expect(identitySchema.parse(await identity.json())).toMatchObject({
      name: 'Ana Editor',
      via: 'key',
      role: 'editor',
      key_name: 'laptop',
    });
    const listed = await jar.fetch(`${server.url}/api/v1/keys`);
    const keys = ((await listed.json()) as { keys: { id: string; last_used_at: string | null }[] }).keys;
    const row = keys.find((item) => item.id === key.id);
    expect(row?.last_used_at).not.toBeNull();
    expect(JSON.stringify(keys)).not.toContain(key.key);

    const tooHigh = await write(await signedIn('vic'), 'POST', '/api/v1/keys', { name: 'x', role: 'editor' });
    expect(tooHigh.status).toBe(403);
    expect(tooHigh.body.error?.code).toBe('role_too_low');
  });

  it("refuses a viewer's key any write", async () => {
    const jar = await signedIn('ana');
    const made = createdKeySchema.parse(
      (await write(jar, 'POST', '/api/v1/keys', { name: 'ro', role: 'viewer' })).body,
    );
    const answer = await fetch(`${server.url}${patchPath}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${made.key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(patchBody('by key')),
    });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('read_only_key');
  });

  it('refuses a revoked key at once, on every server of the database', async () => {
    const jar = await signedIn('ana');
    const made = createdKeySchema.parse((await write(jar, 'POST', '/api/v1/keys', { name: 'ci' })).body);
    const second = await startServer({
      port: 0,
      dbPath: server.dbPath,
      databaseUrl: server.databaseUrl,
      logLevel: 'silent',
      signIn: settings,
    });
    try {
      const bearer = { Authorization: `Bearer ${made.key}` };
      expect((await fetch(`${second.url}/api/v1/me`, { headers: bearer })).status).toBe(200);
      const revoked = await write(jar, 'DELETE', `/api/v1/keys/${made.id}`, undefined);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revoked_at).not.toBeNull();
      expect((await fetch(`${second.url}/api/v1/me`, { headers: bearer })).status).toBe(403);
      expect((await fetch(`${server.url}/api/v1/me`, { headers: bearer })).status).toBe(403);
    } finally {
      await second.close();
    }
  });

  it('refuses an expired key', async () => {
    const jar = await signedIn('ana');
    const expires = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const made = createdKeySchema.parse(
      (await write(jar, 'POST', '/api/v1/keys', { name: 'short', expires_at: expires })).body,
    );
    const bearer = { Authorization: `Bearer ${made.key}` };
    expect((await fetch(`${server.url}/api/v1/me`, { headers: bearer })).status).toBe(200);
    clockOffsetMs = 2 * 60 * 60 * 1000;
    try {
      expect((await fetch(`${server.url}/api/v1/me`, { headers: bearer })).status).toBe(403);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('refuses making a key without signing in: a service key is not a person', async () => {
    const answer = await fetch(`${server.url}/api/v1/keys`, {
      method: 'POST',
      headers: { Authorization: 'Bearer ci-secret', 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('sign_in_required');
  });
});

describe('the audit', () => {
  it('shows an admin sign-ins, failed sign-ins, keys made and revoked; refuses an editor', async () => {
    const ana = await signedIn('ana');
    const made = createdKeySchema.parse((await write(ana, 'POST', '/api/v1/keys', { name: 'audited' })).body);
    await write(ana, 'DELETE', `/api/v1/keys/${made.id}`, undefined);
    await signInAs(new CookieJar(), server.url, 'nob');
    const refused = await ana.fetch(`${server.url}/api/v1/audit`);
    expect(refused.status).toBe(403);

    const adm = await signedIn('adm');
    const answer = await adm.fetch(`${server.url}/api/v1/audit?limit=200`);
    expect(answer.status).toBe(200);
    const { events } = auditPageSchema.parse(await answer.json());
    const actions = new Set(events.map((event) => event.action));
    for (const action of ['sign_in', 'sign_in_failed', 'key_created', 'key_revoked'] as const) {
      expect(actions, action).toContain(action);
    }
    const created = events.find((event) => event.action === 'key_created' && event.detail.key_id === made.id);
    expect(created?.actor).toMatchObject({ kind: 'person', name: 'Ana Editor', email: 'ana@example.com' });
    expect(created?.address).toBe('127.0.0.1');
    const failed = events.find(
      (event) => event.action === 'sign_in_failed' && event.actor?.name === 'Nob Nobody',
    );
    expect(failed).toBeDefined();
  });
});

describe('who did what', () => {
  async function submitted(jar: CookieJar, value: string): Promise<string> {
    const answer = await write(jar, 'POST', patchPath, patchBody(value));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return String(answer.body.submission_id);
  }

  it("records the person on each submission: History shows and filters by them, and a span's changes say who", async () => {
    const ana = await signedIn('ana');
    const id = await submitted(ana, 'who-1');
    const viaKey = await fetch(`${server.url}${patchPath}`, {
      method: 'POST',
      headers: { Authorization: 'Bearer ci-secret', 'Content-Type': 'application/json' },
      body: JSON.stringify(patchBody('who-2')),
    });
    const keyId = ((await viaKey.json()) as { submission_id: string }).submission_id;

    const one = submissionSchema.parse(
      await (await ana.fetch(`${server.url}/api/v1/submissions/${id}`)).json(),
    );
    expect(one.author).toEqual({
      kind: 'person',
      name: 'Ana Editor',
      email: 'ana@example.com',
      subject: 'ana',
    });
    const list = submissionsResponseSchema.parse(
      await (await ana.fetch(`${server.url}/api/v1/submissions?limit=200`)).json(),
    );
    expect(list.submissions.find((item) => item.id === keyId)?.author).toEqual({
      kind: 'key',
      name: 'ci',
      email: null,
      subject: null,
    });
    const hers = submissionsResponseSchema.parse(
      await (await ana.fetch(`${server.url}/api/v1/submissions?limit=200&person=ana`)).json(),
    );
    expect(hers.submissions.map((item) => item.id)).toContain(id);
    expect(hers.submissions.map((item) => item.id)).not.toContain(keyId);
    expect(hers.submissions.every((item) => item.author?.subject === 'ana')).toBe(true);

    const span = spanDetailSchema.parse(
      await (await ana.fetch(`${server.url}/api/v1/projects/${project}/spans/${spanId(1)}`)).json(),
    );
    expect(span.changes.find((change) => change.submission_id === id)?.author?.name).toBe('Ana Editor');
    expect(span.changes.find((change) => change.submission_id === keyId)?.author?.name).toBe('ci');
  });

  it("lets an editor revert their own submissions, not another's; an admin reverts anyone's; the audit says who", async () => {
    const ana = await signedIn('ana');
    const adm = await signedIn('adm');
    const byAdmin = await submitted(adm, 'admin-wrote');
    const refused = await write(ana, 'POST', `/api/v1/submissions/${byAdmin}/revert`, { dry_run: false });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('not_your_submission');
    expect(refused.body.error?.message).toContain("Adm Admin's");
    const dryRun = await write(ana, 'POST', `/api/v1/submissions/${byAdmin}/revert`, { dry_run: true });
    expect(dryRun.status).toBe(200);

    const byAna = await submitted(ana, 'ana-wrote');
    expect((await write(ana, 'POST', `/api/v1/submissions/${byAna}/revert`, { dry_run: false })).status).toBe(
      200,
    );
    const anaAgain = await submitted(ana, 'ana-wrote-again');
    expect(
      (await write(adm, 'POST', `/api/v1/submissions/${anaAgain}/revert`, { dry_run: false })).status,
    ).toBe(200);

    const audit = auditPageSchema.parse(
      await (await adm.fetch(`${server.url}/api/v1/audit?action=revert`)).json(),
    );
    expect(audit.events.map((event) => [event.detail.submission_id, event.actor?.name])).toEqual(
      expect.arrayContaining([
        [byAna, 'Ana Editor'],
        [anaAgain, 'Adm Admin'],
      ]),
    );
  });

  it("says in a span's change history who made each change: the person who sent it, then the one who reverted it", async () => {
    const ana = await signedIn('ana');
    const adm = await signedIn('adm');
    const sent = await submitted(ana, 'to-be-reverted');
    const reverted = await write(adm, 'POST', `/api/v1/submissions/${sent}/revert`, { dry_run: false });
    expect(reverted.status, JSON.stringify(reverted.body)).toBe(200);
    const revertId = String(reverted.body.submission_id);

    const span = spanDetailSchema.parse(
      await (await ana.fetch(`${server.url}/api/v1/projects/${project}/spans/${spanId(1)}`)).json(),
    );
    const byWhom = (id: string) =>
      span.changes
        .filter((change) => change.submission_id === id)
        .map((change) => [change.key, change.submission_kind, change.author]);
    expect(byWhom(sent)).toEqual([
      ['reviewed', 'patch', { kind: 'person', name: 'Ana Editor', email: 'ana@example.com', subject: 'ana' }],
    ]);
    expect(byWhom(revertId)).toEqual([
      ['reviewed', 'revert', { kind: 'person', name: 'Adm Admin', email: 'adm@example.com', subject: 'adm' }],
    ]);
  });

  it("prints who sent each submission in the command line's history, used with a person's own key", async () => {
    const ana = await signedIn('ana');
    await submitted(ana, 'for-the-cli');
    const key = createdKeySchema.parse((await write(ana, 'POST', '/api/v1/keys', { name: 'cli' })).body);
    const folder = await tempFolder();
    try {
      const run = await runCli(['history', '--project', project, '--limit', '3'], {
        cwd: folder.dir,
        env: { SPANPATCH_URL: server.url, SPANPATCH_KEY: key.key },
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('by Ana Editor <ana@example.com>');
    } finally {
      await folder.remove();
    }
  });

  it("prints only one person's submissions with `history --person <subject>`", async () => {
    const ana = await signedIn('ana');
    const adm = await signedIn('adm');
    const hers = await submitted(ana, 'for-person-ana');
    const his = await submitted(adm, 'for-person-adm');
    const folder = await tempFolder();
    try {
      const env = { SPANPATCH_URL: server.url, SPANPATCH_KEY: 'ci-secret' };
      const run = await runCli(['history', '--project', project, '--person', 'ana', '--limit', '1000'], {
        cwd: folder.dir,
        env,
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain(`Submissions in project ${project} made by ana, newest first`);
      expect(run.stdout).toContain(hers);
      expect(run.stdout).not.toContain(his);
      expect(run.stdout).toContain('by Ana Editor <ana@example.com>');
      expect(run.stdout).not.toContain('Adm Admin');

      const json = await runCli(['history', '--person', 'adm', '--json'], { cwd: folder.dir, env });
      expect(json.status, json.stderr).toBe(0);
      const page = submissionsResponseSchema.parse(JSON.parse(json.stdout));
      expect(page.submissions.map((submission) => submission.id)).toContain(his);
      expect(page.submissions.every((submission) => submission.author?.subject === 'adm')).toBe(true);

      const nobody = await runCli(['history', '--project', project, '--person', 'nobody-here'], {
        cwd: folder.dir,
        env,
      });
      expect(nobody.status, nobody.stderr).toBe(0);
      expect(nobody.stdout).toContain(`No submission yet in project ${project} made by nobody-here.`);
    } finally {
      await folder.remove();
    }
  });
});
