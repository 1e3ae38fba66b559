import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AggregatedResponse, aggregateResponses, ERROR_TYPES } from '@/core/api';
import { ERROR_CODES, errorTypeOfIssue } from '@/core/issues';
import { ISSUE_ERROR_TYPES } from '@/core/issues/issue-error-types';
import {
  blockedSpanErrors,
  buildOutcome,
  errorTypeCounts,
  includeLeftOut,
  leftOutSpanErrors,
  mergeRetry,
  notAppliedSpanIds,
  outcomeFailures,
  refusalOf,
  restoreOutcome,
  retrySpanIds,
  storedOutcomeOf,
  type SubmissionOutcome,
  summarizeOutcome,
} from '@/core/outcome';
import { sheetOf } from '../helpers';

const HEADERS = ['context.span_id', 'attributes.metadata.score', 'patch_document'];
const NUMBER_SCORE = { 'attributes.metadata.score': { type: 'number' as const } };

/** A sheet of five spans: two ready, one with bad JSON, one whose score is not a number, one with both. */
function reviewSheet() {
  return sheetOf(
    HEADERS,
    [
      ['aaaaaaaaaaaaaaa1', 1, ''],
      ['aaaaaaaaaaaaaaa2', 2, '{"note":"ok"}'],
      ['aaaaaaaaaaaaaaa3', 3, '{"note":'],
      ['aaaaaaaaaaaaaaa4', 'high', ''],
      ['aaaaaaaaaaaaaaa5', 'low', '[1'],
      ['aaaaaaaaaaaaaaa6', 6, ''],
    ],
    NUMBER_SCORE,
  );
}

const connectionFailure = (spanId: string) => ({
  span_id: spanId,
  error_message: '[connection_failure] Could not reach the server: fetch failed',
});

/** The answer to a submission of spans 1, 2 and 6 in batches of one: 1 updated, 2 unknown, 6 undelivered. */
function answer(): AggregatedResponse {
  return aggregateResponses(
    [
      {
        spans_processed: 1,
        spans_updated: 1,
        spans_unchanged: 1,
        spans_failed: 0,
        errors: [],
        submission_id: 'sub-1',
      },
      {
        spans_processed: 1,
        spans_updated: 0,
        spans_unchanged: 0,
        spans_failed: 1,
        errors: [{ span_id: 'aaaaaaaaaaaaaaa2', error_message: '[segment_not_found] No span' }],
        submission_id: 'sub-1',
      },
      {
        spans_processed: 1,
        spans_updated: 0,
        spans_unchanged: 0,
        spans_failed: 1,
        errors: [connectionFailure('aaaaaaaaaaaaaaa6')],
        submission_id: '',
      },
    ],
    {
      submissionId: 'sub-1',
      undelivered: [{ idempotency_key: 'key-3', span_ids: ['aaaaaaaaaaaaaaa6'] }],
    },
  );
}

function reviewOutcome(): SubmissionOutcome {
  const model = reviewSheet();
  return buildOutcome({
    model,
    sent: model.submittableSpans(),
    blocked: blockedSpanErrors(model),
    result: answer(),
    project: 'demo',
    label: 'review.csv',
    source: { name: 'review.csv', kind: 'file' },
    startedAt: '2025-05-05T10:42:00.000Z',
    finishedAt: '2025-05-05T10:42:03.000Z',
    cancelled: false,
  });
}

describe('the error type of each sheet error', () => {
  it('covers every error code: bad JSON is parse_failure, every other problem patch_failure', () => {
    expect(Object.keys(ISSUE_ERROR_TYPES).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      expect(ERROR_TYPES).toContain(errorTypeOfIssue(code));
      expect(errorTypeOfIssue(code)).toBe(
        code === 'parse_failure' || code === 'not_json' ? 'parse_failure' : 'patch_failure',
      );
    }
  });
});

