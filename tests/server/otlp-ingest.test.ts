import { gzipSync } from 'node:zlib';
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OTLPHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiErrorSchema } from '@/core/api';
import { fieldsResponseSchema, lookupResponseSchema, spansPageSchema } from '@/core/api/api-schema';
import { exportTraceRequestType, exportTraceResponseType } from '@/server/otlp/otlp-proto';
import { getJson, otlpJson, postJson, spanId, startTestServer, type TestServer } from './test-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.stop();
});

/** Runs a small traced "LLM app" with the real OpenTelemetry SDK and exports its spans to the server. */
async function traceWithSdk(exporter: SpanExporter, resource: Record<string, string>): Promise<string[]> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('test-llm-app');
  const root = tracer.startSpan('rag_pipeline', {
    attributes: {
      'openinference.span.kind': 'CHAIN',
      metadata: JSON.stringify({
        user_id: 'user_0042',
        turn: 3,
        score: 0.75,
        flagged: true,
        tags: ['a', 'b'],
      }),
    },
  });
  const llm = tracer.startSpan(
    'chat gpt-4o-mini',
    { attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini' } },
    trace.setSpan(context.active(), root),
  );
  llm.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return [root.spanContext().spanId, llm.spanContext().spanId];
}

async function lookup(project: string, ids: string[]) {
  const response = await postJson(`${server.url}/api/v1/projects/${project}/spans/lookup`, { span_ids: ids });
  expect(response.status).toBe(200);
  return lookupResponseSchema.parse(response.body);
}

