import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArizeClient,
  type ArizeFailure,
  connectionFailureResponse,
  createArizeClient,
  type SpanMetadataBatch,
} from '@/server/arize';
import { Metadata, status } from '@grpc/grpc-js';
import { patchFlightData } from '@/server/arize/arrow-ipc';
import { FlightCallError, FlightTransport } from '@/server/arize/flight-transport';
import { DESCRIPTOR_TYPE_CMD } from '@/server/arize/protocol';
import { arizeSchemaMetadata } from '@/server/arize/sdk-requests';
import { type ArizeEmulator, type RecordedPut, startArizeEmulator } from './arize-emulator';

const SPACE = 'U3BhY2U6MTIzNDU=';
const KEY = 'ak-3c5e7a9b1d2f4e6a-write-secret';

let emulator: ArizeEmulator;
let client: ArizeClient;
const clients: ArizeClient[] = [];

function clientFor(port: number, apiKey = KEY, timeoutMs?: number): ArizeClient {
  const made = createArizeClient(
    { spaceId: SPACE, apiKey, flight: { host: '127.0.0.1', port, scheme: 'grpc' } },
    timeoutMs === undefined ? {} : { timeoutMs },
  );
  clients.push(made);
  return made;
}

async function lastPut(): Promise<RecordedPut> {
  const requests = await emulator.requests();
  const puts = requests.filter((request): request is RecordedPut => request.kind === 'do_put');
  const last = puts.at(-1);
  if (!last) throw new Error('the emulator received no DoPut');
  return last;
}

