import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiRequestError } from '@/client/api-request';
import { CANCELLED_IN_FLIGHT, logMetadata, type SubmissionProgress } from '@/client/log-metadata';
import { listProjects } from '@/client/project-requests';
import type { PatchResponse } from '@/core/api';
import type { StoredPatch, StoredSpanPatch } from '@/core/patch';
import { ingestSpans, spanId, startTestServer, type TestServer } from '../server/test-server';

/** What a raw test server saw of one request. */
interface SeenRequest {
  idempotencyKey: string | undefined;
  spanIds: string[];
  /** Settles when the client closed the connection (or the answer ended). */
  closed: Promise<void>;
}

/** Answers request number `index` (0-based), or leaves it hanging. */
type RawHandler = (response: ServerResponse, request: SeenRequest, index: number) => void;

interface RawServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const rawServers: RawServer[] = [];

/** A bare node:http server on 127.0.0.1 that can misbehave: never answer, stall or break mid-answer. */
async function startRawServer(handler: RawHandler): Promise<RawServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const body = text === '' ? { spans: [] } : (JSON.parse(text) as { spans: StoredSpanPatch[] });
      const seen: SeenRequest = {
        idempotencyKey: request.headers['idempotency-key'] as string | undefined,
        spanIds: body.spans.map((span) => span.span_id),
        closed: new Promise((resolve) => response.once('close', () => resolve())),
      };
      requests.push(seen);
      handler(response, seen, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const raw: RawServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  rawServers.push(raw);
  return raw;
}

afterEach(async () => {
  await Promise.all(rawServers.splice(0).map((server) => server.close()));
});

const neverAnswer: RawHandler = () => undefined;

function answerFor(request: SeenRequest): PatchResponse {
  return {
    spans_processed: request.spanIds.length,
    spans_updated: request.spanIds.length,
    spans_unchanged: 0,
    spans_failed: 0,
    errors: [],
    submission_id: `sub-${request.spanIds[0]}`,
  };
}

/** Starts a 200 JSON answer, sends its first half, and leaves the rest hanging. */
function stallMidBody(response: ServerResponse, request: SeenRequest): void {
  const text = JSON.stringify(answerFor(request));
  response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(text.length) });
  response.write(text.slice(0, text.length >> 1));
}

function answerInFull(response: ServerResponse, request: SeenRequest): void {
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(answerFor(request)));
}

function spans(count: number): StoredSpanPatch[] {
  return Array.from({ length: count }, (_, i) => ({ span_id: `span-${i}`, patch_document: { n: i } }));
}

const fast = { retryBaseDelayMs: 1, random: () => 0.5 };

describe('logMetadata against a server that misbehaves on the network', () => {
  it('gives up on a server that never answers after the timeout of each attempt', async () => {
    const server = await startRawServer(neverAnswer);
    const result = await logMetadata('p', spans(2), {
      ...fast,
      baseUrl: server.url,
      requestTimeoutMs: 50,
      maxRetries: 2,
    });
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((request) => request.idempotencyKey)).size).toBe(1);
    // Each timed-out attempt is aborted on the wire, not left open.
    await Promise.all(server.requests.map((request) => request.closed));
    const message = '[connection_failure] No answer from the server within 50 ms (after 3 attempts)';
    expect(result).toMatchObject({
      spans_processed: 2,
      spans_updated: 0,
      spans_unchanged: 0,
      spans_failed: 2,
      errors: [
        { span_id: 'span-0', error_message: message },
        { span_id: 'span-1', error_message: message },
      ],
      not_sent: [],
    });
  }, 10_000);

  it('on cancel, aborts the requests in flight without waiting for them, and sends nothing more', async () => {
    const controller = new AbortController();
    // With the default 30 s timeout, only aborting the requests lets this finish within the test's time.
    const server = await startRawServer((_response, _request, index) => {
      if (index === 1) controller.abort();
    });
    const result = await logMetadata('p', spans(6), {
      ...fast,
      baseUrl: server.url,
      batchSize: 2,
      concurrency: 2,
      signal: controller.signal,
    });
    expect(server.requests.map((request) => request.spanIds)).toEqual([
      ['span-0', 'span-1'],
      ['span-2', 'span-3'],
    ]);
    await Promise.all(server.requests.map((request) => request.closed));
    const unknown = `[connection_failure] ${CANCELLED_IN_FLIGHT}`;
    expect(unknown).toMatch(/the outcome is unknown.*Retry \(same Idempotency-Key\) applies it at most once/);
    expect(result).toEqual({
      spans_processed: 4,
      spans_updated: 0,
      spans_unchanged: 0,
      spans_failed: 4,
      errors: ['span-0', 'span-1', 'span-2', 'span-3'].map((id) => ({ span_id: id, error_message: unknown })),
      submission_id: expect.any(String),
      not_sent: ['span-4', 'span-5'],
      undelivered_batches: [
        { idempotency_key: server.requests[0]?.idempotencyKey, span_ids: ['span-0', 'span-1'] },
        { idempotency_key: server.requests[1]?.idempotencyKey, span_ids: ['span-2', 'span-3'] },
      ],
    });
  }, 10_000);

  it('retries an answer that stalls mid-body, as a network failure', async () => {
    const server = await startRawServer((response, request, index) =>
      index === 0 ? stallMidBody(response, request) : answerInFull(response, request),
    );
    const progress: SubmissionProgress[] = [];
    const result = await logMetadata('p', spans(2), {
      ...fast,
      baseUrl: server.url,
      requestTimeoutMs: 1_000,
      onProgress: (report) => progress.push(report),
    });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.idempotencyKey).toBe(server.requests[0]?.idempotencyKey);
    expect(progress.flatMap((report) => (report.retrying ? [report.retrying.reason] : []))).toEqual([
      'No complete answer from the server within 1 s: the answer began but did not finish',
    ]);
    expect(result).toMatchObject({
      spans_updated: 2,
      spans_unchanged: 0,
      spans_failed: 0,
      errors: [],
    });
  }, 10_000);

  it('retries an answer whose connection breaks mid-body', async () => {
    const server = await startRawServer((response, request, index) => {
      if (index > 0) {
        answerInFull(response, request);
        return;
      }
      stallMidBody(response, request);
      setTimeout(() => response.destroy(), 10);
    });
    const progress: SubmissionProgress[] = [];
    const result = await logMetadata('p', spans(1), {
      ...fast,
      baseUrl: server.url,
      onProgress: (report) => progress.push(report),
    });
    expect(server.requests).toHaveLength(2);
    expect(progress.find((report) => report.retrying)?.retrying?.reason).toMatch(
      /^The connection broke while the server's answer was arriving: /,
    );
    expect(result).toMatchObject({ spans_updated: 1, spans_failed: 0 });
  }, 10_000);

  it('does not retry a complete answer that is not JSON', async () => {
    const server = await startRawServer((response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<html>proxy error</html>');
    });
    const result = await logMetadata('p', spans(1), { ...fast, baseUrl: server.url });
    expect(server.requests).toHaveLength(1);
    expect(result.errors[0]?.error_message).toMatch(
      /^\[connection_failure\] The server's answer is not JSON \(/,
    );
  });
});

