import { type ClientRequest, request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '@/core/api';
import { projectsResponseSchema } from '@/core/api/api-schema';
import {
  MAX_SPANS_PER_EXPORT,
  MAX_VALUES_OUTSIDE_SPANS,
  MAX_VALUES_PER_SPAN,
} from '@/server/otlp/export-count';
import { exportTraceRequestType, exportTraceResponseType } from '@/server/otlp/otlp-proto';
import { getJson, postJson, startTestServer, type TestServer } from './test-server';

let server: TestServer;
/** Requests a test left open, closed after it (also when it fails). */
const openRequests = new Set<ClientRequest>();

beforeAll(async () => {
  server = await startTestServer();
});

afterEach(() => {
  for (const request of openRequests) request.destroy();
  openRequests.clear();
});

afterAll(async () => {
  await server.stop();
});

const protobufGzip = { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' };

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** A length-delimited protobuf field (wire type 2) holding `payload`. */
function delimited(fieldNumber: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((fieldNumber << 3) | 2), varint(payload.length), payload]);
}

/** An ExportTraceServiceRequest of one ResourceSpans and one ScopeSpans holding `spans` (Span fields, encoded). */
function oneScope(spans: Buffer): Buffer {
  return delimited(1, delimited(2, spans));
}

/** `count` copies of a two-byte field `tag, 0`: an empty message or string, each. */
function emptyFields(tag: number, count: number): Buffer {
  return Buffer.alloc(count * 2).fill(Buffer.from([tag, 0]));
}

interface Answer {
  status: number;
  body: Buffer;
}

/**
 * Starts a POST /v1/traces and writes `body`, leaving the request open unless `end` (the client goes on
 * uploading, as far as the server knows). `sent` resolves once the body is handed to the socket.
 */
function upload(
  headers: Record<string, string>,
  body: Buffer,
  end = false,
): { request: ClientRequest; sent: Promise<void>; answer: Promise<Answer> } {
  const request = httpRequest(`${server.url}/v1/traces`, { method: 'POST', headers });
  openRequests.add(request);
  const answer = new Promise<Answer>((resolve, reject) => {
    request.on('response', (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts) }));
      response.on('error', reject);
    });
    // NOTE: after its early answer the server may close the connection while this client still uploads.
    request.on('error', reject);
  });
  const sent = new Promise<void>((resolve) => {
    if (end) request.end(body, () => resolve());
    else request.write(body, () => resolve());
  });
  return { request, sent, answer };
}

function expectApiError(json: Buffer | string, code: string, message: RegExp): void {
  const body = apiErrorSchema.parse(JSON.parse(json.toString()));
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(message);
}

/** An OTLP/JSON body whose one scope holds `count` spans written as `span`. */
function jsonSpans(count: number, span = '{}'): string {
  return `{"resourceSpans":[{"scopeSpans":[{"spans":[${Array.from({ length: count }, () => span).join(',')}]}]}]}`;
}

