import { describe, expect, it } from 'vitest';
import { findResponseContradiction } from '@/core/api';
import type { PatchCounts } from '@/core/api/response-consistency';

const sent = ['a', 'b', 'c'];

function answer(counts: Partial<PatchCounts>): PatchCounts {
  return { spans_processed: 3, spans_updated: 3, spans_failed: 0, errors: [], ...counts };
}

describe('findResponseContradiction', () => {
  it.each<[string, PatchCounts]>([
    ['every span updated', answer({})],
    [
      'some spans failed',
      answer({ spans_updated: 1, spans_failed: 2, errors: [{ span_id: 'a' }, { span_id: 'c' }] }),
    ],
    [
      'every span failed',
      answer({ spans_updated: 0, spans_failed: 3, errors: sent.map((id) => ({ span_id: id })) }),
    ],
    ['unchanged spans within the updated', answer({ spans_unchanged: 3 })],
  ])('accepts an answer that agrees with its request: %s', (_name, response) => {
    expect(findResponseContradiction(sent, response)).toBeNull();
  });

  it('accepts an empty request answered with zeros', () => {
    expect(findResponseContradiction([], answer({ spans_processed: 0, spans_updated: 0 }))).toBeNull();
  });

  it.each<[string, PatchCounts, string]>([
    [
      'more spans processed than sent',
      answer({ spans_processed: 99_999, spans_updated: 99_999 }),
      'it counts 99,999 spans processed, but 3 spans were sent',
    ],
    [
      'fewer spans processed than sent',
      answer({ spans_processed: 1, spans_updated: 1 }),
      'it counts 1 span processed, but 3 spans were sent',
    ],
    [
      'updated and failed not adding up',
      answer({ spans_updated: 99_999 }),
      'its 99,999 spans updated and 0 spans failed do not add up to the 3 spans processed',
    ],
    [
      'more unchanged than updated',
      answer({ spans_updated: 2, spans_failed: 1, spans_unchanged: 3, errors: [{ span_id: 'b' }] }),
      'it counts 3 spans unchanged, more than the 2 spans updated',
    ],
    [
      'failed spans without their errors',
      answer({ spans_updated: 2, spans_failed: 1 }),
      'it counts 1 span failed but lists 0 errors',
    ],
    [
      'an error for a span not in the batch',
      answer({ spans_updated: 2, spans_failed: 1, errors: [{ span_id: 'zzz' }] }),
      "it reports an error for span 'zzz', which was not sent in this request",
    ],
  ])('describes a contradiction: %s', (_name, response, reason) => {
    expect(findResponseContradiction(sent, response)).toBe(reason);
  });

  it('shortens a very long unknown span ID in its reason', () => {
    const long = 'x'.repeat(500);
    const reason = findResponseContradiction(
      sent,
      answer({ spans_updated: 2, spans_failed: 1, errors: [{ span_id: long }] }),
    );
    expect(reason).toBe(
      `it reports an error for span '${'x'.repeat(80)}…', which was not sent in this request`,
    );
  });
});
