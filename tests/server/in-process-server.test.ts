import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProjects, listSpans, testConnection } from '@/client';
import { type InProcessServer, startInProcessServer } from './in-process-server';
import { ingestSpans, spanId, startTestServer, testStore } from './test-server';

/** The in-process server the client and component tests use where a socket adds nothing: it answers as the server. */
let server: InProcessServer;
const key = { name: 'ui', key: 'sk-in-process' };

beforeAll(async () => {
  server = await startInProcessServer({ apiKeys: [key] });
  await ingestSpans(
    server,
    'demo',
    [{ spanId: spanId(1), metadata: { label: 'good' } }, { spanId: spanId(2) }],
    {
      Authorization: `Bearer ${key.key}`,
    },
  );
});

afterAll(async () => {
  await server?.stop();
});

describe('the server run in-process (startInProcessServer)', () => {
  it("answers the client through its fetch, from the run's store", async () => {
    const options = { baseUrl: server.url, apiKey: key.key, fetch: server.fetch };
    expect(await listProjects(options)).toEqual({
      projects: [{ name: 'demo', spans: 2, target: { kind: 'local' } }],
    });
    const { spans } = await listSpans('demo', {}, options);
    expect(spans.map((span) => span.span_id).sort()).toEqual([spanId(1), spanId(2)]);
    if (testStore() === 'sqlite') expect(existsSync(server.dbPath)).toBe(true);
    else expect(server.databaseUrl).toMatch(/^postgres(ql)?:\/\//);
  });

  it('keeps the API keys and the error answers of the server', async () => {
    expect(await testConnection({ baseUrl: server.url, fetch: server.fetch })).toMatchObject({
      ok: false,
      reason: 'unauthorized',
    });
    expect(await testConnection({ baseUrl: server.url, apiKey: 'wrong', fetch: server.fetch })).toMatchObject(
      {
        ok: false,
        reason: 'forbidden',
        message: 'The API key is not valid for this server',
      },
    );
  });

  it('answers as the server on a port does', async () => {
    const onPort = await startTestServer({ apiKeys: [key] });
    try {
      const ask = (base: string, fetchImpl: typeof fetch) =>
        fetchImpl(`${base}/api/v1/projects/nope/spans?limit=0`, {
          headers: { Authorization: `Bearer ${key.key}` },
        }).then(async (response) => ({ status: response.status, body: await response.json() }));
      const inProcess = await ask(server.url, server.fetch);
      expect(inProcess).toMatchObject({ status: 400, body: { error: { code: 'invalid_query' } } });
      expect(inProcess).toEqual(await ask(onPort.url, fetch));
    } finally {
      await onPort.stop();
    }
  });

  it('reaches nothing but its own address: another one is unreachable, as with no server there', async () => {
    expect(
      await testConnection({ baseUrl: 'http://127.0.0.1:9', apiKey: key.key, fetch: server.fetch }),
    ).toMatchObject({ ok: false, reason: 'unreachable' });
  });
});
