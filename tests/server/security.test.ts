import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema, patchResponseSchema } from '@/core/api';
import { lookupResponseSchema } from '@/core/api/api-schema';
import { hostNameOf, isLoopbackHost } from '@/server/http/loopback-host';
import { getJson, ingestSpans, postJson, spanId, startTestServer, type TestServer } from './test-server';

function expectApiError(body: unknown, code: string, message?: RegExp) {
  const parsed = apiErrorSchema.parse(body);
  expect(parsed.error.code).toBe(code);
  if (message) expect(parsed.error.message).toMatch(message);
}

/** A raw HTTP request, so the test can send any Host header (fetch sets its own). */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

async function labelOf(server: TestServer, project: string, id: string): Promise<unknown> {
  const lookup = await postJson(`${server.url}/api/v1/projects/${project}/spans/lookup`, { span_ids: [id] });
  return lookupResponseSchema.parse(lookup.body).spans[0]?.metadata.label;
}

describe('a server without API keys', () => {
  let server: TestServer;
  const patchUrl = () => `${server.url}/api/v1/projects/shop/spans/metadata`;
  const body = JSON.stringify({ spans: [{ span_id: spanId(1), patch_document: { label: 'evil' } }] });

  beforeAll(async () => {
    server = await startTestServer();
    await ingestSpans(server, 'shop', [{ spanId: spanId(1), metadata: { label: 'good' } }]);
  });
  afterAll(() => server.stop());

  it('refuses a cross-site write: any JSON route needs Content-Type application/json (415)', async () => {
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      '',
    ]) {
      const response = await fetch(patchUrl(), {
        method: 'POST',
        headers: { Origin: 'http://evil.example', ...(contentType ? { 'Content-Type': contentType } : {}) },
        body,
      });
      expect(response.status).toBe(415);
      expectApiError(await response.json(), 'unsupported_media_type', /Content-Type: application\/json/);
    }
    const lookup = await fetch(`${server.url}/api/v1/projects/shop/spans/lookup`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ span_ids: [spanId(1)] }),
    });
    expect(lookup.status).toBe(415);
    expect(await labelOf(server, 'shop', spanId(1))).toBe('good');
  });

  it('accepts application/json with a charset', async () => {
    const response = await fetch(patchUrl(), {
      method: 'POST',
      headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
      body: JSON.stringify({ spans: [{ span_id: spanId(1), patch_document: { seen: 'yes' } }] }),
    });
    expect(response.status).toBe(200);
    expect(patchResponseSchema.parse(await response.json()).spans_updated).toBe(1);
  });

  it('answers only requests addressed to a loopback name (against DNS rebinding)', async () => {
    const port = new URL(server.url).port;
    const refused = await rawRequest(`${server.url}/api/v1/projects`, {
      headers: { Host: `attacker.example:${port}` },
    });
    expect(refused.status).toBe(403);
    expectApiError(JSON.parse(refused.body), 'host_not_allowed', /attacker\.example/);
    const write = await rawRequest(patchUrl(), {
      method: 'POST',
      headers: { Host: 'attacker.example', 'Content-Type': 'application/json' },
      body,
    });
    expect(write.status).toBe(403);
    expect(await labelOf(server, 'shop', spanId(1))).toBe('good');
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'app.localhost']) {
      const allowed = await rawRequest(`${server.url}/api/v1/projects`, { headers: { Host: host } });
      expect(allowed.status, host).toBe(200);
    }
  });

  it('tells loopback names from others', () => {
    expect(hostNameOf('[::1]:8787')).toBe('::1');
    expect(hostNameOf('localhost:80')).toBe('localhost');
    for (const host of ['localhost', 'LOCALHOST.', 'a.localhost', '127.0.0.1', '127.1.2.3', '::1'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of [
      'attacker.example',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
      '0.0.0.0',
      '',
      '128.0.0.1',
    ])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it('refuses a search with control characters instead of matching every span', async () => {
    const response = await getJson(`${server.url}/api/v1/projects/shop/spans?q=%00`);
    expect(response.status).toBe(400);
    expectApiError(response.body, 'invalid_query', /control characters/);
  });
});

describe('idempotency keys', () => {
  let server: TestServer;
  const alice = { Authorization: 'Bearer alice-key-0001' };
  const bob = { Authorization: 'Bearer bob-key-0002' };
  const patchUrl = () => `${server.url}/api/v1/projects/shop/spans/metadata`;

  beforeAll(async () => {
    server = await startTestServer({
      apiKeys: [
        { name: 'alice', key: 'alice-key-0001' },
        { name: 'bob', key: 'bob-key-0002' },
      ],
    });
    await ingestSpans(server, 'shop', [{ spanId: spanId(1) }, { spanId: spanId(2) }], alice);
  });
  afterAll(() => server.stop());

  it('answers 422 when a key comes back with another body, and applies nothing of it', async () => {
    const key = { 'Idempotency-Key': 'reused-key-1' };
    const first = await postJson(
      patchUrl(),
      { spans: [{ span_id: spanId(1), patch_document: { label: 'first' } }] },
      { ...alice, ...key },
    );
    expect(first.status).toBe(200);
    const replay = await postJson(
      patchUrl(),
      { spans: [{ span_id: spanId(1), patch_document: { label: 'first' } }] },
      { ...alice, ...key },
    );
    expect(replay.status).toBe(200);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);

    const other = await postJson(
      patchUrl(),
      { spans: [{ span_id: spanId(2), patch_document: { label: 'second' } }] },
      { ...alice, ...key },
    );
    expect(other.status).toBe(422);
    expectApiError(other.body, 'idempotency_key_reused', /reused-key-1.*different request body/);
    const lookup = await postJson(
      `${server.url}/api/v1/projects/shop/spans/lookup`,
      { span_ids: [spanId(2)] },
      alice,
    );
    expect(lookupResponseSchema.parse(lookup.body).spans[0]?.metadata).toEqual({});
  });

  it('scopes keys to the API key that sent them: another caller never receives the first answer', async () => {
    const key = { 'Idempotency-Key': 'shared-key-2' };
    const request = { spans: [{ span_id: spanId(1), patch_document: { by: 'someone' } }] };
    const fromAlice = await postJson(patchUrl(), request, { ...alice, ...key });
    const fromBob = await postJson(patchUrl(), request, { ...bob, ...key });
    expect(fromBob.status).toBe(200);
    expect(fromBob.headers.get('Idempotent-Replayed')).toBeNull();
    const aliceId = patchResponseSchema.parse(fromAlice.body).submission_id;
    const bobId = patchResponseSchema.parse(fromBob.body).submission_id;
    expect(bobId).not.toBe(aliceId);
    const detail = await getJson(`${server.url}/api/v1/submissions/${bobId}`, bob);
    expect(detail.body).toMatchObject({ key_name: 'bob' });
  });
});