describe('blockedSpanErrors', () => {
  it('gives each blocked span one error of its type, naming row and column', () => {
    expect(blockedSpanErrors(reviewSheet())).toEqual([
      {
        span_id: 'aaaaaaaaaaaaaaa3',
        error_message: expect.stringMatching(
          /^\[parse_failure\] Blocked before sending: Row 3, column patch_document: patch_document is not valid JSON: /,
        ) as unknown,
      },
      {
        span_id: 'aaaaaaaaaaaaaaa4',
        error_message:
          '[patch_failure] Blocked before sending: Row 4, column attributes.metadata.score: "high" is not a number, and this column\'s type is number.',
      },
      {
        span_id: 'aaaaaaaaaaaaaaa5',
        error_message: expect.stringMatching(
          /^\[patch_failure\] Blocked before sending: Row 5, column attributes.metadata.score: .* \(and 1 more error\)$/,
        ) as unknown,
      },
    ]);
  });

  it('counts as many spans as the sheet summary calls blocked', () => {
    const model = reviewSheet();
    expect(blockedSpanErrors(model)).toHaveLength(model.summary().spansByStatus.blocked);
  });

  it('is empty when the sheet as a whole is blocked (nothing can be submitted)', () => {
    const model = sheetOf(['attributes.metadata.score'], [[1], ['x']]);
    expect(model.sheetIssues.length).toBeGreaterThan(0);
    expect(blockedSpanErrors(model)).toEqual([]);
  });
});

describe('buildOutcome', () => {
  it('keeps the rows of every failed, blocked or unsent span, and the patches Retry needs', () => {
    const outcome = reviewOutcome();
    expect([...outcome.spans.keys()]).toEqual([
      'aaaaaaaaaaaaaaa2',
      'aaaaaaaaaaaaaaa6',
      'aaaaaaaaaaaaaaa3',
      'aaaaaaaaaaaaaaa4',
      'aaaaaaaaaaaaaaa5',
    ]);
    expect(outcome.spans.get('aaaaaaaaaaaaaaa3')).toEqual({
      rows: [3],
      cells: [['aaaaaaaaaaaaaaa3', 3, '{"note":']],
    });
    expect([...outcome.patches]).toEqual([['aaaaaaaaaaaaaaa6', { score: 6 }]]);
    expect(outcome.label).toBe('review.csv');
    expect(outcome.lastRetry).toBeNull();
  });
});

describe('notAppliedSpanIds', () => {
  it('lists every span not applied once: failed or unknown, blocked, then not sent', () => {
    const model = reviewSheet();
    const cancelled = aggregateResponses(
      [
        {
          spans_processed: 1,
          spans_updated: 0,
          spans_unchanged: 0,
          spans_failed: 1,
          errors: [connectionFailure('aaaaaaaaaaaaaaa1')],
          submission_id: 'sub-1',
        },
      ],
      { submissionId: 'sub-1', notSent: ['aaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaa6'] },
    );
    const outcome = buildOutcome({
      model,
      sent: model.submittableSpans(),
      blocked: blockedSpanErrors(model),
      result: cancelled,
      project: 'demo',
      label: 'review.csv',
      source: { name: 'review.csv', kind: 'file' },
      startedAt: '2025-05-05T10:42:00.000Z',
      finishedAt: '2025-05-05T10:42:03.000Z',
      cancelled: true,
    });
    expect(notAppliedSpanIds(outcome)).toEqual([
      'aaaaaaaaaaaaaaa1',
      'aaaaaaaaaaaaaaa3',
      'aaaaaaaaaaaaaaa4',
      'aaaaaaaaaaaaaaa5',
      'aaaaaaaaaaaaaaa2',
      'aaaaaaaaaaaaaaa6',
    ]);
    // The failures table lists no span not sent; the rows to submit again include them.
    expect(outcomeFailures(outcome).map((failure) => failure.spanId)).not.toContain('aaaaaaaaaaaaaaa2');
    expect(notAppliedSpanIds(reviewOutcome())).toEqual(
      outcomeFailures(reviewOutcome()).map((failure) => failure.spanId),
    );
  });
});

