import { afterEach, describe, expect, it, vi } from 'vitest';
import { CANCELLED_IN_FLIGHT, logMetadata, type SubmissionProgress } from '@/client/log-metadata';
import { backoffDelay, parseRetryAfter } from '@/client/retry-timing';
import type { PatchResponse } from '@/core/api';
import type { StoredSpanPatch } from '@/core/patch';

interface SentRequest {
  url: string;
  idempotencyKey: string | null;
  authorization: string | null;
  spanIds: string[];
  submission: { id: string; label?: string } | undefined;
  body: string;
  signal: AbortSignal | null;
}

type Reply = Response | Error | ((request: SentRequest) => Response | Promise<Response>);

/** A fake fetch answering from a script of replies (the last one repeats), recording every request. */
function scriptedFetch(...replies: Reply[]) {
  const requests: SentRequest[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const body = JSON.parse(String(init?.body)) as {
      spans: StoredSpanPatch[];
      submission?: { id: string; label?: string };
    };
    const request: SentRequest = {
      url: String(input),
      idempotencyKey: headers.get('Idempotency-Key'),
      authorization: headers.get('Authorization'),
      spanIds: body.spans.map((span) => span.span_id),
      submission: body.submission,
      body: String(init?.body),
      signal: init?.signal ?? null,
    };
    requests.push(request);
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)];
    if (reply === undefined) throw new Error('no reply scripted');
    if (reply instanceof Error) throw reply;
    if (typeof reply === 'function') return reply(request);
    return reply.clone();
  });
  return { fetch: fetchImpl as unknown as typeof fetch, requests };
}

function okFor(request: SentRequest, submissionId = `sub-${request.spanIds[0]}`): Response {
  const body: PatchResponse = {
    spans_processed: request.spanIds.length,
    spans_updated: request.spanIds.length,
    spans_unchanged: 0,
    spans_failed: 0,
    errors: [],
    submission_id: submissionId,
  };
  return Response.json(body);
}

const ok = (request: SentRequest) => okFor(request);
const status = (code: number, headers: Record<string, string> = {}) =>
  Response.json({ error: { code: `e${code}`, message: `server says ${code}` } }, { status: code, headers });

function spans(count: number): StoredSpanPatch[] {
  return Array.from({ length: count }, (_, i) => ({ span_id: `span-${i}`, patch_document: { n: i } }));
}

const fast = { baseUrl: 'http://127.0.0.1:9', retryBaseDelayMs: 1, random: () => 0.5 };

afterEach(() => {
  vi.useRealTimers();
});

