import { describe, expect, it } from 'vitest';
import type { PatchEntry, SpanStatus, StoredValue } from '@/core/patch';
import {
  normalizeSearch,
  type PreviewRank,
  previewRank,
  problemsFirst,
  spanMatchesSearch,
} from '@/ui/preview/preview-order';

describe("the Preview's order: problems first", () => {
  it('ranks a predicted failure first, whatever its status, then blocked spans, then the rest', () => {
    const cases: [SpanStatus | undefined, boolean, PreviewRank][] = [
      ['warnings', true, 'predicted'],
      ['ready', true, 'predicted'],
      ['blocked', false, 'blocked'],
      ['warnings', false, 'other'],
      ['ready', false, 'other'],
      ['empty', false, 'other'],
      [undefined, false, 'other'],
    ];
    for (const [status, predicted, rank] of cases) expect(previewRank(status, predicted)).toBe(rank);
  });

  it('puts predicted failures, then blocked spans, before the others, each group in sheet order', () => {
    const ranks: Record<string, PreviewRank> = {
      a: 'other',
      b: 'blocked',
      c: 'predicted',
      d: 'other',
      e: 'predicted',
      f: 'blocked',
    };
    expect(problemsFirst(Object.keys(ranks), (spanId) => ranks[spanId] ?? 'other')).toEqual([
      'c',
      'e',
      'b',
      'f',
      'a',
      'd',
    ]);
    expect(problemsFirst([], () => 'other')).toEqual([]);
  });
});

describe("the Preview's search", () => {
  const entry = (key: string, input: unknown, stored: StoredValue): PatchEntry => ({
    key,
    input,
    stored,
    row: 2,
    columnId: key,
    column: `attributes.metadata.${key}`,
    fromPatchDocument: false,
  });
  const span = {
    spanId: '868f4ef4d7d17665',
    patch: [entry('ticket_id', '00042', '00042'), entry('turn', 4, 4), entry('reviewed', true, 'true')],
  };

  it('finds a span by its ID, a key, or a value as typed or stored, ignoring case and spaces around', () => {
    for (const text of ['868F4E', 'TICKET', 'turn', '00042', ' true ', '"true"', '4', '']) {
      expect(spanMatchesSearch(span, normalizeSearch(text)), text).toBe(true);
    }
    for (const text of ['ffff', 'reviewer', '00043', 'false']) {
      expect(spanMatchesSearch(span, normalizeSearch(text)), text).toBe(false);
    }
  });
});