/** A loopback port where nothing listens. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function failureOf(result: Awaited<ReturnType<ArizeClient['writeSpanMetadata']>>): ArizeFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.response)}`);
  expect(JSON.stringify(result)).not.toContain(KEY);
  return result.failure;
}

const batch: SpanMetadataBatch = {
  arizeProject: 'Support bot (prod)',
  spans: [
    { span_id: 'a000000000000001', patch_document: { reviewed: 'true', reviewer: 'ana', quality: 3 } },
    { span_id: 'a000000000000002', patch_document: { score: 0.75, note: null } },
  ],
};

beforeAll(async () => {
  emulator = await startArizeEmulator({ spaceId: SPACE, apiKey: KEY, projects: ['Support bot (prod)'] });
  client = clientFor(emulator.port);
});

afterEach(async () => {
  await emulator.reset();
});

afterAll(async () => {
  for (const made of clients) made.close();
  await emulator?.stop();
});

describe('writeSpanMetadata against the emulated Arize AX', () => {
  it("sends a batch as one DoPut the emulator takes for the SDK's, and answers Arize's outcome as a §6 response", async () => {
    await emulator.seed('Support bot (prod)', [
      { span_id: 'a000000000000001', metadata: { quality: 1 } },
      { span_id: 'a000000000000002' },
      { span_id: 'a000000000000003', metadata: { quality: 2 } },
    ]);
    const result = await client.writeSpanMetadata({
      ...batch,
      spans: [
        ...batch.spans,
        { span_id: 'a000000000000003', patch_document: { quality: 'high' } },
        { span_id: 'ffffffffffffffff', patch_document: { reviewer: 'bo' } },
      ],
    });
    expect(result).toEqual({
      ok: true,
      response: {
        spans_processed: 4,
        spans_updated: 2,
        spans_unchanged: 0,
        spans_failed: 2,
        errors: [
          {
            span_id: 'a000000000000003',
            error_message: "[type_conflict] Type conflict on 'quality': stored Int64, patch has Utf8",
          },
          {
            span_id: 'ffffffffffffffff',
            error_message:
              "[segment_not_found] No span with ID 'ffffffffffffffff' in project 'Support bot (prod)'",
          },
        ],
      },
    });
    const put = await lastPut();
    expect(put.problems).toEqual([]);
    expect(put.descriptor).toEqual({
      type: 'CMD',
      command: `{\n  "writeSpanAttributesMetadataRequest": {\n    "spaceId": "${SPACE}",\n    "externalModelId": "Support bot (prod)"\n  }\n}`,
    });
    expect(put.headers).toEqual({
      origin: ['arize-logging-client'],
      'auth-token-bin': [KEY],
      'sdk-language': ['javascript'],
      'language-version': [process.versions.node],
      'sdk-version': [expect.stringMatching(/^\d+\.\d+\.\d+/)],
      'sdk-package-name': ['spanpatch'],
    });
    expect(put.schema.fields).toEqual([
      { name: 'context.span_id', type: 'string', nullable: true },
      { name: 'patch_document', type: 'string', nullable: true },
    ]);
    expect(put.schema.arize_schema).toEqual({
      constants: { model_id: 'Support bot (prod)', environment: 'TRACING', model_type: 'GENERATIVE_LLM' },
      arize_spans: {},
    });
    expect(put.batches).toEqual([
      {
        num_rows: 4,
        columns: {
          'context.span_id': ['a000000000000001', 'a000000000000002', 'a000000000000003', 'ffffffffffffffff'],
          patch_document: [
            '{"reviewed":"true","reviewer":"ana","quality":3}',
            '{"score":0.75,"note":null}',
            '{"quality":"high"}',
            '{"reviewer":"bo"}',
          ],
        },
      },
    ]);
    const stored = await emulator.spans('Support bot (prod)');
    expect(stored.spans.map((span) => [span.span_id, span.metadata])).toEqual([
      ['a000000000000001', { quality: 3, reviewed: 'true', reviewer: 'ana' }],
      ['a000000000000002', { score: 0.75, note: null }],
      ['a000000000000003', { quality: 2 }],
    ]);
  });

  it('sends record batches of at most 10,000 rows, as the SDK writes its table', async () => {
    await emulator.seed('Support bot (prod)', [], 10_001);
    await emulator.configure({ record_rows: false });
    const spans = Array.from({ length: 10_001 }, (_, index) => ({
      span_id: index.toString(16).padStart(16, '0'),
      patch_document: { n: index },
    }));
    const result = await client.writeSpanMetadata({ arizeProject: 'Support bot (prod)', spans });
    expect(result.ok && result.response.spans_updated).toBe(10_001);
    const put = await lastPut();
    expect(put.problems).toEqual([]);
    expect(put.batches.map((recorded) => recorded.num_rows)).toEqual([10_000, 1]);
  });

  it('is checked by an emulator that refuses a request the SDK would not send', async () => {
    const headers = new Metadata();
    headers.set('auth-token-bin', Buffer.from(KEY));
    const raw = new FlightTransport(
      { host: '127.0.0.1', port: emulator.port, scheme: 'grpc' },
      () => headers,
    );
    const [schema, ...rest] = patchFlightData(
      [{ spanId: 'a000000000000001', patchJson: '{}' }],
      arizeSchemaMetadata('other'),
    );
    if (!schema) throw new Error('no schema message');
    // A compact descriptor (not MessageToJson's), no origin or identification headers, an arize-schema of another project.
    const command = Buffer.from(
      JSON.stringify({
        writeSpanAttributesMetadataRequest: { spaceId: SPACE, externalModelId: 'Support bot (prod)' },
      }),
    );
    try {
      await expect(
        raw.doPut(
          [{ ...schema, flight_descriptor: { type: DESCRIPTOR_TYPE_CMD, cmd: command, path: [] } }, ...rest],
          { timeoutMs: 30_000 },
        ),
      ).rejects.toSatisfy(
        (error) => error instanceof FlightCallError && error.code === status.INVALID_ARGUMENT,
      );
    } finally {
      raw.close();
    }
    const put = await lastPut();
    expect(put.problems).toEqual([
      'descriptor: the command is not printed as MessageToJson prints it (indent 2, ASCII)',
      'headers: origin is None, not arize-logging-client',
      'headers: sdk-language is missing',
      'headers: language-version is missing',
      'headers: sdk-version is missing',
      'headers: sdk-package-name is missing',
      expect.stringMatching(/^schema: arize-schema is .*'model_id': 'other'/),
    ]);
  });

  it('answers an empty batch without calling Arize', async () => {
    const result = await client.writeSpanMetadata({ arizeProject: 'Support bot (prod)', spans: [] });
    expect(result).toEqual({
      ok: true,
      response: { spans_processed: 0, spans_updated: 0, spans_unchanged: 0, spans_failed: 0, errors: [] },
    });
    expect(await emulator.requests()).toEqual([]);
  });
});

describe('writeSpanMetadata when Arize gives no usable answer', () => {
  it('Arize down: unreachable, with where and why, and the key nowhere', async () => {
    const port = await closedPort();
    const failure = failureOf(await clientFor(port).writeSpanMetadata(batch));
    expect(failure).toMatchObject({ kind: 'unreachable', grpcStatus: 'UNAVAILABLE' });
    expect(failure.reason).toBe(`Arize AX could not be reached at 127.0.0.1:${port} (connection refused)`);
    const response = connectionFailureResponse(
      batch.spans.map((span) => span.span_id),
      failure,
    );
    expect(response).toEqual({
      spans_processed: 2,
      spans_updated: 0,
      spans_unchanged: 0,
      spans_failed: 2,
      errors: batch.spans.map((span) => ({
        span_id: span.span_id,
        error_message: `[connection_failure] Arize AX could not be reached at 127.0.0.1:${port} (connection refused)`,
      })),
    });
  });

  it('Arize slower than the time limit: a timeout whose outcome is unknown', async () => {
    await emulator.configure({ delay: 120 });
    const failure = failureOf(await clientFor(emulator.port, KEY, 300).writeSpanMetadata(batch));
    expect(failure).toMatchObject({ kind: 'timeout', outcomeUnknown: true, grpcStatus: 'DEADLINE_EXCEEDED' });
    expect(failure.reason).toBe(
      `Arize AX at 127.0.0.1:${emulator.port} did not answer within 0.3 s; it may have applied the batch, and sending it again sets the same values`,
    );
  });

  it('the key refused: key_refused, nothing applied', async () => {
    await emulator.seed('Support bot (prod)', [{ span_id: 'a000000000000001', metadata: {} }]);
    const wrongKey = failureOf(await clientFor(emulator.port, 'not-the-key').writeSpanMetadata(batch));
    expect(wrongKey).toMatchObject({
      kind: 'key_refused',
      outcomeUnknown: false,
      grpcStatus: 'UNAUTHENTICATED',
    });
    // The emulator echoes the key it was given; the reason keeps it out.
    expect(wrongKey.reason).toMatch(
      /^Arize AX refused the API key \(ARIZE_API_KEY\): invalid API key '\[API key\]'/,
    );
    expect(wrongKey.reason).not.toContain('not-the-key');
    await emulator.configure({ refuse_key: true });
    expect(failureOf(await client.writeSpanMetadata(batch)).kind).toBe('key_refused');
    const stored = await emulator.spans('Support bot (prod)');
    expect(stored.spans.find((span) => span.span_id === 'a000000000000001')?.metadata).toEqual({});
  });

  it('an answer that is not the response protobuf, or no answer: bad_answer', async () => {
    await emulator.configure({ answer: 'garbage' });
    const garbage = failureOf(await client.writeSpanMetadata(batch));
    expect(garbage).toMatchObject({ kind: 'bad_answer', outcomeUnknown: true });
    expect(garbage.reason).toMatch(/^Arize AX answered with something that is not a metadata answer \(/);
    await emulator.configure({ answer: 'none' });
    expect(failureOf(await client.writeSpanMetadata(batch))).toEqual({
      kind: 'bad_answer',
      reason:
        'Arize AX ended the call without an answer (no PutResult); whether it applied the batch is unknown',
      outcomeUnknown: true,
      grpcStatus: null,
    });
  });

  it('counts that contradict the request: contradicting_counts, never a result', async () => {
    await emulator.configure({ answer: 'contradict' });
    const failure = failureOf(await client.writeSpanMetadata(batch));
    expect(failure).toEqual({
      kind: 'contradicting_counts',
      reason:
        "Arize AX's answer contradicts the request: it counts 3 spans processed, but 2 spans were sent; whether it applied the batch is unknown",
      outcomeUnknown: true,
      grpcStatus: null,
    });
  });

  it('an error status from Arize: rejected, with its status', async () => {
    await emulator.configure({ answer: 'error' });
    const failure = failureOf(await client.writeSpanMetadata(batch));
    expect(failure).toMatchObject({ kind: 'rejected', grpcStatus: 'INTERNAL' });
    expect(failure.reason).toMatch(
      /^Arize AX answered with an error \(INTERNAL\): .*internal error in the emulated Arize AX/,
    );
  });

  it('a cancel: cancelled, outcome unknown once sent', async () => {
    await emulator.configure({ delay: 120 });
    const controller = new AbortController();
    const pending = client.writeSpanMetadata(batch, { signal: controller.signal });
    // NOTE: the cancel waits for the request to reach the emulator, so it cancels a call in flight.
    while ((await emulator.requests()).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    expect(failureOf(await pending)).toMatchObject({
      kind: 'cancelled',
      outcomeUnknown: true,
      grpcStatus: 'CANCELLED',
    });
  });
});
