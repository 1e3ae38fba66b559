// @vitest-environment jsdom
import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { SheetModel } from '@/core/sheet';
import { PreviewView } from '@/ui/preview';
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

function renderPreview(rows: string[][]) {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label', 'patch_document']);
  const sheet = new SheetStore(SheetModel.fromRows(columns, rows));
  render(<PreviewView sheet={sheet} submission={new SubmissionStore()} onSubmitted={vi.fn()} />);
  return sheet;
}

describe('the Preview tab', () => {
  it('shows a blocked span with where each error is, and stored values in JSON quotes', () => {
    renderPreview([
      [A, '1', ''],
      [B, 'ok', '{bad'],
    ]);
    const blocked = screen.getByRole('article', { name: `Span ${B}` });
    const errors = within(blocked).getByRole('list', { name: 'Errors' });
    expect(within(errors).getByRole('listitem').textContent).toMatch(
      /^Row 2, column patch_document: patch_document is not valid JSON/,
    );
    expect(blocked.querySelector('.status-pill')?.textContent).toBe('Blocked');

    const ready = screen.getByRole('article', { name: `Span ${A}` });
    const label = within(ready).getByRole('row', { name: /^label/ });
    // The cell's text "1" is kept as text, so it is shown quoted: `"1"`, not the number 1.
    expect(
      within(label)
        .getAllByRole('cell')
        .map((cell) => cell.textContent)
        .slice(0, 2),
    ).toEqual(['"1"', '"1"']);
  });

  it('names each code chip in words, coloured by the severity of its code, the code kept for support', () => {
    renderPreview([
      [A, '007', ''],
      [B, 'ok', '{bad'],
    ]);
    const codes = screen.getByRole('group', { name: 'Filter by warning or error' });
    const chips = within(codes)
      .getAllByRole('button')
      .map((chip) => [chip.textContent?.replace(/ \(\d+\)$/, ''), chip.className]);
    expect(chips).toContainEqual(['patch_document is not JSON', 'code-chip issue-error']);
    expect(chips).toContainEqual(['Mixed values read as text', 'code-chip issue-warning']);
    expect(within(codes).getByRole('button', { name: /^Mixed values read as text/ }).title).toBe(
      'Details for support: mixed_types_as_text',
    );
    // In a card: the error in words, and its code in the card's details for support.
    const card = screen.getByRole('article', { name: `Span ${B}` });
    expect(within(card).getByText('Details for support').closest('details')?.textContent).toBe(
      'Details for supportCodes: parse_failure',
    );
    expect(chips.filter(([, className]) => className === 'code-chip issue-warning').length).toBeGreaterThan(
      0,
    );
  });

  it('follows the sheet as it is edited', () => {
    const sheet = renderPreview([[A, 'x', '']]);
    expect(screen.getByText(/^Showing /).textContent).toBe('Showing 1 of 1 spans, problems first');
    act(() => sheet.apply({ kind: 'insert_rows', at: 1, rows: [{ c0: B, c1: 'y' }] }, 'Add row'));
    expect(screen.getByText(/^Showing /).textContent).toBe('Showing 2 of 2 spans, problems first');
    expect(screen.getByRole('button', { name: 'Submit 2 spans' })).toHaveProperty('disabled', true);
    expect(screen.getByText('Choose a project in Settings to submit.').className).toBe('submit-note');
  });
});
