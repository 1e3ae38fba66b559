import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressResponses } from '@/server/http/compression';
import { startTestServer, type TestServer } from './test-server';

/** A raw GET, so the test sees the bytes on the wire (fetch would undo the compression). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('response compression (SPEC §12)', () => {
  let server: TestServer;
  const script = `console.log(${JSON.stringify('x'.repeat(50_000))});`;

  beforeAll(async () => {
    const staticDir = join(process.cwd(), 'node_modules', '.cache', `spanpatch-gzip-${process.pid}`);
    await mkdir(join(staticDir, 'assets'), { recursive: true });
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Spanpatch</title>');
    await writeFile(join(staticDir, 'assets', 'index.js'), script);
    server = await startTestServer({ staticDir });
  });
  afterAll(() => server.stop());

  it('compresses the app script and large JSON answers when the client accepts gzip', async () => {
    const asset = await rawGet(`${server.url}/assets/index.js`, { 'Accept-Encoding': 'gzip' });
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.body.length).toBeLessThan(script.length / 10);
    expect(gunzipSync(asset.body).toString('utf8')).toBe(script);
    const document = await rawGet(`${server.url}/api/openapi.json`, { 'Accept-Encoding': 'gzip, deflate' });
    expect(document.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(document.body).toString('utf8'))).toMatchObject({ openapi: '3.1.0' });
  });

  it('sends small answers and clients that do not accept compression the bytes as they are', async () => {
    const health = await rawGet(`${server.url}/healthz`, { 'Accept-Encoding': 'gzip' });
    expect(health.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(health.body.toString('utf8'))).toMatchObject({ status: 'ok' });
    const plain = await rawGet(`${server.url}/api/openapi.json`, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body.toString('utf8'))).toMatchObject({ openapi: '3.1.0' });
  });

  it('sends every answer whole, with its Content-Length, so that one cut off on the way cannot pass for complete', async () => {
    for (const encoding of ['gzip', '']) {
      for (const path of ['/api/openapi.json', '/assets/index.js', '/healthz']) {
        const answer = await rawGet(`${server.url}${path}`, encoding ? { 'Accept-Encoding': encoding } : {});
        expect(answer.headers['transfer-encoding'], path).toBeUndefined();
        expect(answer.headers['content-length'], path).toBe(String(answer.body.length));
      }
    }
  });

  it('answers an error, never an empty 200, when an answer fails while it is being made', async () => {
    const app = new Hono();
    app.onError(() => new Response('The answer failed', { status: 500 }));
    app.use('*', compressResponses());
    const failing = () =>
      new ReadableStream({
        pull(controller) {
          controller.error(new Error('the database connection was lost'));
        },
      });
    app.get('/failing', () => new Response(failing(), { headers: { 'Content-Type': 'text/plain' } }));
    app.get(
      '/failing-json',
      () => new Response(failing(), { headers: { 'Content-Type': 'application/json' } }),
    );
    const http = createServer(getRequestListener(app.fetch));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      for (const path of ['/failing', '/failing-json']) {
        for (const encoding of ['gzip', '']) {
          const answer = await rawGet(`${base}${path}`, encoding ? { 'Accept-Encoding': encoding } : {});
          expect(answer.status, `${path} ${encoding}`).toBe(500);
        }
      }
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
