import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fieldsResponseSchema,
  projectsResponseSchema,
  spanDetailSchema,
  spansFoundSchema,
} from '@/core/api/api-schema';
import { getJson, otlpJson, postJson, spanId, startTestServer, type TestServer } from './test-server';

/**
 * The text a span arrives with, stored and read back the same on SQLite and PostgreSQL. OTLP/JSON can carry a lone
 * surrogate (`"\ud800"`), which UTF-8 cannot: it is stored as one U+FFFD, as any UTF-8 transport (OTLP protobuf
 * included) gives it, on both stores.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(() => server.stop());

describe('text with a lone surrogate, through OTLP/JSON ingest and back (SPEC §6)', () => {
  it('reads back one U+FFFD for each lone surrogate of a span name, kind, project and metadata, keeping pairs', async () => {
    const project = 'lone\ud800project';
    // JSON.stringify writes each lone surrogate as a \u escape, which is how an OTLP/JSON exporter sends it.
    const body = JSON.stringify(
      otlpJson(project, [
        {
          spanId: spanId(1),
          name: 'chat \ud83d\ude00 \ud800 end \udc00',
          kind: 'LL\udfffM',
          metadata: { 'key\udbff': 'value\ud800', fine: 'smile \ud83d\ude00' },
        },
      ]),
    );
    expect(body).toContain('\\ud800');
    const ingest = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(ingest.status, await ingest.text()).toBe(200);

    const stored = 'lone\ufffdproject';
    const projects = projectsResponseSchema.parse((await getJson(`${server.url}/api/v1/projects`)).body);
    expect(projects.projects).toContainEqual({ name: stored, spans: 1, target: { kind: 'local' } });

    const path = `/api/v1/projects/${encodeURIComponent(stored)}`;
    const detail = spanDetailSchema.parse((await getJson(`${server.url}${path}/spans/${spanId(1)}`)).body);
    expect(detail.span).toMatchObject({
      name: 'chat \ud83d\ude00 \ufffd end \ufffd',
      kind: 'LL\ufffdM',
      metadata: { 'key\ufffd': 'value\ufffd', fine: 'smile \ud83d\ude00' },
    });
    expect(detail.trace.map((span) => span.name)).toEqual(['chat \ud83d\ude00 \ufffd end \ufffd']);

    const fields = fieldsResponseSchema.parse((await getJson(`${server.url}${path}/metadata/fields`)).body);
    expect(fields.fields.map((field) => field.key).sort()).toEqual(['fine', 'key\ufffd']);

    const found = await postJson(`${server.url}${path}/spans/query`, {
      filter: {
        text: '\ufffd end',
        kinds: ['LL\ufffdM'],
        metadata: [{ key: 'key\ufffd', op: 'eq', value: 'value\ufffd' }],
      },
    });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(spansFoundSchema.parse(found.body).spans.map((span) => span.name)).toEqual([
      'chat \ud83d\ude00 \ufffd end \ufffd',
    ]);
  });
});