describe('an OTLP export holding too much', () => {
  it('refuses a gzip protobuf of 5,000,000 empty spans with a 413 before the rest is sent, while /healthz answers', async () => {
    const bomb = gzipSync(oneScope(emptyFields(0x12, 5_000_000)), { level: 9 });
    expect(bomb.length).toBeLessThan(20_000);
    const bombUpload = upload(protobufGzip, bomb);
    await bombUpload.sent;
    const health = fetch(`${server.url}/healthz`);
    const answer = await bombUpload.answer;
    // The request was never finished: the server answered from what it had read, without the rest.
    expect(bombUpload.request.writableEnded).toBe(false);
    expect(answer.status).toBe(413);
    expectApiError(answer.body, 'export_too_large', /more than 100,000 spans, the limit per request/);
    expect((await health).status).toBe(200);
  });

  it('refuses a gzip body that inflates past the body limit before the rest is sent', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
    const bombUpload = upload({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, bomb);
    const answer = await bombUpload.answer;
    expect(bombUpload.request.writableEnded).toBe(false);
    expect(answer.status).toBe(413);
    expectApiError(answer.body, 'body_too_large', /larger than the limit of 52,428,800 bytes/);
  });

  it('counts OTLP/JSON spans before reading them: 100,001 empty spans are a 413, 100,000 a 400', async () => {
    const over = await postJson(`${server.url}/v1/traces`, jsonSpans(MAX_SPANS_PER_EXPORT + 1));
    expect(over.status).toBe(413);
    expectApiError(JSON.stringify(over.body), 'export_too_large', /more than 100,000 spans/);
    // At the limit the spans are read, and an empty span is not one.
    const atLimit = await postJson(`${server.url}/v1/traces`, jsonSpans(MAX_SPANS_PER_EXPORT));
    expect(atLimit.status).toBe(400);
    expectApiError(
      JSON.stringify(atLimit.body),
      'malformed_otlp',
      /resourceSpans\.0\.scopeSpans\.0\.spans\.0\.traceId/,
    );
  });

  it('ends the connection of a 413 it answered before reading the body, so a client never reuses a closed one', async () => {
    const over = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: jsonSpans(MAX_SPANS_PER_EXPORT + 1),
    });
    expect(over.status).toBe(413);
    expect(over.headers.get('connection')).toBe('close');
    await over.text();
    // The next requests go on a new connection and are answered.
    for (let index = 0; index < 5; index++) {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      await health.text();
    }
  });

  it('answers 413, not 500, for 3 MB of empty OTLP/JSON spans, also with escaped keys', async () => {
    const plain = jsonSpans(1_000_000);
    expect(plain.length).toBeGreaterThan(3_000_000);
    const response = await postJson(`${server.url}/v1/traces`, plain);
    expect(response.status).toBe(413);
    const escaped = plain
      .replace('"spans"', '"sp\\u0061ns"')
      .replace('"resourceSpans"', '"resource\\u0053pans"');
    expect(JSON.parse(escaped)).toEqual(JSON.parse(plain));
    const escapedResponse = await postJson(`${server.url}/v1/traces`, escaped);
    expect(escapedResponse.status).toBe(413);
  });

  it('refuses a span of more than 100,000 values, or more than 100,000 values outside spans, with a 413', async () => {
    // A span of empty attributes, in protobuf.
    const crowded = gzipSync(
      oneScope(
        Buffer.concat([
          delimited(2, Buffer.alloc(0)),
          delimited(2, emptyFields(0x4a, MAX_VALUES_PER_SPAN + 1)),
        ]),
      ),
    );
    const spanUpload = upload(protobufGzip, crowded);
    const spanAnswer = await spanUpload.answer;
    expect(spanUpload.request.writableEnded).toBe(false);
    expect(spanAnswer.status).toBe(413);
    expectApiError(
      spanAnswer.body,
      'export_too_large',
      /^Span 2 of the export holds more than 100,000 values .*the limit per span$/,
    );

    // Empty values in a field ingest does not read, in JSON.
    const junk = `{"resourceSpans":[],"junk":[${'{},'.repeat(MAX_VALUES_OUTSIDE_SPANS)}{}]}`;
    const jsonUpload = upload(
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      gzipSync(junk),
    );
    const jsonAnswer = await jsonUpload.answer;
    expect(jsonAnswer.status).toBe(413);
    expectApiError(jsonAnswer.body, 'export_too_large', /more than 100,000 values outside its spans/);

    // A span of 100,000 values is read (and refused for what it holds).
    const atLimit = jsonSpans(1, `{"attributes":[${'0,'.repeat(MAX_VALUES_PER_SPAN - 3)}0]}`);
    const read = await postJson(`${server.url}/v1/traces`, atLimit);
    expect(read.status).toBe(400);
    expectApiError(JSON.stringify(read.body), 'malformed_otlp', /spans\.0\.traceId/);
  });

  it('answers /healthz while it decodes an export of 100,000 spans sent before', async () => {
    // A span with a 3-byte ID, read and then left out: with nothing to store, the export is answered as soon as
    // it is decoded, so a server that held every request while decoding would answer it before /healthz.
    const span = {
      traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'),
      spanId: Buffer.from('00f067', 'hex'),
      name: 'the same span, again and again',
      attributes: [{ key: 'metadata', value: { stringValue: '{"n":1}' } }],
    };
    const request = exportTraceRequestType.fromObject({
      resourceSpans: [{ scopeSpans: [{ spans: Array.from({ length: MAX_SPANS_PER_EXPORT }, () => span) }] }],
    });
    // Small once compressed, so the server has the whole body at once and goes straight on to decoding it.
    const body = gzipSync(exportTraceRequestType.encode(request).finish(), { level: 9 });
    expect(body.length).toBeLessThan(32_000);
    const exported = upload({ ...protobufGzip, 'Content-Length': String(body.length) }, body, true);
    await exported.sent;
    let exportAnswered = false;
    void exported.answer.then(() => {
      exportAnswered = true;
    });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    // The server answered /healthz while it was still decoding the export sent before it.
    expect(exportAnswered).toBe(false);
    const answer = await exported.answer;
    expect(answer.status).toBe(200);
    const response = exportTraceResponseType.toObject(exportTraceResponseType.decode(answer.body), {
      longs: Number,
    });
    expect(response).toEqual({
      partialSuccess: {
        rejectedSpans: MAX_SPANS_PER_EXPORT,
        errorMessage: expect.stringMatching(/invalid spanId/),
      },
    });
  }, 120_000);

  it('stores an export of exactly 100,000 spans', async () => {
    const span = (index: number) =>
      `{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"${(index + 1).toString(16).padStart(16, '0')}",` +
      `"name":"span ${index}","kind":1,"startTimeUnixNano":"${1_746_432_000_000_000_000n + BigInt(index)}",` +
      `"attributes":[{"key":"metadata","value":{"stringValue":"{\\"n\\":${index}}"}}]}`;
    const spans = Array.from({ length: MAX_SPANS_PER_EXPORT }, (_, index) => span(index));
    const resource =
      '{"attributes":[{"key":"openinference.project.name","value":{"stringValue":"at-limit"}}]}';
    const body = `{"resourceSpans":[{"resource":${resource},"scopeSpans":[{"spans":[${spans.join(',')}]}]}]}`;
    const response = await postJson(`${server.url}/v1/traces`, body);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
    const projects = projectsResponseSchema.parse((await getJson(`${server.url}/api/v1/projects`)).body);
    expect(projects.projects.find((project) => project.name === 'at-limit')?.spans).toBe(
      MAX_SPANS_PER_EXPORT,
    );
    const lookup = await postJson(`${server.url}/api/v1/projects/at-limit/spans/lookup`, {
      span_ids: [MAX_SPANS_PER_EXPORT.toString(16).padStart(16, '0')],
    });
    expect(lookup.body).toMatchObject({
      spans: [{ metadata: { n: MAX_SPANS_PER_EXPORT - 1 } }],
      missing: [],
    });
  }, 120_000);
});