describe('apiRequest timeouts (the client helpers)', () => {
  it('fails with a network_error when the server never answers', async () => {
    const server = await startRawServer(neverAnswer);
    const error: unknown = await listProjects({ baseUrl: server.url, timeoutMs: 50 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({
      status: null,
      code: 'network_error',
      message: 'No answer from the server within 50 ms',
      kind: 'timeout',
      timedOut: true,
      networkFailure: true,
      retryAfterMs: null,
    });
    await server.requests[0]?.closed;
  }, 10_000);

  it('fails with a network_error when the answer stalls or breaks mid-body', async () => {
    const stalling = await startRawServer((response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      response.write('{"projects": [');
    });
    await expect(listProjects({ baseUrl: stalling.url, timeoutMs: 100 })).rejects.toMatchObject({
      status: null,
      code: 'network_error',
      message: 'No complete answer from the server within 100 ms: the answer began but did not finish',
      timedOut: true,
    });
    const breaking = await startRawServer((response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      response.write('{"projects": [');
      setTimeout(() => response.destroy(), 10);
    });
    await expect(listProjects({ baseUrl: breaking.url })).rejects.toMatchObject({
      status: null,
      code: 'network_error',
      message: expect.stringMatching(
        /^The connection broke while the server's answer was arriving: /,
      ) as string,
      kind: 'network',
      timedOut: false,
      networkFailure: true,
    });
  }, 10_000);

  it("rejects at once with the caller's AbortError when the caller aborts, timeout or not", async () => {
    const controller = new AbortController();
    const server = await startRawServer(() => controller.abort());
    const error: unknown = await listProjects({ baseUrl: server.url, signal: controller.signal }).catch(
      (caught: unknown) => caught,
    );
    expect(error).not.toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ name: 'AbortError' });
    await server.requests[0]?.closed;
  }, 10_000);
});

describe('logMetadata against the real server: true answers pass the consistency check', () => {
  let server: TestServer;
  const ids = Array.from({ length: 5 }, (_, i) => spanId(i + 1));

  beforeAll(async () => {
    server = await startTestServer();
    await ingestSpans(
      server,
      'consistent',
      ids.map((id) => ({ spanId: id })),
    );
  });

  afterAll(async () => {
    await server.stop();
  });

  it('adds up answers with per-span failures, and a replayed answer', async () => {
    const patches: StoredSpanPatch[] = [
      ...ids.map((id, i) => ({ span_id: id, patch_document: { checked: i } })),
      { span_id: spanId(99), patch_document: { checked: 1 } },
      // The wire also takes JSON text, which the client never makes: handed over as it is, to reach the server.
      { span_id: ids[0] ?? '', patch_document: 'not json' as unknown as StoredPatch },
    ];
    const result = await logMetadata('consistent', patches, { baseUrl: server.url, batchSize: 3 });
    expect(result).toMatchObject({ spans_processed: 7, spans_updated: 5, spans_failed: 2, not_sent: [] });
    expect(
      result.errors.map((error) => error.error_message.slice(0, error.error_message.indexOf(']') + 1)),
    ).toEqual(['[segment_not_found]', '[parse_failure]']);

    const again = {
      baseUrl: server.url,
      createIdempotencyKey: () => 'replay-key-1',
      submission: { id: 'replay-submission-1', label: 'replayed' },
    };
    const first = await logMetadata('consistent', patches.slice(0, 2), again);
    const replayed = await logMetadata('consistent', patches.slice(0, 2), again);
    expect(first).toMatchObject({ spans_processed: 2, spans_updated: 2, spans_failed: 0 });
    expect(replayed).toEqual(first);
  });
});