describe('summarizeOutcome: figures that agree', () => {
  it('reads as sent, updated, failed, blocked and not sent, with what the server recorded', () => {
    expect(summarizeOutcome(reviewOutcome())).toEqual({
      sent: 3,
      updated: 1,
      alreadyUpToDate: 1,
      failed: 2,
      neverDelivered: 1,
      refused: 0,
      blocked: 3,
      notSent: 0,
      leftOut: 0,
      listed: 5,
      server: { processed: 2, updated: 1, unchanged: 1, failed: 1 },
    });
  });

  it('tells spans refused after a revert from spans never delivered, and from what the server recorded', () => {
    const outcome = reviewOutcome();
    const refusal = {
      span_id: 'aaaaaaaaaaaaaaa9',
      error_message: "[submission_reverted] The submission 'sub-1' was reverted while it was still sending",
    };
    const refused = {
      ...outcome,
      result: aggregateResponses(
        [
          outcome.result,
          {
            spans_processed: 1,
            spans_updated: 0,
            spans_unchanged: 0,
            spans_failed: 1,
            errors: [refusal],
            submission_id: '',
          },
        ],
        { submissionId: 'sub-1', undelivered: outcome.result.undelivered_batches },
      ),
    };
    expect(summarizeOutcome(refused)).toMatchObject({
      sent: 4,
      failed: 3,
      neverDelivered: 1,
      refused: 1,
      server: { processed: 2, updated: 1, unchanged: 1, failed: 1 },
    });
    // Not offered for a Retry: the server would refuse it the same.
    expect(retrySpanIds(refused.result)).toEqual(['aaaaaaaaaaaaaaa6']);
  });

  it('tells spans refused for the API key (401, 403) as refused too, with the server message, never for a Retry', () => {
    const outcome = reviewOutcome();
    const message = "The API key 'ci' is read-only: it cannot change spans. Use a key without ':read'";
    const refused = {
      ...outcome,
      result: aggregateResponses(
        [
          outcome.result,
          {
            spans_processed: 2,
            spans_updated: 0,
            spans_unchanged: 0,
            spans_failed: 2,
            errors: ['aaaaaaaaaaaaaaa8', 'aaaaaaaaaaaaaaa9'].map((span_id) => ({
              span_id,
              error_message: `[key_refused] ${message}`,
            })),
            submission_id: '',
          },
        ],
        { submissionId: 'sub-1', undelivered: outcome.result.undelivered_batches },
      ),
    };
    expect(summarizeOutcome(refused)).toMatchObject({
      sent: 5,
      failed: 4,
      neverDelivered: 1,
      refused: 2,
      server: { processed: 2, updated: 1, unchanged: 1, failed: 1 },
    });
    expect(refusalOf(refused)).toEqual({ type: 'key_refused', message });
    expect(refusalOf(outcome)).toBeNull();
    expect(retrySpanIds(refused.result)).toEqual(['aaaaaaaaaaaaaaa6']);
  });

  it('counts the filters over failed and blocked spans alike, as the table lists them', () => {
    const outcome = reviewOutcome();
    const counts = errorTypeCounts(outcome);
    expect(counts).toEqual([
      { type: 'parse_failure', count: 1, blocked: 1 },
      { type: 'patch_failure', count: 2, blocked: 2 },
      { type: 'type_conflict', count: 0, blocked: 0 },
      { type: 'segment_not_found', count: 1, blocked: 0 },
      { type: 'connection_failure', count: 1, blocked: 0 },
      { type: 'druid_rejection', count: 0, blocked: 0 },
    ]);
    const failures = outcomeFailures(outcome);
    expect(failures.map((span) => [span.spanId, span.type, span.blocked, span.rows])).toEqual([
      ['aaaaaaaaaaaaaaa2', 'segment_not_found', false, [2]],
      ['aaaaaaaaaaaaaaa6', 'connection_failure', false, [6]],
      ['aaaaaaaaaaaaaaa3', 'parse_failure', true, [3]],
      ['aaaaaaaaaaaaaaa4', 'patch_failure', true, [4]],
      ['aaaaaaaaaaaaaaa5', 'patch_failure', true, [5]],
    ]);
    expect(counts.reduce((sum, entry) => sum + entry.count, 0)).toBe(failures.length);
  });
});

