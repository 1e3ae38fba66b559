import { describe, expect, it } from 'vitest';
import {
  aggregateResponses,
  describeSchemaError,
  ERROR_TYPES,
  formatErrorMessage,
  parseErrorMessage,
  patchResponseSchema,
} from '@/core/api';
import { patchRequestSchema } from '@/core/api/api-schema';
import { countByErrorType } from '@/core/api/error-types';

describe('the error taxonomy (SPEC §6, §8)', () => {
  it('formats and parses [type] messages', () => {
    const message = formatErrorMessage(
      'type_conflict',
      "Type conflict on 'score': stored Int64, patch has Utf8",
    );
    expect(message).toBe("[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8");
    expect(parseErrorMessage(message)).toEqual({
      type: 'type_conflict',
      detail: "Type conflict on 'score': stored Int64, patch has Utf8",
    });
  });

  it('calls a message without a [type] prefix unknown', () => {
    expect(parseErrorMessage('Something broke')).toEqual({ type: 'unknown', detail: 'Something broke' });
    expect(parseErrorMessage('[] empty')).toEqual({ type: 'unknown', detail: '[] empty' });
  });

  it('keeps a type it does not know', () => {
    expect(parseErrorMessage('[quota_exceeded] slow down').type).toBe('quota_exceeded');
  });

  it('counts by type: the six known types always, then any other present', () => {
    const counts = countByErrorType([
      { error_message: '[segment_not_found] no span' },
      { error_message: '[segment_not_found] no span' },
      { error_message: '[quota_exceeded] x' },
      { error_message: 'plain' },
    ]);
    expect(counts).toEqual([
      { type: 'parse_failure', count: 0 },
      { type: 'patch_failure', count: 0 },
      { type: 'type_conflict', count: 0 },
      { type: 'segment_not_found', count: 2 },
      { type: 'connection_failure', count: 0 },
      { type: 'druid_rejection', count: 0 },
      { type: 'quota_exceeded', count: 1 },
      { type: 'unknown', count: 1 },
    ]);
    expect(ERROR_TYPES).toHaveLength(6);
  });
});

describe('the HTTP contract (SPEC §6)', () => {
  it('accepts a patch_document as an object or as JSON text, and at most 10,000 spans', () => {
    expect(
      patchRequestSchema.safeParse({ spans: [{ span_id: 'a', patch_document: { k: 1 } }] }).success,
    ).toBe(true);
    expect(
      patchRequestSchema.safeParse({ spans: [{ span_id: 'a', patch_document: '{"k":1}' }] }).success,
    ).toBe(true);
    const tooMany = { spans: Array.from({ length: 10_001 }, () => ({ span_id: 'a', patch_document: {} })) };
    const result = patchRequestSchema.safeParse(tooMany);
    expect(result.success).toBe(false);
    expect(!result.success && describeSchemaError(result.error)).toBe(
      'spans: at most 10,000 spans per request',
    );
  });

  it('says where a body does not match', () => {
    // NOTE: patch_document 3 is not a request error: it is that span's [patch_failure] (SPEC §6).
    const result = patchRequestSchema.safeParse({
      spans: [
        { span_id: '', patch_document: 3 },
        { span_id: 7, patch_document: {} },
      ],
    });
    expect(!result.success && describeSchemaError(result.error)).toBe(
      'spans.0.span_id: span_id must not be empty; spans.1.span_id: Invalid input: expected string, received number',
    );
  });

  it('validates responses', () => {
    const response = {
      spans_processed: 1,
      spans_updated: 1,
      spans_unchanged: 0,
      spans_failed: 0,
      errors: [],
      submission_id: 's1',
    };
    expect(patchResponseSchema.parse(response)).toEqual(response);
    expect(patchResponseSchema.safeParse({ ...response, spans_failed: -1 }).success).toBe(false);
  });

  it('aggregates batch responses into one', () => {
    const aggregated = aggregateResponses(
      [
        {
          spans_processed: 3,
          spans_updated: 2,
          spans_unchanged: 0,
          spans_failed: 1,
          errors: [{ span_id: 'a', error_message: '[x] y' }],
          submission_id: 's1',
        },
        {
          spans_processed: 2,
          spans_updated: 0,
          spans_unchanged: 0,
          spans_failed: 2,
          errors: [
            { span_id: 'b', error_message: '[connection_failure] down' },
            { span_id: 'c', error_message: '[connection_failure] down' },
          ],
          submission_id: '',
        },
      ],
      { notSent: ['d'], undelivered: [{ idempotency_key: 'k2', span_ids: ['b', 'c'] }] },
    );
    expect(aggregated).toEqual({
      spans_processed: 5,
      spans_updated: 2,
      spans_unchanged: 0,
      spans_failed: 3,
      errors: [
        { span_id: 'a', error_message: '[x] y' },
        { span_id: 'b', error_message: '[connection_failure] down' },
        { span_id: 'c', error_message: '[connection_failure] down' },
      ],
      submission_id: 's1',
      not_sent: ['d'],
      undelivered_batches: [{ idempotency_key: 'k2', span_ids: ['b', 'c'] }],
    });
    expect(aggregateResponses([], { submissionId: 'mine' }).submission_id).toBe('mine');
  });
});
