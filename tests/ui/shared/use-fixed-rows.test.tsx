// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useFixedRows } from '@/ui/shared/use-fixed-rows';

/** A scroll area jsdom can scroll: a settable scrollTop, a fixed height. */
function scroller(height: number): HTMLDivElement {
  const element = document.createElement('div');
  let top = 0;
  Object.defineProperty(element, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(element, 'scrollTop', {
    configurable: true,
    get: () => top,
    set: (value: number) => {
      top = value;
    },
  });
  return element;
}

describe('useFixedRows: the rows in view of a long list of one row height', () => {
  it('gives the rows in view and a few more, never one per row of the list', () => {
    const element = scroller(320);
    const { result } = renderHook(() =>
      useFixedRows({ count: 1_000_000, rowHeight: 32, scrollRef: { current: element }, overscan: 2 }),
    );
    expect(result.current.totalSize).toBe(32_000_000);
    expect(result.current.rows.map((row) => row.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(result.current.rows[3]).toEqual({ index: 3, start: 96 });
  });

  it('scrolls as little as needed to show a row, and follows the scroll', () => {
    const element = scroller(320);
    const { result } = renderHook(() =>
      useFixedRows({ count: 1_000_000, rowHeight: 32, scrollRef: { current: element }, overscan: 0 }),
    );
    act(() => result.current.scrollToIndex(999_999));
    expect(element.scrollTop).toBe(32_000_000 - 320);
    expect(result.current.rows.at(-1)?.index).toBe(999_999);
    expect(result.current.rows).toHaveLength(10);
    // Already in view: no scroll.
    act(() => result.current.scrollToIndex(999_995));
    expect(element.scrollTop).toBe(32_000_000 - 320);
    act(() => {
      element.scrollTop = 640;
      element.dispatchEvent(new Event('scroll'));
    });
    expect(result.current.rows[0]?.index).toBe(20);
    act(() => result.current.scrollToIndex(5));
    expect(element.scrollTop).toBe(160);
  });
});