describe('mergeRetry', () => {
  it('replaces the retried spans’ outcome, so the counts stay true', () => {
    const outcome = reviewOutcome();
    expect(retrySpanIds(outcome.result)).toEqual(['aaaaaaaaaaaaaaa6']);
    const retry = aggregateResponses(
      [
        {
          spans_processed: 1,
          spans_updated: 1,
          spans_unchanged: 0,
          spans_failed: 0,
          errors: [],
          submission_id: 'sub-1',
        },
      ],
      { submissionId: 'sub-1' },
    );
    const merged = mergeRetry(outcome, retry, '2025-05-05T10:50:00.000Z', false);
    expect(summarizeOutcome(merged)).toEqual({
      sent: 3,
      updated: 2,
      alreadyUpToDate: 1,
      failed: 1,
      neverDelivered: 0,
      refused: 0,
      blocked: 3,
      notSent: 0,
      leftOut: 0,
      listed: 4,
      server: { processed: 3, updated: 2, unchanged: 1, failed: 1 },
    });
    expect(merged.result.undelivered_batches).toEqual([]);
    expect(merged.patches.size).toBe(0);
    expect(merged.spans.has('aaaaaaaaaaaaaaa6')).toBe(false);
    expect(merged.lastRetry).toEqual({
      finishedAt: '2025-05-05T10:50:00.000Z',
      sent: 1,
      undelivered: 0,
      notSent: 0,
      failure: null,
    });
    expect(merged.startedAt).toBe(outcome.startedAt);
  });

  it('reports a Retry that failed again, with what happened', () => {
    const outcome = reviewOutcome();
    const retry = aggregateResponses(
      [
        {
          spans_processed: 1,
          spans_updated: 0,
          spans_unchanged: 0,
          spans_failed: 1,
          errors: [connectionFailure('aaaaaaaaaaaaaaa6')],
          submission_id: '',
        },
      ],
      { submissionId: 'sub-1', undelivered: [{ idempotency_key: 'key-3', span_ids: ['aaaaaaaaaaaaaaa6'] }] },
    );
    const merged = mergeRetry(outcome, retry, '2025-05-05T10:50:00.000Z', false);
    expect(summarizeOutcome(merged)).toEqual(summarizeOutcome(outcome));
    expect(merged.lastRetry?.undelivered).toBe(1);
    expect(merged.lastRetry?.failure).toBe('Could not reach the server: fetch failed');
    expect(merged.patches.get('aaaaaaaaaaaaaaa6')).toBe(outcome.patches.get('aaaaaaaaaaaaaaa6'));
  });

  it('keeps an undelivered batch a cancelled Retry never sent as it was, key and all', () => {
    const outcome = reviewOutcome();
    const retry = aggregateResponses([], { submissionId: 'sub-1', notSent: ['aaaaaaaaaaaaaaa6'] });
    const merged = mergeRetry(outcome, retry, '2025-05-05T10:50:00.000Z', true);
    expect(merged.result).toEqual(outcome.result);
    expect(merged.patches).toEqual(outcome.patches);
    expect(merged.cancelled).toBe(true);
    expect(merged.lastRetry).toMatchObject({ sent: 0, undelivered: 0, notSent: 1 });
  });

  it('keeps every figure in agreement whatever each retried span becomes', () => {
    const outcomeOf = (spanIds: string[], notSent: string[]): SubmissionOutcome => ({
      project: 'demo',
      label: 'x.csv',
      source: { name: 'x.csv', kind: 'file' },
      startedAt: 's',
      finishedAt: 'f',
      cancelled: notSent.length > 0,
      result: {
        spans_processed: spanIds.length + 1,
        spans_updated: 1,
        spans_unchanged: 0,
        spans_failed: spanIds.length,
        errors: spanIds.map(connectionFailure),
        submission_id: 'sub',
        not_sent: notSent,
        undelivered_batches: spanIds.length > 0 ? [{ idempotency_key: 'k', span_ids: spanIds }] : [],
      },
      blocked: [],
      columns: [],
      spans: new Map(),
      patches: new Map([...spanIds, ...notSent].map((spanId) => [spanId, { a: 1 }])),
      skippedUpToDate: 0,
      leftOut: [],
      lastRetry: null,
    });
    const fate = fc.constantFrom('updated', 'unchanged', 'failed', 'undelivered', 'not_sent');
    fc.assert(
      fc.property(fc.array(fate, { maxLength: 12 }), fc.nat(12), (drawn, split) => {
        // The undelivered batch (the first `split` spans) is sent again whole: each of its spans is answered or
        // undelivered, never left unsent on its own (a Retry cancelled before it is the test above).
        const fates = drawn.map((fateOf, index) =>
          index < split && fateOf === 'not_sent' ? 'undelivered' : fateOf,
        );
        const ids = fates.map((_, index) => `span-${index}`);
        const outcome = outcomeOf(ids.slice(0, split), ids.slice(split));
        const errors = ids.flatMap((spanId, index) =>
          fates[index] === 'failed'
            ? [{ span_id: spanId, error_message: '[type_conflict] no' }]
            : fates[index] === 'undelivered'
              ? [connectionFailure(spanId)]
              : [],
        );
        const sent = fates.filter((fateOf) => fateOf !== 'not_sent').length;
        const updated = fates.filter((fateOf) => fateOf === 'updated' || fateOf === 'unchanged').length;
        const retry: AggregatedResponse = {
          spans_processed: sent,
          spans_updated: updated,
          spans_unchanged: fates.filter((fateOf) => fateOf === 'unchanged').length,
          spans_failed: sent - updated,
          errors,
          submission_id: 'sub',
          not_sent: ids.filter((_, index) => fates[index] === 'not_sent'),
          undelivered_batches: [],
        };
        const summary = summarizeOutcome(mergeRetry(outcome, retry, 'now', false));
        expect(summary.sent).toBe(summary.updated + summary.failed);
        expect(summary.sent + summary.notSent).toBe(ids.length + 1);
        expect(summary.updated).toBe(1 + updated);
        expect(summary.failed).toBe(errors.length);
        expect(summary.server.processed).toBe(summary.server.updated + summary.server.failed);
      }),
    );
  });
});