describe('read-only keys and wrong keys', () => {
  let server: TestServer;
  const writer = { Authorization: 'Bearer writer-key-1' };
  const reader = { Authorization: 'Bearer reader-key-2' };

  beforeAll(async () => {
    server = await startTestServer({
      apiKeys: [
        { name: 'writer', key: 'writer-key-1' },
        { name: 'viewer', key: 'reader-key-2', access: 'read' },
      ],
      authRateLimit: { maxFailures: 3, windowMs: 60_000 },
    });
    await ingestSpans(server, 'shop', [{ spanId: spanId(1), metadata: { label: 'good' } }], writer);
  });
  afterAll(() => server.stop());

  it('lets a read-only key read and look up, and refuses it every write with 403', async () => {
    expect((await getJson(`${server.url}/api/v1/projects`, reader)).status).toBe(200);
    const lookup = await postJson(
      `${server.url}/api/v1/projects/shop/spans/lookup`,
      { span_ids: [spanId(1)] },
      reader,
    );
    expect(lookup.status).toBe(200);
    const patch = await postJson(
      `${server.url}/api/v1/projects/shop/spans/metadata`,
      { spans: [{ span_id: spanId(1), patch_document: { label: 'changed' } }] },
      reader,
    );
    expect(patch.status).toBe(403);
    expectApiError(patch.body, 'read_only_key', /'viewer' is read-only/);
    const ingest = await postJson(`${server.url}/v1/traces`, { resourceSpans: [] }, reader);
    expect(ingest.status).toBe(403);
    const after = await postJson(
      `${server.url}/api/v1/projects/shop/spans/lookup`,
      { span_ids: [spanId(1)] },
      writer,
    );
    expect(lookupResponseSchema.parse(after.body).spans[0]?.metadata).toEqual({ label: 'good' });
  });

  it('slows down a client address that keeps presenting wrong keys (429 with Retry-After), never a valid key', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const wrong = await getJson(`${server.url}/api/v1/projects`, {
        Authorization: `Bearer guess-${attempt}`,
      });
      expect(wrong.status).toBe(403);
    }
    const limited = await fetch(`${server.url}/api/v1/projects`, {
      headers: { Authorization: 'Bearer guess-3' },
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expectApiError(await limited.json(), 'too_many_attempts', /wrong API key/);
    // The right key from the same address is never refused by the limit: only failures are limited.
    expect((await getJson(`${server.url}/api/v1/projects`, writer)).status).toBe(200);
    expect((await getJson(`${server.url}/api/v1/projects`, reader)).status).toBe(200);
    // A header pretending to be another client changes nothing without a trusted proxy.
    const spoofed = await getJson(`${server.url}/api/v1/projects`, {
      Authorization: 'Bearer guess-4',
      'X-Forwarded-For': '203.0.113.77',
    });
    expect(spoofed.status).toBe(429);
  });
});

