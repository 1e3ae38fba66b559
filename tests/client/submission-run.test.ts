import { describe, expect, it } from 'vitest';
import type { SubmissionProgress } from '@/client/log-metadata';
import { retryOf, SubmissionRun } from '@/client/submission-run';
import type { AggregatedResponse, PatchResponse } from '@/core/api';
import type { StoredSpanPatch } from '@/core/patch';

interface SentRequest {
  idempotencyKey: string | null;
  spanIds: string[];
  submission: { id: string; label?: string } | undefined;
  body: string;
}

/** A fake fetch: `answer` says how each request ends (an answer, or a thrown network error); every request kept. */
function scriptedFetch(answer: (request: SentRequest) => Response | Error) {
  const requests: SentRequest[] = [];
  const fetchImpl = (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body)) as {
      spans: StoredSpanPatch[];
      submission?: { id: string; label?: string };
    };
    const request: SentRequest = {
      idempotencyKey: new Headers(init?.headers).get('Idempotency-Key'),
      spanIds: body.spans.map((span) => span.span_id),
      submission: body.submission,
      body: String(init?.body),
    };
    requests.push(request);
    const reply = answer(request);
    return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}

function updated(request: SentRequest): Response {
  const body: PatchResponse = {
    spans_processed: request.spanIds.length,
    spans_updated: request.spanIds.length,
    spans_unchanged: 0,
    spans_failed: 0,
    errors: [],
    submission_id: request.submission?.id ?? '',
  };
  return Response.json(body);
}

function spans(from: number, count: number): StoredSpanPatch[] {
  return Array.from({ length: count }, (_, i) => ({
    span_id: `span-${from + i}`,
    patch_document: { n: from + i },
  }));
}

const base = { baseUrl: 'http://127.0.0.1:9', maxRetries: 0, concurrency: 1 };