describe('restoreOutcome: the saved results, checked at the boundary', () => {
  it('gives back what was saved, as IndexedDB keeps it, patches untouched', () => {
    const outcome = reviewOutcome();
    const stored = structuredClone(storedOutcomeOf(outcome));
    const restored = restoreOutcome(stored);
    expect(restored).toEqual({ ok: true, outcome });
    if (!restored.ok) return;
    // A patch is the very object saved, never rebuilt: Retry must send the same bytes.
    expect(restored.outcome.patches.get('aaaaaaaaaaaaaaa6')).toBe(stored.patches.get('aaaaaaaaaaaaaaa6'));
  });

  it('refuses a format from a newer version', () => {
    expect(restoreOutcome({ ...storedOutcomeOf(reviewOutcome()), format: 2 })).toEqual({
      ok: false,
      reason: 'It was saved by a newer version of Spanpatch (format 2); this version reads format 1.',
    });
  });

  it.each([
    ['not an object', 'sheet', 'It is not a saved submission.'],
    ['counts that do not add up', { spans_updated: 3 }, 'It is damaged: its counts do not add up'],
    [
      'a failure count that is not its list',
      { spans_failed: 3, spans_updated: 0 },
      'It is damaged: it lists',
    ],
  ])('refuses %s, with the reason', (_what, change, reason) => {
    const stored = storedOutcomeOf(reviewOutcome());
    const raw = typeof change === 'string' ? change : { ...stored, result: { ...stored.result, ...change } };
    const restored = restoreOutcome(raw);
    expect(restored.ok).toBe(false);
    if (!restored.ok) expect(restored.reason).toContain(reason);
  });

  it('refuses results whose Retry has lost its patches, or whose rows lost their columns', () => {
    const stored = storedOutcomeOf(reviewOutcome());
    const noPatches = restoreOutcome({ ...stored, patches: new Map() });
    expect(noPatches).toEqual({
      ok: false,
      reason: 'It is damaged: a span Retry would send has no saved patch.',
    });
    const fewerColumns = restoreOutcome({ ...stored, columns: stored.columns.slice(1) });
    expect(fewerColumns).toEqual({
      ok: false,
      reason: 'It is damaged: its saved rows do not match its columns.',
    });
    const badPatch = restoreOutcome({
      ...stored,
      patches: new Map([['aaaaaaaaaaaaaaa6', { score: { nested: true } }]]),
    });
    expect(badPatch.ok).toBe(false);
  });
});