describe('POST /v1/traces', () => {
  it('stores spans exported by the OpenTelemetry SDK over OTLP/HTTP JSON, with their initial metadata', async () => {
    const exporter = new OTLPHttpJsonExporter({ url: `${server.url}/v1/traces` });
    const [rootId, llmId] = await traceWithSdk(exporter, {
      'openinference.project.name': 'otel-json',
      'service.name': 'not-the-project',
    });
    const { spans, missing } = await lookup('otel-json', [rootId ?? '', llmId ?? '']);
    expect(missing).toEqual([]);
    expect(spans.find((span) => span.span_id === rootId)?.metadata).toEqual({
      user_id: 'user_0042',
      turn: 3,
      score: 0.75,
      flagged: 'true',
      tags: '["a","b"]',
    });
    expect(spans.find((span) => span.span_id === llmId)?.metadata).toEqual({});

    const fields = fieldsResponseSchema.parse(
      (await getJson(`${server.url}/api/v1/projects/otel-json/metadata/fields`)).body,
    );
    expect(fields.fields).toEqual([
      { key: 'flagged', type: 'Utf8', spans: 1 },
      { key: 'score', type: 'Float64', spans: 1 },
      { key: 'tags', type: 'Utf8', spans: 1 },
      { key: 'turn', type: 'Int64', spans: 1 },
      { key: 'user_id', type: 'Utf8', spans: 1 },
    ]);
    const page = spansPageSchema.parse((await getJson(`${server.url}/api/v1/projects/otel-json/spans`)).body);
    expect(page.spans.map((span) => [span.name, span.kind])).toEqual(
      expect.arrayContaining([
        ['rag_pipeline', 'CHAIN'],
        ['chat gpt-4o-mini', 'LLM'],
      ]),
    );
    expect(new Set(page.spans.map((span) => span.trace_id)).size).toBe(1);
  });

  it('stores spans exported over OTLP/HTTP protobuf with gzip, in the project named by service.name', async () => {
    const exporter = new OTLPProtoExporter({
      url: `${server.url}/v1/traces`,
      compression: 'gzip' as CompressionAlgorithm,
    });
    const [rootId] = await traceWithSdk(exporter, { 'service.name': 'checkout-service' });
    const { spans } = await lookup('checkout-service', [rootId ?? '']);
    expect(spans[0]?.metadata).toMatchObject({ user_id: 'user_0042', turn: 3, score: 0.75 });
  });

  it('answers protobuf with a protobuf ExportTraceServiceResponse, reporting rejected spans', async () => {
    const request = exportTraceRequestType.fromObject({
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: 'openinference.project.name', value: { stringValue: 'proto-raw' } }],
          },
          scopeSpans: [
            {
              spans: [
                { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'ok' },
                { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(3, 2), name: 'short id' },
              ],
            },
          ],
        },
      ],
    });
    const response = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: new Uint8Array(exportTraceRequestType.encode(request).finish()),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    const decoded = exportTraceResponseType.toObject(
      exportTraceResponseType.decode(new Uint8Array(await response.arrayBuffer())),
      { longs: Number },
    );
    expect(decoded).toEqual({
      partialSuccess: { rejectedSpans: 1, errorMessage: expect.stringMatching(/invalid spanId/) },
    });
    expect((await lookup('proto-raw', ['0202020202020202'])).missing).toEqual([]);
  });

  it("puts spans without a project attribute in 'default' and reads OTLP/JSON sent with gzip", async () => {
    const body = gzipSync(JSON.stringify(otlpJson(null, [{ spanId: spanId(77), metadata: { k: 'v' } }])));
    const response = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect((await lookup('default', [spanId(77)])).spans[0]?.metadata).toEqual({ k: 'v' });
  });

  it('answers 400 with the reason for a malformed body, and keeps what earlier requests stored', async () => {
    const first = await postJson(
      `${server.url}/v1/traces`,
      otlpJson('keep', [{ spanId: spanId(1), metadata: { a: 1 } }]),
    );
    expect(first.status).toBe(200);

    const badJson = await postJson(`${server.url}/v1/traces`, '{"resourceSpans": [');
    expect(badJson.status).toBe(400);
    expect(badJson.body).toEqual({
      error: {
        code: 'malformed_otlp',
        message: expect.stringMatching(/^The body is not valid JSON: .*line 1/),
      },
    });
    const badShape = await postJson(`${server.url}/v1/traces`, {
      resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x' }] }] }],
    });
    expect(badShape.status).toBe(400);
    expect(badShape.body).toEqual({
      error: {
        code: 'malformed_otlp',
        message: expect.stringMatching(
          /^The body is not an OTLP ExportTraceServiceRequest: resourceSpans\.0\.scopeSpans\.0\.spans\.0\.traceId/,
        ),
      },
    });
    const badProto = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]),
    });
    expect(badProto.status).toBe(400);
    expect(await badProto.json()).toEqual({
      error: { code: 'malformed_otlp', message: expect.stringMatching(/protobuf/) },
    });
    const badGzip = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: 'not gzip',
    });
    expect(badGzip.status).toBe(400);
    const wrongType = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'x',
    });
    expect(wrongType.status).toBe(415);

    expect((await lookup('keep', [spanId(1)])).spans[0]?.metadata).toEqual({ a: 1 });
  });

  it('keeps a stored span, with the metadata patched since, when an export is sent again', async () => {
    const body = otlpJson('resend', [{ spanId: spanId(5), metadata: { stage: 'initial' } }]);
    expect((await postJson(`${server.url}/v1/traces`, body)).status).toBe(200);
    const patched = await postJson(`${server.url}/api/v1/projects/resend/spans/metadata`, {
      spans: [{ span_id: spanId(5), patch_document: { stage: 'reviewed' } }],
    });
    expect(patched.status).toBe(200);
    expect((await postJson(`${server.url}/v1/traces`, body)).status).toBe(200);
    expect((await lookup('resend', [spanId(5)])).spans[0]?.metadata).toEqual({ stage: 'reviewed' });
    const fields = fieldsResponseSchema.parse(
      (await getJson(`${server.url}/api/v1/projects/resend/metadata/fields`)).body,
    );
    expect(fields.fields).toEqual([{ key: 'stage', type: 'Utf8', spans: 1 }]);
  });

  it('stores a span whose metadata cannot be used without it, and says so as a partial success', async () => {
    const response = await postJson(
      `${server.url}/v1/traces`,
      otlpJson('messy', [
        { spanId: spanId(1), metadata: { n: 1 } },
        { spanId: spanId(2), metadata: 'not json' },
        { spanId: spanId(3), metadata: { n: 'text', ok: 'kept' } },
      ]),
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      partialSuccess: {
        rejectedSpans: '0',
        errorMessage: expect.stringMatching(/not JSON.*'n' is Utf8 but the project stores Int64/),
      },
    });
    const { spans } = await lookup('messy', [spanId(1), spanId(2), spanId(3)]);
    expect(spans.map((span) => span.metadata)).toEqual([{ n: 1 }, {}, { ok: 'kept' }]);
  });
});