describe('SubmissionRun', () => {
  it('counts the spans still expected from the start, and sends its parts as one submission', async () => {
    const { fetch, requests } = scriptedFetch(updated);
    const progress: SubmissionProgress[] = [];
    const run = new SubmissionRun('p', {
      ...base,
      fetch,
      batchSize: 2,
      expected: 9,
      submission: { label: 'review.csv' },
      onProgress: (report) => progress.push(report),
    });
    expect(run.progress()).toMatchObject({ spansDone: 0, spansTotal: 9, batchesTotal: 5 });

    await run.send(spans(0, 3));
    // After the first part: its 3 spans done, the 6 expected still counted as to send.
    expect(progress.at(-1)).toMatchObject({ spansDone: 3, spansTotal: 9, batchesDone: 2, batchesTotal: 5 });
    // Three spans of the next part are up to date: left out, no longer counted.
    run.leaveOut(3);
    expect(progress.at(-1)).toMatchObject({ spansDone: 3, spansTotal: 6, batchesTotal: 4 });
    // The last part: one span sent, two of it up to date.
    await run.send(spans(6, 1), 3);
    expect(progress.at(-1)).toMatchObject({ spansDone: 4, spansTotal: 4, batchesDone: 3, spansUpdated: 4 });

    expect(new Set(requests.map((request) => request.submission?.id))).toEqual(new Set([run.submission.id]));
    expect(requests.every((request) => request.submission?.label === 'review.csv')).toBe(true);
    const result = run.result();
    expect(result).toMatchObject({
      spans_processed: 4,
      spans_updated: 4,
      spans_failed: 0,
      submission_id: run.submission.id,
      not_sent: [],
      undelivered_batches: [],
    });
    expect(run.unfinished()).toEqual([]);
  });

  it('combines the parts: undelivered batches kept for a Retry with their patches, unsent spans listed last', async () => {
    const { fetch, requests } = scriptedFetch((request) =>
      request.spanIds.includes('span-1') ? new TypeError('fetch failed') : updated(request),
    );
    const run = new SubmissionRun('p', { ...base, fetch, batchSize: 2, expected: 6 });
    await run.send(spans(0, 4));
    run.leaveUnsent(['span-4', 'span-5']);
    const result = run.result();
    expect(result).toMatchObject({
      spans_processed: 4,
      spans_updated: 2,
      spans_failed: 2,
      submission_id: run.submission.id,
      not_sent: ['span-4', 'span-5'],
      undelivered_batches: [{ idempotency_key: requests[0]?.idempotencyKey, span_ids: ['span-0', 'span-1'] }],
    });
    expect(result.errors.map((error) => error.error_message)).toEqual([
      expect.stringMatching(/^\[connection_failure\] /),
      expect.stringMatching(/^\[connection_failure\] /),
    ]);
    expect(run.unfinished()).toEqual(spans(0, 2));
  });

  it('makes the patches of what is left open once more when given spans by ID', async () => {
    const { fetch } = scriptedFetch((request) =>
      request.spanIds.includes('span-2') ? new TypeError('fetch failed') : updated(request),
    );
    const all = spans(0, 4);
    const asked: string[][] = [];
    const run = new SubmissionRun('p', { ...base, fetch, batchSize: 2, expected: 4 });
    await run.send({
      spanIds: all.map((span) => span.span_id),
      patchesOf: (spanIds) => {
        asked.push([...spanIds]);
        return all.filter((span) => spanIds.includes(span.span_id));
      },
    });
    expect(asked).toEqual([
      ['span-0', 'span-1'],
      ['span-2', 'span-3'],
      ['span-2', 'span-3'],
    ]);
    expect(run.unfinished()).toEqual(spans(2, 2));
  });

  it('refuses a batch for the key with [key_refused]: failed, not undelivered, nothing left for a Retry', async () => {
    const { fetch } = scriptedFetch(() =>
      Response.json(
        { error: { code: 'unauthorized', message: 'This API key is not valid.' } },
        { status: 401 },
      ),
    );
    const run = new SubmissionRun('p', { ...base, fetch, expected: 2 });
    await run.send(spans(0, 2));
    const result = run.result();
    expect(result).toMatchObject({ spans_failed: 2, undelivered_batches: [], not_sent: [] });
    expect(result.errors[0]?.error_message).toMatch(/^\[key_refused\] /);
    expect(run.unfinished()).toEqual([]);
  });

  it('has no submission ID when no part was sent', () => {
    const run = new SubmissionRun('p', { ...base, expected: 2 });
    run.leaveUnsent(['span-0', 'span-1']);
    expect(run.result()).toMatchObject({
      submission_id: '',
      not_sent: ['span-0', 'span-1'],
      spans_processed: 0,
    });
  });

  it('re-sends undelivered batches first, as they were, counted from the start', async () => {
    const { fetch, requests } = scriptedFetch(updated);
    const earlier: AggregatedResponse = {
      spans_processed: 2,
      spans_updated: 0,
      spans_unchanged: 0,
      spans_failed: 2,
      errors: [],
      submission_id: 'sub-1',
      not_sent: ['span-2'],
      undelivered_batches: [{ idempotency_key: 'key-1', span_ids: ['span-0', 'span-1'] }],
    };
    const patches = new Map(spans(0, 3).map((span) => [span.span_id, span.patch_document as { n: number }]));
    const retry = retryOf(earlier, (spanId) => patches.get(spanId));
    expect(retry).toEqual({ resend: [{ idempotencyKey: 'key-1', spans: spans(0, 2) }], spans: spans(2, 1) });

    const run = new SubmissionRun('p', {
      ...base,
      fetch,
      resend: retry.resend,
      submission: { id: 'sub-1' },
      expected: retry.spans.length,
    });
    expect(run.progress()).toMatchObject({ spansTotal: 3, batchesTotal: 2 });
    await run.send(retry.spans);
    expect(requests.map((request) => request.idempotencyKey?.length)).toHaveLength(2);
    expect(requests[0]).toMatchObject({ idempotencyKey: 'key-1', spanIds: ['span-0', 'span-1'] });
    expect(requests[1]?.spanIds).toEqual(['span-2']);
    expect(run.result()).toMatchObject({ spans_updated: 3, submission_id: 'sub-1' });
  });
});
