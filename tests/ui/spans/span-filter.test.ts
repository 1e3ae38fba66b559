import { describe, expect, it } from 'vitest';
import { spanQueryRequestSchema } from '@/core/api/api-schema';
import { SpansStore } from '@/ui/spans';
import { EMPTY_DRAFT, localTimeToIso, toSpanFilter } from '@/ui/spans/span-filter';

describe('toSpanFilter', () => {
  it('leaves out what is blank', () => {
    expect(toSpanFilter({ ...EMPTY_DRAFT, text: '   ' })).toEqual({ filter: {}, incomplete: 0 });
  });

  it('turns every field of the form into the query filter the server takes', () => {
    const { filter, incomplete } = toSpanFilter({
      text: ' 61dbff ',
      kinds: ['LLM', 'TOOL'],
      rootsOnly: true,
      from: '2025-05-05T08:00',
      to: '',
      conditions: [
        { id: 1, key: 'user_tier', op: 'eq', value: 'pro' },
        { id: 2, key: ' model ', op: 'contains', value: 'gpt-4o' },
        { id: 3, key: 'reviewed', op: 'missing', value: 'ignored' },
        { id: 4, key: '', op: 'exists', value: '' },
        { id: 5, key: 'turn', op: 'gt', value: '' },
      ],
    });
    expect(filter).toEqual({
      text: '61dbff',
      kinds: ['LLM', 'TOOL'],
      roots_only: true,
      start: { from: new Date('2025-05-05T08:00').toISOString() },
      metadata: [
        { key: 'user_tier', op: 'eq', value: 'pro' },
        { key: 'model', op: 'contains', value: 'gpt-4o' },
        { key: 'reviewed', op: 'missing' },
      ],
    });
    expect(incomplete).toBe(2);
    expect(spanQueryRequestSchema.safeParse({ filter }).success).toBe(true);
  });

  it('reads datetime-local values as local time, and ignores what is not a time', () => {
    expect(localTimeToIso('2025-05-05T08:00:30')).toBe(new Date(2025, 4, 5, 8, 0, 30).toISOString());
    expect(localTimeToIso('')).toBeNull();
    expect(localTimeToIso('soon')).toBeNull();
  });
});

describe('SpansStore', () => {
  it('keeps the selection in the order chosen, adds across searches, and clears it for another project', () => {
    const store = new SpansStore();
    store.forProject('demo');
    store.setSelected('b', true);
    store.setSelected('a', true);
    expect(store.selectMany(['a', 'c', 'd'])).toBe(2);
    store.setSelected('c', false);
    expect([...store.getState().selected]).toEqual(['b', 'a', 'd']);
    store.remember([
      {
        span_id: 'a',
        trace_id: 't',
        parent_span_id: null,
        name: 'rag_pipeline',
        kind: 'CHAIN',
        start_time: '2025-05-05T08:00:00.000Z',
        metadata: {},
        input_preview: null,
      },
    ]);
    expect(store.labelOf('a')).toEqual({ name: 'rag_pipeline', kind: 'CHAIN' });
    store.forProject('demo');
    expect(store.getState().selected.size).toBe(3);
    store.forProject('staging');
    expect(store.getState().selected.size).toBe(0);
    expect(store.labelOf('a')).toBeUndefined();
  });
});
