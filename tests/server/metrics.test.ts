import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestSpans, postJson, spanId, startTestServer, type TestServer, testStore } from './test-server';

let server: TestServer | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

/** The value of one sample of the Prometheus text, e.g. `spanpatch_spans_applied_total`; undefined when absent. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

const patchRoute = '/api/v1/projects/{project}/spans/metadata';

describe('GET /metrics', () => {
  it('is a 404 unless SPANPATCH_METRICS turns it on', async () => {
    server = await startTestServer();
    const answer = await fetch(`${server.url}/metrics`);
    expect(answer.status).toBe(404);
    expect(await answer.text()).toBe('No route GET /metrics');
  });

  it('counts requests by route and status, spans by outcome and error type, batches, and the store’s connections', async () => {
    server = await startTestServer({ metrics: true });
    await ingestSpans(server, 'p', [{ spanId: spanId(1) }, { spanId: spanId(2) }, { spanId: spanId(3) }]);
    await postJson(`${server.url}/api/v1/projects/p/spans/metadata`, {
      spans: [
        { span_id: spanId(1), patch_document: { reviewed: 'yes' } },
        { span_id: spanId(2), patch_document: { score: 3 } },
        { span_id: spanId(9), patch_document: { reviewed: 'yes' } },
        { span_id: spanId(3), patch_document: '{not json' },
      ],
    });
    const again = await postJson(`${server.url}/api/v1/projects/p/spans/metadata`, {
      spans: [{ span_id: spanId(1), patch_document: { reviewed: 'yes' } }],
    });
    expect(again.body).toMatchObject({ spans_unchanged: 1 });
    await fetch(`${server.url}/api/v1/projects/nope/metadata/fields`);

    const answer = await fetch(`${server.url}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await answer.text();
    expect(sample(text, 'spanpatch_spans_applied_total')).toBe(2);
    expect(sample(text, 'spanpatch_spans_unchanged_total')).toBe(1);
    expect(sample(text, 'spanpatch_spans_failed_total{error_type="segment_not_found"}')).toBe(1);
    expect(sample(text, 'spanpatch_spans_failed_total{error_type="parse_failure"}')).toBe(1);
    expect(sample(text, 'spanpatch_submission_batches_total{kind="patch"}')).toBe(2);
    expect(
      sample(text, `spanpatch_http_requests_total{method="POST",route="${patchRoute}",status="200"}`),
    ).toBe(2);
    expect(
      sample(
        text,
        'spanpatch_http_requests_total{method="GET",route="/api/v1/projects/{project}/metadata/fields",status="404"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        `spanpatch_http_request_duration_seconds_count{method="POST",route="${patchRoute}",status="200"}`,
      ),
    ).toBe(2);
    expect(text).toContain(
      `spanpatch_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="${patchRoute}",status="200"} 2`,
    );
    expect(sample(text, 'spanpatch_store_errors_total')).toBeUndefined();
    expect(text).toContain('# TYPE spanpatch_store_errors_total counter');
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    if (testStore() === 'postgres') {
      for (const pool of ['reads', 'writes']) {
        expect(sample(text, `spanpatch_db_pool_connections{pool="${pool}",state="total"}`)).toBeGreaterThan(
          0,
        );
        expect(sample(text, `spanpatch_db_pool_connections{pool="${pool}",state="waiting"}`)).toBe(0);
      }
    } else {
      expect(sample(text, 'spanpatch_sqlite_write_queue')).toBe(0);
    }
  });

  it('names a path no route matches as one label, and the app’s files as another, never the raw path', async () => {
    const probe = await startTestServer();
    const uiDir = join(probe.dir, 'ui');
    await probe.stop();
    await mkdir(uiDir, { recursive: true });
    await writeFile(join(uiDir, 'index.html'), '<!doctype html><title>Spanpatch</title>');
    server = await startTestServer({ metrics: true, staticDir: uiDir });
    for (const path of ['/a', '/b', '/c', '/', '/history']) await fetch(`${server.url}${path}`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(text, 'spanpatch_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(
      3,
    );
    expect(sample(text, 'spanpatch_http_requests_total{method="GET",route="static",status="200"}')).toBe(2);
    expect(text).not.toContain('route="/a"');
    expect(text).not.toContain('route="/history"');
  });

  it('needs the API key when the server has keys', async () => {
    server = await startTestServer({ metrics: true, apiKeys: [{ name: 'ops', key: 'ops-key-metrics' }] });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const answer = await fetch(`${server.url}/metrics`, {
      headers: { Authorization: 'Bearer ops-key-metrics' },
    });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('# TYPE spanpatch_http_requests_total counter');
  });
});