describe('behind a trusted proxy (SPANPATCH_TRUSTED_PROXY)', () => {
  let server: TestServer;
  const writer = { Authorization: 'Bearer writer-key-1' };
  const wrongFrom = (client: string, forwardedFor = `${client}, 127.0.0.1`) => ({
    Authorization: 'Bearer not-a-key',
    'X-Forwarded-For': forwardedFor,
  });

  beforeAll(async () => {
    // The test connects from 127.0.0.1: the proxy in front of the server, as a load balancer would be.
    server = await startTestServer({
      apiKeys: [{ name: 'writer', key: 'writer-key-1' }],
      authRateLimit: { maxFailures: 3, windowMs: 60_000 },
      trustedProxies: ['127.0.0.1', '10.0.0.0/8'],
    });
  });
  afterAll(() => server.stop());

  it('limits each client behind the proxy apart, by the address the proxies forwarded', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const wrong = await getJson(`${server.url}/api/v1/projects`, wrongFrom('203.0.113.5, 10.1.2.3'));
      expect(wrong.status).toBe(403);
    }
    expect((await getJson(`${server.url}/api/v1/projects`, wrongFrom('203.0.113.5'))).status).toBe(429);
    // Another client behind the same load balancer is not held back by the first one's guesses.
    expect((await getJson(`${server.url}/api/v1/projects`, wrongFrom('203.0.113.6'))).status).toBe(403);
    // A client that puts an address of its own in front is still known by the one the proxy saw.
    const spoofed = wrongFrom('', '198.51.100.1, 203.0.113.5');
    expect((await getJson(`${server.url}/api/v1/projects`, spoofed)).status).toBe(429);
    expect(
      (await getJson(`${server.url}/api/v1/projects`, { ...writer, 'X-Forwarded-For': '203.0.113.5' }))
        .status,
    ).toBe(200);
  });
});