describe('hostile OTLP input: a 400 or a partial success, never a 500', () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';

  /** An OTLP/JSON body of one span whose attribute `k` is an AnyValue nested `levels` arrayValues deep. */
  function nestedArrayBody(project: string, id: string, levels: number): string {
    const value = `${'{"arrayValue":{"values":['.repeat(levels)}{"stringValue":"x"}${']}}'.repeat(levels)}`;
    const resource = `{"attributes":[{"key":"openinference.project.name","value":{"stringValue":"${project}"}}]}`;
    const span = `{"traceId":"${traceId}","spanId":"${id}","name":"n","attributes":[{"key":"k","value":${value}}]}`;
    return `{"resourceSpans":[{"resource":${resource},"scopeSpans":[{"spans":[${span}]}]}]}`;
  }

  function varint(value: number): number[] {
    const bytes: number[] = [];
    let rest = value;
    while (rest > 0x7f) {
      bytes.push((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    bytes.push(rest);
    return bytes;
  }

  /** A length-delimited protobuf field (wire type 2). */
  function delimited(fieldNumber: number, bytes: readonly number[]): number[] {
    return [...varint((fieldNumber << 3) | 2), ...varint(bytes.length), ...bytes];
  }

  /** The same as nestedArrayBody, in protobuf, written byte by byte (protobufjs refuses to encode it so deep). */
  function nestedArrayProtobuf(id: Buffer, levels: number): Uint8Array<ArrayBuffer> {
    let value = delimited(1, [...Buffer.from('x')]);
    for (let i = 0; i < levels; i++) value = delimited(5, delimited(1, value));
    const keyValue = [...delimited(1, [...Buffer.from('k')]), ...delimited(2, value)];
    const span = [
      ...delimited(1, [...Buffer.from(traceId, 'hex')]),
      ...delimited(2, [...id]),
      ...delimited(9, keyValue),
    ];
    const project = [
      ...delimited(1, [...Buffer.from('openinference.project.name')]),
      ...delimited(2, delimited(1, [...Buffer.from('proto-deep')])),
    ];
    const resourceSpans = [...delimited(1, delimited(1, project)), ...delimited(2, delimited(2, span))];
    return new Uint8Array(delimited(1, resourceSpans));
  }

  async function postProtobuf(body: Uint8Array<ArrayBuffer>) {
    return fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body,
    });
  }

  it('answers 400 for an OTLP/JSON attribute nested 1,000 arrayValues deep, and takes one 40 deep', async () => {
    const deep = await postJson(`${server.url}/v1/traces`, nestedArrayBody('json-deep', spanId(1), 1000));
    expect(deep.status).toBe(400);
    expect(deep.body).toEqual({
      error: {
        code: 'malformed_otlp',
        message: expect.stringMatching(/^The body nests more than 160 levels deep .*; the limit is 160$/),
      },
    });
    const fine = await postJson(`${server.url}/v1/traces`, nestedArrayBody('json-deep', spanId(2), 40));
    expect(fine.status).toBe(200);
    expect(await lookup('json-deep', [spanId(1), spanId(2)])).toMatchObject({ missing: [spanId(1)] });
  });

  it('answers 400 for a protobuf AnyValue nested 1,000 deep, and takes one 40 deep', async () => {
    const deep = await postProtobuf(nestedArrayProtobuf(Buffer.alloc(8, 3), 1000));
    expect(deep.status).toBe(400);
    expect(await deep.json()).toEqual({
      error: { code: 'malformed_otlp', message: expect.stringMatching(/in protobuf: max depth exceeded/) },
    });
    const fine = await postProtobuf(nestedArrayProtobuf(Buffer.alloc(8, 4), 40));
    expect(fine.status).toBe(200);
    expect(await lookup('proto-deep', ['0303030303030303', '0404040404040404'])).toMatchObject({
      missing: ['0303030303030303'],
    });
  });

  it('stores a span whose metadata text nests 10,000 levels without that metadata, as a partial success', async () => {
    const deepMetadata = `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const response = await postJson(
      `${server.url}/v1/traces`,
      otlpJson('meta-deep', [
        { spanId: spanId(1), metadata: deepMetadata },
        { spanId: spanId(2), metadata: { kept: 'yes' } },
      ]),
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      partialSuccess: {
        rejectedSpans: '0',
        errorMessage: `Span ${spanId(1)}: the metadata attribute nests more than 64 levels deep; stored without it`,
      },
    });
    const { spans, missing } = await lookup('meta-deep', [spanId(1), spanId(2)]);
    expect(missing).toEqual([]);
    expect(spans.map((span) => span.metadata)).toEqual([{}, { kept: 'yes' }]);
  });

  it('rejects spans whose spanId or traceId is not an OTel ID, however long, without echoing it whole', async () => {
    const response = await postJson(
      `${server.url}/v1/traces`,
      otlpJson('long-ids', [
        { spanId: 'a'.repeat(300_000) },
        { spanId: spanId(2), traceId: 'b'.repeat(300_000) },
        { spanId: spanId(3) },
      ]),
    );
    expect(response.status).toBe(200);
    const body = z
      .object({ partialSuccess: z.object({ rejectedSpans: z.string(), errorMessage: z.string() }) })
      .parse(response.body);
    expect(body.partialSuccess.rejectedSpans).toBe('2');
    expect(body.partialSuccess.errorMessage).toMatch(/invalid spanId .*; .* invalid traceId/);
    expect(body.partialSuccess.errorMessage.length).toBeLessThan(500);
    const page = spansPageSchema.parse((await getJson(`${server.url}/api/v1/projects/long-ids/spans`)).body);
    expect(page.spans.map((span) => span.span_id)).toEqual([spanId(3)]);
  });

  it.each([
    [
      'resourceSpans sent as a varint',
      [0x08, 0x01],
      /field resourceSpans of ExportTraceServiceRequest came as varint, not length-delimited/,
    ],
    [
      'scopeSpans sent as a varint, inside resourceSpans',
      [0x0a, 0x02, 0x10, 0x01],
      /field scopeSpans of ResourceSpans came as varint/,
    ],
    [
      'a span name sent as 32-bit',
      [0x0a, 0x09, 0x12, 0x07, 0x12, 0x05, 0x2d, 1, 2, 3, 4],
      /field name of Span came as 32-bit/,
    ],
  ])('answers 400 for a protobuf body with the wrong wire type: %s', async (_, bytes, message) => {
    const response = await postProtobuf(new Uint8Array(bytes));
    expect(response.status).toBe(400);
    const body = apiErrorSchema.parse(await response.json());
    expect(body.error.code).toBe('malformed_otlp');
    expect(body.error.message).toMatch(/^The body is not an OTLP ExportTraceServiceRequest in protobuf: /);
    expect(body.error.message).toMatch(message);
  });

  it('still skips protobuf fields it does not know, as protobuf requires', async () => {
    const response = await postProtobuf(new Uint8Array([0x10, 0x05, 0x1a, 0x01, 0x00]));
    expect(response.status).toBe(200);
  });
});
