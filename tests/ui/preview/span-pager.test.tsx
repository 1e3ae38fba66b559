// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { PreviewView } from '@/ui/preview';
import { SheetStore } from '@/ui/sheet';
import { SubmissionStore } from '@/ui/submission';
import { render } from '../render';

const spanIdOf = (index: number) => (index + 1).toString(16).padStart(16, '0');

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 140 });
});

afterEach(cleanup);

describe('the Preview of more spans than a page holds', () => {
  it('lists 10,000 spans at a time, and moves between pages with the buttons', async () => {
    const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label']);
    const rows = Array.from({ length: 25_000 }, (_, index) => [spanIdOf(index), 'good']);
    const sheet = new SheetStore(SheetModel.fromRows(columns, rows));
    render(<PreviewView sheet={sheet} submission={new SubmissionStore()} onSubmitted={vi.fn()} />);

    const pages = screen.getByRole('navigation', { name: 'Pages of spans' });
    expect(pages.textContent).toContain('Spans 1–10,000 of 25,000');
    const firstCard = () => screen.getAllByRole('listitem')[0]?.textContent ?? '';
    expect(firstCard()).toContain(spanIdOf(0));
    expect(within(pages).getByRole('button', { name: 'Previous 10,000' })).toHaveProperty('disabled', true);

    const user = userEvent.setup();
    await user.click(within(pages).getByRole('button', { name: 'Next 10,000' }));
    expect(pages.textContent).toContain('Spans 10,001–20,000 of 25,000');
    expect(firstCard()).toContain(spanIdOf(10_000));
    await user.click(within(pages).getByRole('button', { name: 'Next 5,000' }));
    expect(pages.textContent).toContain('Spans 20,001–25,000 of 25,000');
    expect(within(pages).getByRole('button', { name: 'Next' })).toHaveProperty('disabled', true);
    await user.click(within(pages).getByRole('button', { name: 'Previous 10,000' }));
    expect(pages.textContent).toContain('Spans 10,001–20,000 of 25,000');

    // A search is a new list: back to its first page (here the only one, so no pager).
    await user.type(screen.getByRole('searchbox', { name: 'Search the preview' }), spanIdOf(24_999));
    await screen.findByText(/Showing 1 of 25,000 spans/);
    expect(screen.getAllByRole('article').map((card) => card.getAttribute('aria-label'))).toEqual([
      `Span ${spanIdOf(24_999)}`,
    ]);
    expect(screen.queryByRole('navigation', { name: 'Pages of spans' })).toBeNull();
  });
});