describe('request bodies held at once', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ maxBodyBytes: 8192, maxBufferedBytes: 8192 });
    await ingestSpans(server, 'shop', [{ spanId: spanId(1) }]);
  });
  afterAll(() => server.stop());

  it('answers 503 with Retry-After beyond the budget, and serves again once the first body is done', async () => {
    const url = new URL(`${server.url}/api/v1/projects/shop/spans/metadata`);
    const text = JSON.stringify({
      spans: [{ span_id: spanId(1), patch_document: { note: 'x'.repeat(6000) } }],
    });
    // A slow client: declares its body, sends half, and holds the rest.
    let finish: () => void = () => undefined;
    const slow = new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        url,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.write(text.slice(0, 3000));
      finish = () => request.end(text.slice(3000));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: text,
    });
    expect(second.status).toBe(503);
    expect(second.headers.get('Retry-After')).toBe('2');
    expectApiError(await second.json(), 'server_busy', /retry in a few seconds/);
    finish();
    expect(await slow).toBe(200);
    const third = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: text,
    });
    expect(third.status).toBe(200);
  });
});

describe('the UI', () => {
  let server: TestServer;

  beforeAll(async () => {
    const staticDir = join(process.cwd(), 'node_modules', '.cache', `spanpatch-ui-${process.pid}`);
    await mkdir(join(staticDir, 'assets'), { recursive: true });
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Spanpatch</title>');
    await writeFile(join(staticDir, 'assets', 'index.js'), 'console.log(1)');
    await writeFile(join(staticDir, 'assets', 'index.js.map'), '{"version":3}');
    server = await startTestServer({ staticDir });
  });
  afterAll(() => server.stop());

  it('is served with a strict Content-Security-Policy, nosniff, no framing and no referrer', async () => {
    for (const path of ['/', '/assets/index.js', '/api/v1/projects']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      const csp = response.headers.get('Content-Security-Policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(response.headers.get('X-Frame-Options')).toBe('DENY');
      expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
    }
  });

  it('never serves source maps', async () => {
    expect((await fetch(`${server.url}/assets/index.js.map`)).status).toBe(404);
  });
});

describe('where the server listens', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spanpatch-listen-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  function runMain(
    env: Record<string, string>,
  ): Promise<{ code: number | null; stderr: string; stdout: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
        env: {
          PATH: process.env.PATH ?? '',
          SPANPATCH_DB: join(dir, 'spans.db'),
          PORT: '0',
          LOG_LEVEL: 'silent',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Spanpatch is running at')) child.kill('SIGTERM');
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => resolve({ code, stderr, stdout }));
    });
  }

  /** Runs the server as `npm start` does (its configuration from the environment) until `use` is done with it. */
  async function withMain<T>(env: Record<string, string>, use: (url: string) => Promise<T>): Promise<T> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        SPANPATCH_DB: join(dir, 'cors.db'),
        PORT: '0',
        LOG_LEVEL: 'silent',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const found = /Spanpatch is running at (http:\/\/\S+)/.exec(output)?.[1];
          if (found !== undefined) resolve(found);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${output}`)));
      });
      return await use(url);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }

  /** A browser's CORS preflight for a JSON write from the Vite dev server's page. */
  const preflight = (url: string) =>
    fetch(`${url}/api/v1/projects/demo/spans/metadata`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });

  it("allows no other page's origin as configured by npm start, and the Vite dev server's in development", async () => {
    await withMain({}, async (url) => {
      const answer = await preflight(url);
      expect(answer.headers.get('Access-Control-Allow-Origin')).toBeNull();
      expect(answer.headers.get('Access-Control-Allow-Methods')).toBeNull();
      expect(answer.headers.get('Access-Control-Allow-Headers')).toBeNull();
    });
    await withMain({ NODE_ENV: 'development' }, async (url) => {
      const answer = await preflight(url);
      expect(answer.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:5173');
      expect(answer.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('content-type');
    });
  });

  it('refuses a non-loopback HOST without API keys, with one clear line', async () => {
    const result = await runMain({ HOST: '0.0.0.0' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^HOST=0\.0\.0\.0 is refused: without API keys .*SPANPATCH_API_KEYS/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('listens on loopback by default, also with API keys', async () => {
    const result = await runMain({ SPANPATCH_API_KEYS: 'ci:some-key' });
    expect(result.stdout).toMatch(/Spanpatch is running at http:\/\/127\.0\.0\.1:\d+/);
  });
});
