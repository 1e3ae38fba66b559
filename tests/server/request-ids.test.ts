import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSpans, spanId, startTestServer, type TestServer } from './test-server';

/** A log line as pino writes it. */
type LogLine = Record<string, unknown> & { msg: string };

const lines: LogLine[] = [];
const logger = pino(
  { level: 'debug' },
  {
    write(line: string) {
      lines.push(JSON.parse(line) as LogLine);
    },
  },
);

const writer = { Authorization: 'Bearer writer-key-ids' };
let server: TestServer;

beforeAll(async () => {
  // The test's requests come from loopback, here the trusted proxy whose request IDs are kept.
  server = await startTestServer({
    apiKeys: [{ name: 'writer', key: 'writer-key-ids' }],
    trustedProxies: ['127.0.0.1', '::1'],
    logger,
  });
  await ingestSpans(server, 'p', [{ spanId: spanId(1) }, { spanId: spanId(2) }], writer);
});

afterAll(async () => {
  await server.stop();
});

const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The log lines of one request. */
const linesOf = (requestId: string) => lines.filter((line) => line.requestId === requestId);

describe('X-Request-Id', () => {
  it('is on every answer: a success, a 404, a 401, a probe', async () => {
    const answers = await Promise.all([
      fetch(`${server.url}/api/v1/projects`, { headers: writer }),
      fetch(`${server.url}/api/v1/projects/nope/metadata/fields`, { headers: writer }),
      fetch(`${server.url}/nothing-here`),
      fetch(`${server.url}/api/v1/projects`),
      fetch(`${server.url}/readyz`),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 404, 404, 401, 200]);
    const ids = answers.map((answer) => answer.headers.get('x-request-id') ?? '');
    for (const id of ids) expect(id).toMatch(SAFE_ID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the ID a trusted proxy sent only: another client cannot choose the ID of its log lines', async () => {
    const direct = await startTestServer({ apiKeys: [{ name: 'writer', key: 'writer-key-ids' }] });
    try {
      const answer = await fetch(`${direct.url}/livez`, { headers: { 'X-Request-Id': 'chosen-by-client' } });
      expect(answer.status).toBe(200);
      const id = answer.headers.get('x-request-id') ?? '';
      expect(id).toMatch(SAFE_ID);
      expect(id).not.toBe('chosen-by-client');
    } finally {
      await direct.stop();
    }
  });

  it('keeps the ID a request came with when it is a short safe token, and makes a new one otherwise', async () => {
    const kept = await fetch(`${server.url}/livez`, { headers: { 'X-Request-Id': 'lb-7f3a.c0ffee_01' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.c0ffee_01');
    for (const unsafe of ['has space', 'x'.repeat(129), 'new\u0085line', '<script>', 'a/b']) {
      const answer = await fetch(`${server.url}/livez`, { headers: { 'X-Request-Id': encodeURI(unsafe) } });
      const id = answer.headers.get('x-request-id') ?? '';
      expect(id).toMatch(SAFE_ID);
      expect(id).not.toBe(encodeURI(unsafe));
    }
  });

  it('is in each log line of its request, with the key name and the project', async () => {
    const answer = await fetch(`${server.url}/api/v1/projects/p/spans/metadata`, {
      method: 'POST',
      headers: { ...writer, 'Content-Type': 'application/json', 'X-Request-Id': 'submit-42' },
      body: JSON.stringify({ spans: [{ span_id: spanId(1), patch_document: { reviewed: 'yes' } }] }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toBe('submit-42');
    const logged = linesOf('submit-42');
    expect(logged).toEqual([
      expect.objectContaining({
        msg: 'request',
        requestId: 'submit-42',
        keyName: 'writer',
        project: 'p',
        method: 'POST',
        path: '/api/v1/projects/p/spans/metadata',
        status: 200,
      }),
    ]);
  });

  it('is in the log lines of an ingest, a failed request and a route without a project, with null for what it lacks', async () => {
    const ingest = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { ...writer, 'Content-Type': 'application/json', 'X-Request-Id': 'ingest-1' },
      body: JSON.stringify({ resourceSpans: [] }),
    });
    expect(ingest.status).toBe(200);
    const ingestLines = linesOf('ingest-1');
    expect(ingestLines.map((line) => line.msg)).toEqual(['ingested OTLP spans', 'request']);
    for (const line of ingestLines) expect(line).toMatchObject({ keyName: 'writer', project: null });

    const refused = await fetch(`${server.url}/api/v1/projects/p/spans`, {
      headers: { 'X-Request-Id': 'no-key' },
    });
    expect(refused.status).toBe(401);
    expect(linesOf('no-key')).toEqual([
      expect.objectContaining({ msg: 'request', status: 401, keyName: null }),
    ]);

    const missing = await fetch(`${server.url}/favicon.ico`, { headers: { 'X-Request-Id': 'missing' } });
    expect(missing.status).toBe(404);
    expect(linesOf('missing')).toEqual([
      expect.objectContaining({ msg: 'request', status: 404, keyName: null, project: null }),
    ]);
  });
});
