import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_VIEWS } from '@/core/api/app-pages';
import { SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION } from '@/server/store/postgres/postgres-migrations';
import { SCHEMA_VERSION as SQLITE_SCHEMA_VERSION } from '@/server/store/sqlite/sqlite-migrations';
import { TABS } from '@/ui/app/tabs';
import { startTestServer, type TestServer, testStore } from './test-server';

const APP_HTML = '<!doctype html><title>Spanpatch app</title>';

let server: TestServer;

beforeAll(async () => {
  const probe = await startTestServer();
  const uiDir = join(probe.dir, 'ui');
  await probe.stop();
  await mkdir(join(uiDir, 'assets'), { recursive: true });
  await writeFile(join(uiDir, 'index.html'), APP_HTML);
  await writeFile(join(uiDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startTestServer({ staticDir: uiDir });
});

afterAll(async () => {
  await server.stop();
});

/** What the store of this run answers on /readyz when it is up. */
function readyBody(): unknown {
  const store = testStore();
  const version = store === 'postgres' ? POSTGRES_SCHEMA_VERSION : SQLITE_SCHEMA_VERSION;
  return { status: 'ok', store: { kind: store, schema_version: version } };
}

describe('the probes', () => {
  it('/livez answers 200 while the process runs', async () => {
    const live = await fetch(`${server.url}/livez`);
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await live.json()).toEqual({ status: 'ok' });
  });

  it('/readyz says the store answers, with its kind and schema version', async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await ready.json()).toEqual(readyBody());
  });

  it('/healthz is readiness under its old name, with its fields status and store', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual(readyBody());
  });

  it('HEAD works on every probe, for load balancers that send it', async () => {
    for (const path of ['/livez', '/readyz', '/healthz']) {
      expect((await fetch(`${server.url}${path}`, { method: 'HEAD' })).status, path).toBe(200);
    }
  });
});

describe('paths that are not the app', () => {
  it('the app itself: /, its views and their sub-paths answer index.html', async () => {
    for (const path of ['/', '/history', '/results', '/results/some-submission', '/spans/']) {
      const page = await fetch(`${server.url}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(await page.text(), path).toBe(APP_HTML);
    }
  });

  it('every view of the app is a page the server serves', () => {
    expect([...APP_VIEWS]).toEqual(TABS.map((tab) => tab.id));
  });

  it('/metrics (off by default), a missing file and a path that is no page answer a plain 404, never the app', async () => {
    for (const path of [
      '/metrics',
      '/nonexistent.js',
      '/assets/old.js',
      '/nope',
      '/historyx',
      '/wp-login.php',
    ]) {
      const answer = await fetch(`${server.url}${path}`);
      expect(answer.status, path).toBe(404);
      expect(answer.headers.get('content-type'), path).toMatch(/^text\/plain/);
      const text = await answer.text();
      expect(text, path).toBe(`No route GET ${path}`);
      expect(text).not.toContain('<title>');
    }
  });

  it('a probe asked with the wrong method is a plain 404 too', async () => {
    for (const path of ['/livez', '/readyz', '/healthz']) {
      const answer = await fetch(`${server.url}${path}`, { method: 'POST' });
      expect(answer.status, path).toBe(404);
      expect(await answer.text()).toBe(`No route POST ${path}`);
    }
  });

  it('under /api and /v1 a 404 is JSON', async () => {
    for (const path of ['/api/v1/nope', '/api', '/v1/nope']) {
      const answer = await fetch(`${server.url}${path}`);
      expect(answer.status, path).toBe(404);
      expect(await answer.json()).toEqual({
        error: { code: 'not_found', message: `No route GET ${path}` },
      });
    }
  });
});
