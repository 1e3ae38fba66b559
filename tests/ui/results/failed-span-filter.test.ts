import { describe, expect, it } from 'vitest';
import { outcomeFailures } from '@/core/outcome';
import {
  failedRowCells,
  filterFailedSpans,
  formatSourceRows,
  isFilterActive,
} from '@/ui/results/failed-span-filter';
import { BLOCKED, FAILED, makeOutcome } from './outcome-fixture';

const outcome = makeOutcome(FAILED, {}, false, BLOCKED);
const spans = outcomeFailures(outcome);
const ids = (list: { spanId: string }[]) => list.map((span) => span.spanId);

describe('filterFailedSpans', () => {
  it.each([
    { types: [], search: '', expected: ids(spans) },
    { types: ['type_conflict'], search: '', expected: ['tc-0001', 'tc-0002', 'tc-0003'] },
    {
      types: ['type_conflict', 'segment_not_found'],
      search: '',
      expected: ['tc-0001', 'tc-0002', 'tc-0003', 'nf-0001', 'nf-0002'],
    },
    { types: ['unknown'], search: '', expected: ['un-0001'] },
    { types: ['rate_limited'], search: '', expected: ['rl-0001'] },
    {
      types: ['druid_rejection', 'parse_failure'],
      search: '',
      expected: ['pf-0001', 'dr-0001', 'bl-0001', 'bl-0002'],
    },
    { types: ['patch_failure'], search: 'not a number', expected: ['bl-0003'] },
    { types: [], search: 'blocked before', expected: ['bl-0001', 'bl-0002', 'bl-0003'] },
    { types: [], search: 'TC-000', expected: ['tc-0001', 'tc-0002', 'tc-0003'] },
    { types: [], search: "ON 'NOTE'", expected: ['tc-0003'] },
    { types: ['type_conflict'], search: 'score', expected: ['tc-0001', 'tc-0002'] },
    { types: ['segment_not_found'], search: '  nf-0002 ', expected: ['nf-0002'] },
    { types: ['patch_failure'], search: 'nf-', expected: [] },
  ])('types $types, search $search', ({ types, search, expected }) => {
    const filter = { types: new Set(types), search };
    expect(ids(filterFailedSpans(spans, filter))).toEqual(expected);
    expect(isFilterActive(filter)).toBe(types.length > 0 || search.trim() !== '');
  });
});

describe('failedRowCells', () => {
  it('gives the rows of blocked spans too, from the saved outcome', () => {
    const blocked = spans.filter((span) => span.blocked);
    expect(blocked.map((span) => span.spanId)).toEqual(['bl-0001', 'bl-0002', 'bl-0003']);
    expect(failedRowCells(outcome, blocked)).toEqual([
      ['bl-0001', 1, '{"a":'],
      ['bl-0002', 2, '{"b":'],
      ['bl-0003', 'high', 'n'],
    ]);
  });

  it('gives each span row once, in sheet order', () => {
    const picked = spans.filter((span) => ['nf-0002', 'tc-0001', 'tc-0001'].includes(span.spanId));
    expect(failedRowCells(outcome, [...picked, ...picked])).toEqual([
      ['tc-0001', 'high', '=SUM(A1)'],
      ['nf-0002', -3, '+cmd'],
    ]);
  });

  it('skips spans whose rows are unknown', () => {
    expect(
      failedRowCells(outcome, [
        { spanId: 'elsewhere', type: 'unknown', message: 'x', rows: [], blocked: false },
      ]),
    ).toEqual([]);
  });
});

describe('formatSourceRows', () => {
  it.each([
    [[], '—'],
    [[4], '4'],
    [[3, 4, 5, 9], '3–5, 9'],
    [[9, 3, 4, 4], '3–4, 9'],
    [[1, 3, 5], '1, 3, 5'],
  ])('%j is %j', (rows, expected) => {
    expect(formatSourceRows(rows)).toBe(expected);
  });
});
