import { describe, expect, it } from 'vitest';
import type { SubmissionProgress } from '@/client';
import {
  EDITED_SHEET_LABEL,
  progressText,
  retryReportText,
  submissionLabel,
  undeliveredReason,
} from '@/ui/submission';

function progress(fields: Partial<SubmissionProgress>): SubmissionProgress {
  return {
    spansDone: 0,
    spansTotal: 0,
    batchesDone: 0,
    batchesFailed: 0,
    spansUndelivered: 0,
    batchesTotal: 1,
    spansUpdated: 0,
    spansFailed: 0,
    retries: 0,
    retrying: null,
    ...fields,
  };
}

describe('progressText', () => {
  it('shows spans delivered and failed batches apart', () => {
    expect(
      progressText({
        project: 'demo',
        kind: 'submit',
        startedAt: 0,
        updatedAt: 10_000,
        progress: progress({
          spansDone: 20_000,
          spansTotal: 39_733,
          batchesDone: 4,
          batchesFailed: 2,
          spansUndelivered: 10_000,
          batchesTotal: 8,
        }),
      }),
    ).toBe(
      'Submitting to demo: 20,000 of 39,733 spans delivered (4 of 8 batches) · 2 batches failed (10,000 spans not delivered) · 2,000 spans/s',
    );
  });

  it('names a Retry and the batch it is waiting to retry', () => {
    expect(
      progressText({
        project: 'demo',
        kind: 'retry',
        startedAt: 0,
        updatedAt: 0,
        progress: progress({
          spansTotal: 1,
          retrying: { batch: 0, attempt: 1, delayMs: 500, reason: 'HTTP 503' },
        }),
      }),
    ).toBe('Retrying to demo: 0 of 1 span delivered · 0 spans/s · retrying batch 1 (HTTP 503)');
  });

  it('says a server that cannot be reached in the app\'s one sentence, never the browser\'s "Failed to fetch"', () => {
    const text = progressText({
      project: 'demo',
      serverUrl: 'http://127.0.0.1:4318',
      kind: 'submit',
      startedAt: 0,
      updatedAt: 0,
      progress: progress({
        spansTotal: 1,
        retrying: {
          batch: 2,
          attempt: 1,
          delayMs: 500,
          reason: 'Could not reach the server: Failed to fetch',
        },
      }),
    });
    expect(text).toContain(
      'retrying batch 3: Cannot reach the server at http://127.0.0.1:4318. Check the address and that the server is running.',
    );
    expect(text).not.toContain('Failed to fetch');
  });
});

describe('retryReportText', () => {
  it.each([
    [
      { undelivered: 29_733, notSent: 0, failure: 'Could not reach the server: fetch failed' },
      'error',
      'Retry failed again: 29,733 spans could not be delivered — the server is still unreachable.',
    ],
    [
      { undelivered: 1, notSent: 0, failure: 'No answer from the server within 30 s' },
      'error',
      'Retry failed again: 1 span could not be delivered — the server still does not answer in time.',
    ],
    [
      { undelivered: 2, notSent: 0, failure: 'HTTP 500 Internal Server Error' },
      'error',
      'Retry failed again: 2 spans could not be delivered — the server still fails (HTTP 500 Internal Server Error).',
    ],
    [{ undelivered: 0, notSent: 3, failure: null }, 'warning', 'Retry cancelled: 3 spans were not sent.'],
    [
      { undelivered: 0, notSent: 0, failure: null },
      'ok',
      'Retry delivered 10 spans; the figures above include them.',
    ],
  ])('%j', (report, tone, text) => {
    expect(retryReportText({ finishedAt: 'now', sent: 10, ...report })).toEqual({ tone, text });
  });

  it('keeps a reason it does not know in its own words', () => {
    expect(undeliveredReason("The server's answer contradicts the request: x")).toBe(
      "The server's answer contradicts the request: x",
    );
    expect(undeliveredReason(null)).toBe('the server did not answer');
  });
});

describe('submissionLabel', () => {
  it.each([
    [{ name: 'review.csv', kind: 'file' as const }, 'review.csv'],
    [{ name: 'Failed rows of review.csv', kind: 'failed-rows' as const }, 'Failed rows of review.csv'],
    [{ name: 'Spans from project demo', kind: 'spans' as const }, 'Spans from project demo'],
    [{ name: 'New sheet', kind: 'new' as const }, EDITED_SHEET_LABEL],
    [{ name: 'Pasted sheet', kind: 'paste' as const }, 'Edited sheet'],
    [{ name: '  ', kind: 'file' as const }, 'Edited sheet'],
    [{ name: 'x'.repeat(600), kind: 'file' as const }, 'x'.repeat(500)],
  ])('%j is labelled %j', (source, label) => {
    expect(submissionLabel(source)).toBe(label);
  });
});