describe('logMetadata', () => {
  it('sends one submission ID and label with every batch of a call, and returns that ID', async () => {
    const { fetch, requests } = scriptedFetch((request) => okFor(request));
    const result = await logMetadata('p', spans(12), {
      fetch,
      batchSize: 5,
      submission: { label: 'review.csv' },
    });
    const ids = new Set(requests.map((request) => request.submission?.id));
    expect(ids.size).toBe(1);
    expect(requests.every((request) => request.submission?.label === 'review.csv')).toBe(true);
    expect(result.submission_id).toBe([...ids][0]);
    const again = await logMetadata('p', spans(2), { fetch, submission: { id: 'given-id' } });
    expect(requests.at(-1)?.submission).toEqual({ id: 'given-id' });
    expect(again.submission_id).toBe('given-id');
  });

  it('never counts a batch that could not be delivered as done, and lists it for a Retry with its key', async () => {
    const { fetch, requests } = scriptedFetch((request) => okFor(request), new TypeError('fetch failed'));
    const progress: SubmissionProgress[] = [];
    const result = await logMetadata('p', spans(4), {
      fetch,
      batchSize: 2,
      concurrency: 1,
      maxRetries: 0,
      onProgress: (report) => progress.push(report),
    });
    expect(progress.at(-1)).toMatchObject({
      spansDone: 2,
      batchesDone: 1,
      batchesFailed: 1,
      spansUndelivered: 2,
      spansFailed: 2,
    });
    const failedKey = requests[1]?.idempotencyKey ?? '';
    expect(result.undelivered_batches).toEqual([
      { idempotency_key: failedKey, span_ids: ['span-2', 'span-3'] },
    ]);

    // Retry: the same batch, byte for byte, with the same key, in the same submission.
    const retry = scriptedFetch((request) => okFor(request));
    const retried = await logMetadata('p', [], {
      fetch: retry.fetch,
      submission: { id: result.submission_id },
      resend: [{ idempotencyKey: failedKey, spans: spans(4).slice(2) }],
    });
    expect(retry.requests).toHaveLength(1);
    expect(retry.requests[0]?.idempotencyKey).toBe(failedKey);
    expect(retry.requests[0]?.body).toBe(requests[1]?.body);
    expect(retried).toMatchObject({ spans_updated: 2, spans_failed: 0, submission_id: result.submission_id });
  });

  it('sends batches with their own Idempotency-Key and aggregates the answers in batch order', async () => {
    let inFlight = 0;
    let peak = 0;
    const { fetch, requests } = scriptedFetch(async (request) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, request.spanIds[0] === 'span-0' ? 30 : 5));
      inFlight--;
      if (request.spanIds[0] === 'span-5') {
        return Response.json({
          spans_processed: 5,
          spans_updated: 4,
          spans_unchanged: 0,
          spans_failed: 1,
          errors: [{ span_id: 'span-7', error_message: '[segment_not_found] No span' }],
          submission_id: 'sub-span-5',
        });
      }
      return ok(request);
    });
    const progress: SubmissionProgress[] = [];
    const result = await logMetadata('my project/1', spans(12), {
      ...fast,
      fetch,
      apiKey: 'secret',
      batchSize: 5,
      concurrency: 2,
      onProgress: (report) => progress.push(report),
    });
    expect(requests).toHaveLength(3);
    expect(peak).toBe(2);
    expect(requests[0]?.url).toBe('http://127.0.0.1:9/api/v1/projects/my%20project%2F1/spans/metadata');
    expect(requests[0]?.authorization).toBe('Bearer secret');
    expect(new Set(requests.map((request) => request.idempotencyKey)).size).toBe(3);
    expect(requests.map((request) => request.spanIds.length).sort()).toEqual([2, 5, 5]);
    expect(result).toEqual({
      spans_processed: 12,
      spans_updated: 11,
      spans_unchanged: 0,
      spans_failed: 1,
      errors: [{ span_id: 'span-7', error_message: '[segment_not_found] No span' }],
      submission_id: expect.any(String),
      not_sent: [],
      undelivered_batches: [],
    });
    expect(progress.at(-1)).toEqual({
      spansDone: 12,
      spansTotal: 12,
      batchesDone: 3,
      batchesFailed: 0,
      spansUndelivered: 0,
      batchesTotal: 3,
      spansUpdated: 11,
      spansFailed: 1,
      retries: 0,
      retrying: null,
    });
    expect(progress.map((report) => report.batchesDone)).toEqual([1, 2, 3]);
  });

  it('sends nothing for no spans', async () => {
    const { fetch, requests } = scriptedFetch(ok);
    const result = await logMetadata('p', [], { ...fast, fetch });
    expect(requests).toEqual([]);
    expect(result.spans_processed).toBe(0);
  });

  it('retries 5xx and 429 with the same Idempotency-Key, then succeeds', async () => {
    const { fetch, requests } = scriptedFetch(status(503), status(429), status(500), ok);
    const progress: SubmissionProgress[] = [];
    const result = await logMetadata('p', spans(3), {
      ...fast,
      fetch,
      onProgress: (report) => progress.push(report),
    });
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((request) => request.idempotencyKey)).size).toBe(1);
    expect(result.spans_updated).toBe(3);
    expect(result.errors).toEqual([]);
    expect(progress.filter((report) => report.retrying).map((report) => report.retrying?.reason)).toEqual([
      'HTTP 503: server says 503',
      'HTTP 429: server says 429',
      'HTTP 500: server says 500',
    ]);
    expect(progress.at(-1)?.retries).toBe(3);
  });

  it('backs off exponentially with jitter', async () => {
    const delays: number[] = [];
    const { fetch } = scriptedFetch(new TypeError('fetch failed'));
    await logMetadata('p', spans(1), {
      ...fast,
      fetch,
      retryBaseDelayMs: 4,
      onProgress: (report) => {
        if (report.retrying) delays.push(report.retrying.delayMs);
      },
    });
    // random() = 0.5: three quarters of 4, 8, 16 ms.
    expect(delays).toEqual([3, 6, 12]);
    expect(backoffDelay(10, 500, 60_000, () => 0)).toBe(30_000);
    expect(backoffDelay(10, 500, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelay(0, 500, 60_000, () => 0.999)).toBeGreaterThanOrEqual(250);
  });

  it('honours Retry-After before retrying', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { fetch, requests } = scriptedFetch(status(429, { 'Retry-After': '2' }), ok);
    const done = logMetadata('p', spans(2), { ...fast, fetch });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(2);
    expect((await done).spans_updated).toBe(2);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeNull();
  });

  it('gives up when Retry-After asks for longer than the longest retry delay', async () => {
    const { fetch, requests } = scriptedFetch(status(503, { 'Retry-After': '3600' }), ok);
    const result = await logMetadata('p', spans(1), { ...fast, fetch, retryMaxDelayMs: 5_000 });
    expect(requests).toHaveLength(1);
    expect(result.errors[0]?.error_message).toBe(
      '[connection_failure] HTTP 503: server says 503; the server asked to retry after 3600 s',
    );
  });

  it('fails every span of an undeliverable batch with connection_failure after 3 retries', async () => {
    const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    const { fetch, requests } = scriptedFetch(ok, refused);
    const result = await logMetadata('p', spans(4), { ...fast, fetch, batchSize: 2 });
    expect(requests).toHaveLength(5);
    const message =
      '[connection_failure] Could not reach the server: fetch failed: connect ECONNREFUSED 127.0.0.1:9 (after 4 attempts)';
    expect(result).toMatchObject({
      spans_processed: 4,
      spans_updated: 2,
      spans_unchanged: 0,
      spans_failed: 2,
      errors: [
        { span_id: 'span-2', error_message: message },
        { span_id: 'span-3', error_message: message },
      ],
      not_sent: [],
    });
  });

  it('does not retry a request-level error, and reports the server message', async () => {
    // NOTE: a 403 was this test's example until a refused key became a refusal (below); a 400 is one still.
    const { fetch, requests } = scriptedFetch(status(400));
    const result = await logMetadata('p', spans(1), { ...fast, fetch });
    expect(requests).toHaveLength(1);
    expect(result.errors).toEqual([
      { span_id: 'span-0', error_message: '[connection_failure] HTTP 400: server says 400' },
    ]);
  });

  it('reports batches the server refused for the key (401, 403) as refused with its message, never as undelivered', async () => {
    const message = "The API key 'ci' is read-only: it cannot change spans. Use a key without ':read'";
    for (const [code, errorCode] of [
      [403, 'read_only_key'],
      [403, 'forbidden'],
      [401, 'unauthorized'],
    ] as const) {
      const refusal = Response.json({ error: { code: errorCode, message } }, { status: code });
      const { fetch, requests } = scriptedFetch(refusal);
      const progress: SubmissionProgress[] = [];
      const result = await logMetadata('p', spans(4), {
        ...fast,
        fetch,
        batchSize: 2,
        concurrency: 1,
        onProgress: (report) => progress.push(report),
      });
      expect(requests, `${code} ${errorCode} is not retried`).toHaveLength(2);
      expect(result).toMatchObject({ spans_processed: 4, spans_updated: 0, spans_failed: 4, not_sent: [] });
      expect(result.errors.map((error) => error.error_message)).toEqual(
        Array.from({ length: 4 }, () => `[key_refused] ${message}`),
      );
      expect(result.undelivered_batches).toEqual([]);
      expect(progress.at(-1)).toMatchObject({ batchesDone: 2, batchesFailed: 0, spansUndelivered: 0 });
    }
  });

  it('reports a batch refused because its submission was reverted as refused with the server message, never as undelivered', async () => {
    const message = "The submission 's-1' was reverted while it was still sending";
    const refusal = Response.json({ error: { code: 'submission_reverted', message } }, { status: 409 });
    const { fetch, requests } = scriptedFetch((request) => okFor(request), refusal);
    const progress: SubmissionProgress[] = [];
    const result = await logMetadata('p', spans(4), {
      ...fast,
      fetch,
      batchSize: 2,
      concurrency: 1,
      onProgress: (report) => progress.push(report),
    });
    expect(requests).toHaveLength(2);
    expect(result).toMatchObject({ spans_processed: 4, spans_updated: 2, spans_failed: 2, not_sent: [] });
    expect(result.errors).toEqual([
      { span_id: 'span-2', error_message: `[submission_reverted] ${message}` },
      { span_id: 'span-3', error_message: `[submission_reverted] ${message}` },
    ]);
    expect(result.undelivered_batches).toEqual([]);
    expect(progress.at(-1)).toMatchObject({
      batchesDone: 2,
      batchesFailed: 0,
      spansUndelivered: 0,
      spansFailed: 2,
    });
  });

  it('counts an answer that does not match the schema as a failed delivery', async () => {
    const { fetch, requests } = scriptedFetch(Response.json({ spans_processed: 'lots' }));
    const result = await logMetadata('p', spans(2), { ...fast, fetch });
    expect(requests).toHaveLength(1);
    expect(result.spans_failed).toBe(2);
    expect(result.errors[0]?.error_message).toMatch(
      /^\[connection_failure\] The server's answer does not match the API: spans_processed: /,
    );
    const notJson = scriptedFetch(new Response('<html>proxy error</html>', { status: 200 }));
    const second = await logMetadata('p', spans(1), { ...fast, fetch: notJson.fetch });
    expect(second.errors[0]?.error_message).toMatch(
      /^\[connection_failure\] The server's answer is not JSON/,
    );
  });

  it('treats a request without an answer in time as a network error', async () => {
    const hanging = (_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    const result = await logMetadata('p', spans(1), {
      ...fast,
      fetch: hanging as typeof fetch,
      requestTimeoutMs: 20,
      maxRetries: 1,
    });
    expect(result.errors[0]?.error_message).toBe(
      '[connection_failure] No answer from the server within 20 ms (after 2 attempts)',
    );
  });

  it('takes an infinite request timeout as no limit, not as an instant timeout', async () => {
    const { fetch, requests } = scriptedFetch(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return ok(request);
    });
    const result = await logMetadata('p', spans(1), { ...fast, fetch, requestTimeoutMs: Infinity });
    expect(requests).toHaveLength(1);
    expect(result.spans_updated).toBe(1);
  });

  it('on cancel, aborts the batch in flight at once, reports it as of unknown outcome and the rest as not sent', async () => {
    const controller = new AbortController();
    const { fetch, requests } = scriptedFetch(async (request) => {
      if (request.spanIds[0] !== 'span-2') return ok(request);
      controller.abort();
      // A request that ignores its signal and never answers: the cancel must not wait for it.
      return new Promise<Response>(() => undefined);
    });
    const result = await logMetadata('p', spans(8), {
      ...fast,
      fetch,
      batchSize: 2,
      concurrency: 1,
      signal: controller.signal,
      requestTimeoutMs: 3_600_000,
    });
    expect(requests).toHaveLength(2);
    expect(requests[1]?.signal?.aborted).toBe(true);
    const unknown = `[connection_failure] ${CANCELLED_IN_FLIGHT}`;
    expect(unknown).toMatch(/outcome is unknown.*Retry \(same Idempotency-Key\) applies it at most once/);
    expect(result).toMatchObject({
      spans_processed: 4,
      spans_updated: 2,
      spans_unchanged: 0,
      spans_failed: 2,
      errors: [
        { span_id: 'span-2', error_message: unknown },
        { span_id: 'span-3', error_message: unknown },
      ],
      not_sent: ['span-4', 'span-5', 'span-6', 'span-7'],
    });
  }, 10_000);

  it('makes the patches of spans given by ID a batch at a time, as each batch goes, and none for spans not sent', async () => {
    const controller = new AbortController();
    const made: string[][] = [];
    const { fetch, requests } = scriptedFetch(async (request) => {
      // Each batch's patches are made just before it is sent, not all at the start.
      expect(made).toHaveLength(requests.length);
      if (request.spanIds[0] === 'span-4') {
        controller.abort();
        return new Promise<Response>(() => undefined);
      }
      return ok(request);
    });
    const all = spans(8);
    const progress: SubmissionProgress[] = [];
    const result = await logMetadata(
      'p',
      {
        spanIds: all.map((span) => span.span_id),
        patchesOf: (spanIds) => {
          made.push([...spanIds]);
          return all.filter((span) => spanIds.includes(span.span_id));
        },
      },
      {
        ...fast,
        fetch,
        batchSize: 2,
        concurrency: 1,
        signal: controller.signal,
        onProgress: (report) => progress.push(report),
      },
    );
    expect(made).toEqual([
      ['span-0', 'span-1'],
      ['span-2', 'span-3'],
      ['span-4', 'span-5'],
    ]);
    expect(requests.map((request) => request.spanIds)).toEqual(made);
    expect(JSON.parse(requests[1]?.body ?? '{}')).toMatchObject({ spans: all.slice(2, 4) });
    expect(progress[0]).toMatchObject({ spansTotal: 8, batchesTotal: 4 });
    expect(result).toMatchObject({
      spans_updated: 4,
      spans_failed: 2,
      not_sent: ['span-6', 'span-7'],
      undelivered_batches: [{ span_ids: ['span-4', 'span-5'] }],
    });
  }, 10_000);

  it('counts an answer whose counts contradict the batch as a failed delivery, not as a result', async () => {
    const { fetch, requests } = scriptedFetch((request) =>
      Response.json({
        spans_processed: request.spanIds.length,
        spans_updated: 99_999,
        spans_unchanged: 0,
        spans_failed: 0,
        errors: [],
        submission_id: 'sub-lies',
      }),
    );
    const progress: SubmissionProgress[] = [];
    const result = await logMetadata('p', spans(10), {
      ...fast,
      fetch,
      onProgress: (report) => progress.push(report),
    });
    expect(requests).toHaveLength(1);
    const message =
      "[connection_failure] The server's answer contradicts the request: its 99,999 spans updated and 0 spans failed do not add up to the 10 spans processed";
    expect(result).toEqual({
      spans_processed: 10,
      spans_updated: 0,
      spans_unchanged: 0,
      spans_failed: 10,
      errors: spans(10).map((span) => ({ span_id: span.span_id, error_message: message })),
      submission_id: expect.any(String),
      not_sent: [],
      undelivered_batches: [
        { idempotency_key: expect.any(String), span_ids: spans(10).map((span) => span.span_id) },
      ],
    });
    expect(progress.at(-1)?.spansUpdated).toBe(0);

    const stranger = scriptedFetch((request) =>
      Response.json({
        spans_processed: request.spanIds.length,
        spans_updated: request.spanIds.length - 1,
        spans_unchanged: 0,
        spans_failed: 1,
        errors: [{ span_id: 'someone-else', error_message: '[segment_not_found] No span' }],
        submission_id: 'sub-x',
      }),
    );
    const second = await logMetadata('p', spans(3), { ...fast, fetch: stranger.fetch });
    expect(second.spans_updated).toBe(0);
    expect(second.errors[0]?.error_message).toBe(
      "[connection_failure] The server's answer contradicts the request: it reports an error for span 'someone-else', which was not sent in this request",
    );
  });

  it('on cancel while waiting to retry, reports the batch as not sent if the server refused it', async () => {
    const controller = new AbortController();
    const { fetch } = scriptedFetch(status(503));
    const run = logMetadata('p', spans(2), {
      ...fast,
      retryBaseDelayMs: 10_000,
      fetch,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    const result = await run;
    expect(result.not_sent).toEqual(['span-0', 'span-1']);
    expect(result.spans_failed).toBe(0);
  });

  it('on cancel while waiting to retry after a network error, says the outcome is unknown', async () => {
    const controller = new AbortController();
    const { fetch } = scriptedFetch(new TypeError('fetch failed'));
    const run = logMetadata('p', spans(1), {
      ...fast,
      retryBaseDelayMs: 10_000,
      fetch,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    const result = await run;
    expect(result.not_sent).toEqual([]);
    expect(result.errors[0]?.error_message).toBe(
      '[connection_failure] Could not reach the server: fetch failed; cancelled before retrying, so the server may or may not have applied it',
    );
  });

  it('sends nothing when cancelled before it starts', async () => {
    const { fetch, requests } = scriptedFetch(ok);
    const result = await logMetadata('p', spans(3), { ...fast, fetch, signal: AbortSignal.abort() });
    expect(requests).toEqual([]);
    expect(result.not_sent).toEqual(['span-0', 'span-1', 'span-2']);
  });

  it('rejects impossible options', async () => {
    await expect(logMetadata('p', spans(1), { batchSize: 10_001 })).rejects.toThrow(RangeError);
    await expect(logMetadata('p', spans(1), { concurrency: 0 })).rejects.toThrow(RangeError);
  });
});
