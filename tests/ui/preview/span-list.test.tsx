// @vitest-environment jsdom
import { act, cleanup, renderHook, screen, within } from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { PreviewView } from '@/ui/preview';
import { useSpanVirtualizer } from '@/ui/preview/span-list';
import { SheetStore } from '@/ui/sheet';
import { SubmissionStore } from '@/ui/submission';
import { render } from '../render';
import { giveLayout, connectTo } from '../page-setup';

const A = '61dbffb32f20ddb6';
const B = '0123456789abcdef';

// jsdom lays nothing out: give the span list a size so the virtualizer renders cards.
beforeAll(() => {
  giveLayout({ height: 800, width: 1200 });
});

beforeEach(() => {
  connectTo(null);
});

afterEach(cleanup);

const card = (spanId: string) => screen.getByRole('article', { name: `Span ${spanId}` });

describe("the Preview's span list", () => {
  it('keeps each card across a change of the sheet (its key is the span, not the version)', () => {
    const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label']);
    const sheet = new SheetStore(
      SheetModel.fromRows(columns, [
        [A, 'one'],
        [B, 'two'],
      ]),
    );
    render(<PreviewView sheet={sheet} submission={new SubmissionStore()} onSubmitted={vi.fn()} />);
    const [cardA, cardB] = [card(A), card(B)];

    act(() =>
      sheet.apply({ kind: 'set_cells', cells: [{ row: 1, columnId: 'c1', value: 'three' }] }, 'Edit'),
    );
    // The same elements, the edited one showing the new value.
    expect(card(A)).toBe(cardA);
    expect(card(B)).toBe(cardB);
    expect(within(card(B)).getByRole('row', { name: /^label/ }).textContent).toContain('three');
  });

  it('computes the positions of its cards again only when the list changes, not on every render', () => {
    const spanIds = Array.from({ length: 100_000 }, (_, index) => index.toString(16).padStart(16, '0'));
    const scrollRef = createRef<HTMLDivElement>();
    const { result, rerender } = renderHook(({ ids }) => useSpanVirtualizer(ids, scrollRef), {
      initialProps: { ids: spanIds },
    });
    /** The positions of every card, as the virtualizer has them once asked for the cards in view. */
    const positions = () => {
      result.current.getVirtualItems();
      return result.current.measurementsCache;
    };
    const { getItemKey } = result.current.options;
    const first = positions();
    expect(first.length).toBe(100_000);
    expect(first[0]?.key).toBe(spanIds[0]);
    expect(first.at(-1)?.key).toBe(spanIds.at(-1));

    rerender({ ids: spanIds });
    expect(result.current.options.getItemKey).toBe(getItemKey);
    expect(positions()).toBe(first);

    // Another list (a filter, the server's answer putting problems first): positions and keys follow it.
    const reordered = [...spanIds].reverse();
    rerender({ ids: reordered });
    expect(positions()).not.toBe(first);
    expect(positions()[0]?.key).toBe(reordered[0]);
  });
});
