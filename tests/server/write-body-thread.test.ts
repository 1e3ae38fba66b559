import { afterEach, describe, expect, it } from 'vitest';
import { ingestSpans, spanId, startTestServer, type TestServer } from './test-server';

// SPEC §11: writes never stall reads. A large metadata write body is read, checked and prepared on a parse thread,
// off the event loop that answers /healthz and lookups; what it answers is what the event loop would answer.

let server: TestServer | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

/** The value of one sample of the Prometheus text; undefined when absent. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

async function bodiesParsed(url: string): Promise<{ thread?: number; loop?: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const thread = sample(text, 'spanpatch_write_bodies_parsed_total{thread="parse_thread"}');
  const loop = sample(text, 'spanpatch_write_bodies_parsed_total{thread="event_loop"}');
  return { ...(thread === undefined ? {} : { thread }), ...(loop === undefined ? {} : { loop }) };
}

function post(url: string, body: string): Promise<Response> {
  return fetch(`${url}/api/v1/projects/p/spans/metadata`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
  });
}

/** A write of `count` spans, each with a note long enough that the body is large. */
function largeWrite(count: number, first = 1): { span_id: string; patch_document: unknown }[] {
  return Array.from({ length: count }, (_, index) => ({
    span_id: spanId(first + index),
    patch_document: { reviewed: 'yes', note: `checked by hand, row ${index} `.padEnd(60, '.') },
  }));
}

describe('a large metadata write', () => {
  it('is read on the parse thread and applied as one read on the event loop would be', async () => {
    server = await startTestServer({ metrics: true });
    await ingestSpans(
      server,
      'p',
      Array.from({ length: 2_000 }, (_, index) => ({ spanId: spanId(index + 1) })),
    );
    const spans = largeWrite(2_000);
    spans[5] = { span_id: spanId(6), patch_document: '{not json' };
    spans[7] = { span_id: spanId(8), patch_document: { __proto__x: 1, ok: { deep: [1, 2] } } };
    spans.push({ span_id: spanId(99_999), patch_document: { reviewed: 'yes' } });
    const body = JSON.stringify({ spans, submission: { id: 'big-one', label: 'Big' } });
    expect(body.length).toBeGreaterThan(64 * 1024);

    const answer = await post(server.url, body);
    expect(answer.status).toBe(200);
    const result = (await answer.json()) as Record<string, unknown>;
    expect(result).toMatchObject({
      spans_processed: 2_001,
      spans_updated: 1_999,
      spans_failed: 2,
      submission_id: 'big-one',
    });
    expect(result.errors).toEqual([
      { span_id: spanId(6), error_message: expect.stringMatching(/^\[parse_failure\] /) as unknown },
      { span_id: spanId(99_999), error_message: expect.stringMatching(/^\[segment_not_found\] /) as unknown },
    ]);
    const lookup = await fetch(`${server.url}/api/v1/projects/p/spans/lookup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ span_ids: [spanId(1), spanId(8)] }),
    });
    const found = (await lookup.json()) as { spans: { span_id: string; metadata: unknown }[] };
    expect(found.spans.find((span) => span.span_id === spanId(1))?.metadata).toMatchObject({
      reviewed: 'yes',
    });
    expect(found.spans.find((span) => span.span_id === spanId(8))?.metadata).toMatchObject({
      __proto__x: 1,
      ok: '{"deep":[1,2]}',
    });
    expect(await bodiesParsed(server.url)).toEqual({ thread: 1 });

    // A small write stays on the event loop, where it is quicker.
    const small = await post(
      server.url,
      JSON.stringify({ spans: [{ span_id: spanId(1), patch_document: { reviewed: 'no' } }] }),
    );
    expect(small.status).toBe(200);
    expect(await bodiesParsed(server.url)).toEqual({ thread: 1, loop: 1 });
  });

  it('that is not JSON is a 400 that says where, from the parse thread', async () => {
    server = await startTestServer({ metrics: true });
    const text = JSON.stringify({ spans: largeWrite(2_000) });
    // A span's closing brace dropped, past the first 64 KiB.
    const at = text.indexOf('},{', 70_000);
    const broken = `${text.slice(0, at)}${text.slice(at + 1)}`;
    const answer = await post(server.url, broken);
    expect(answer.status).toBe(400);
    const { error } = (await answer.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('malformed_json');
    expect(error.message).toBe(
      'The request body is not valid JSON: Unexpected character "{": expected a property name in double quotes ' +
        `at line 1, column ${at + 2}`,
    );
    expect(await bodiesParsed(server.url)).toEqual({ thread: 1 });
  });

  it('that does not match the API is a 400 that names the field, from the parse thread', async () => {
    server = await startTestServer({ metrics: true });
    const spans = largeWrite(10_001);
    const tooMany = await post(server.url, JSON.stringify({ spans }));
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({
      error: {
        code: 'invalid_body',
        message: expect.stringMatching(/spans.*at most 10,000 spans per request/) as unknown,
      },
    });
    const notAList = await post(
      server.url,
      JSON.stringify({ spans: Object.fromEntries(spans.map((span) => [span.span_id, span])) }),
    );
    expect(notAList.status).toBe(400);
    expect(((await notAList.json()) as { error: { code: string } }).error.code).toBe('invalid_body');
    expect(await bodiesParsed(server.url)).toEqual({ thread: 2 });
  });

  it('over the size limit is a 413 before anything is parsed', async () => {
    server = await startTestServer({ metrics: true, maxBodyBytes: 100_000 });
    const answer = await post(server.url, JSON.stringify({ spans: largeWrite(3_000) }));
    expect(answer.status).toBe(413);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
  });
});
