import { describe, expect, it } from 'vitest';
import { decidedOutcomes, predictSubmission, revertPatchDocument } from '@/core/patch';

describe('decidedOutcomes (SPEC §14: Arize decides each span)', () => {
  it("gives each span sent Arize's error for it, or null when Arize updated it", () => {
    expect(
      decidedOutcomes(
        ['a', 'b', 'c'],
        [
          {
            span_id: 'b',
            error_message: "[type_conflict] Type conflict on 'q': stored Int64, patch has Utf8",
          },
        ],
      ),
    ).toEqual([null, "[type_conflict] Type conflict on 'q': stored Int64, patch has Utf8", null]);
  });

  it('a span sent twice takes one error per time Arize named it, first come first served', () => {
    expect(
      decidedOutcomes(
        ['a', 'a', 'a'],
        [
          { span_id: 'a', error_message: 'first' },
          { span_id: 'a', error_message: 'second' },
        ],
      ),
    ).toEqual(['first', 'second', null]);
  });
});

describe('revertPatchDocument', () => {
  it('sets each key to the value it goes back to; a removed key becomes null, as Arize cannot remove one', () => {
    const patch = revertPatchDocument([
      { key: 'quality', existedBefore: true, before: 5, after: 1 },
      { key: 'reviewer', existedBefore: true, before: 'ana', after: null, removed: true },
      { key: '__proto__', existedBefore: true, before: 1, after: 2 },
    ]);
    expect(JSON.stringify(patch)).toBe('{"quality":1,"reviewer":null,"__proto__":2}');
  });
});

describe('predictSubmission for a project linked to Arize AX', () => {
  it('leaves a span the copy does not hold to Arize instead of predicting it not found', () => {
    const spans = [{ spanId: 'gone', patch: [] }];
    const view = { project: 'support', fields: new Map(), spans: new Map() };
    expect(predictSubmission(spans, { ...view, linked: true }).get('gone')).toEqual({
      before: null,
      after: null,
      changes: new Map(),
      failure: null,
      notInCopy: true,
    });
    expect(predictSubmission(spans, view).get('gone')?.failure?.type).toBe('segment_not_found');
  });
});