describe('spans left out because they were predicted to fail', () => {
  const leftOutOutcome = (): SubmissionOutcome => {
    const model = reviewSheet();
    const [spanId] = model.spanIds();
    if (spanId === undefined) throw new Error('the review sheet has spans');
    return buildOutcome({
      model,
      sent: [],
      blocked: [],
      result: aggregateResponses([], { submissionId: '' }),
      project: 'demo',
      label: 'review.csv',
      source: { name: 'review.csv', kind: 'file' },
      startedAt: '2025-05-05T10:42:00.000Z',
      finishedAt: '2025-05-05T10:42:03.000Z',
      cancelled: false,
      leftOut: {
        errors: leftOutSpanErrors([[spanId, { type: 'segment_not_found', message: 'No span with that ID' }]]),
        patches: [{ span_id: spanId, patch_document: { reviewed: 'yes' } }],
      },
    });
  };

  it('are listed as not sent with the predicted reason, kept with their rows and patch', () => {
    const outcome = leftOutOutcome();
    const [error] = outcome.leftOut;
    const spanId = error?.span_id ?? '';
    expect(error?.error_message).toBe(
      '[segment_not_found] Left out, predicted to fail: No span with that ID',
    );
    expect(summarizeOutcome(outcome)).toMatchObject({ sent: 0, leftOut: 1, notSent: 0, listed: 1 });
    expect(outcomeFailures(outcome)).toEqual([
      expect.objectContaining({ spanId, type: 'segment_not_found', blocked: false, leftOut: true }),
    ]);
    expect(notAppliedSpanIds(outcome)).toEqual([spanId]);
    expect(errorTypeCounts(outcome).find((count) => count.type === 'segment_not_found')?.count).toBe(1);
    expect(outcome.spans.get(spanId)?.rows.length).toBeGreaterThan(0);
    expect(outcome.patches.get(spanId)).toEqual({ reviewed: 'yes' });
    const restored = restoreOutcome(storedOutcomeOf(outcome));
    expect(restored.ok && restored.outcome.leftOut).toEqual(outcome.leftOut);
  });

  it('are sent later as spans not sent of the submission, which a Retry sends', () => {
    const outcome = leftOutOutcome();
    const spanId = outcome.leftOut[0]?.span_id ?? '';
    const ready = includeLeftOut(outcome);
    expect(ready.leftOut).toEqual([]);
    expect(retrySpanIds(ready.result)).toEqual([spanId]);
    expect(ready.patches.get(spanId)).toEqual({ reviewed: 'yes' });
  });

  it('are none in an outcome saved before spans could be left out', () => {
    const { leftOut: _leftOut, ...older } = storedOutcomeOf(reviewOutcome());
    const restored = restoreOutcome(older);
    expect(restored.ok && restored.outcome.leftOut).toEqual([]);
  });
});
