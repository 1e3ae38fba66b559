// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpanDetail } from '@/core/api';
import { setConnectionSettings } from '@/ui/settings';
import { SheetStore } from '@/ui/sheet';
import { SpansStore, SpansView } from '@/ui/spans';
import { render } from '../render';
import { makeSpans, stubSpansServer } from './fake-spans-server';

const SPANS = makeSpans(3);
const spanId = SPANS[1]?.span_id ?? '';

const change = (
  fields: Partial<SpanDetail['changes'][number]> & Pick<SpanDetail['changes'][number], 'submission_id'>,
): SpanDetail['changes'][number] => ({
  submission_label: 'tiers.csv',
  submission_kind: 'patch',
  at: '2025-05-06T10:00:00.000Z',
  key: 'tier',
  existed_before: true,
  before: 'free',
  after: 'pro',
  removed: false,
  ...fields,
});

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
});

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  setConnectionSettings({
    serverUrl: window.location.origin,
    apiKey: '',
    project: 'demo',
    rememberApiKey: false,
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** Opens the detail of the span with `changes`, and answers its change history's rows, cell by cell. */
async function changeRows(changes: SpanDetail['changes']): Promise<{ header: string[]; rows: string[][] }> {
  stubSpansServer({ spans: SPANS, changes: { [spanId]: changes } });
  const user = userEvent.setup();
  render(<SpansView store={new SpansStore()} sheet={new SheetStore()} onOpenSheet={vi.fn()} />);
  await user.click(await screen.findByRole('button', { name: `Open span ${spanId}` }));
  const dialog = await screen.findByRole('dialog', { name: `Span ${spanId}` });
  const table = await within(dialog).findByRole('table', { name: `Changes to span ${spanId}, oldest first` });
  return {
    header: within(table)
      .getAllByRole('columnheader')
      .map((cell) => cell.textContent ?? ''),
    rows: within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent ?? ''),
      ),
  };
}

describe("a span's change history says who changed each key", () => {
  it('names the person (name and email) or the API key that made each change', async () => {
    const { header, rows } = await changeRows([
      change({
        submission_id: 'sub-1',
        author: { kind: 'person', name: 'Ana Editor', email: 'ana@example.com', subject: 'ana' },
      }),
      change({
        submission_id: 'sub-2',
        key: 'reviewed',
        author: { kind: 'key', name: 'ci', email: null, subject: null },
      }),
      change({ submission_id: 'sub-3', key: 'note', author: null }),
    ]);
    expect(header).toEqual(['Time', 'Submission', 'By', 'Key', 'Before', 'After']);
    expect(rows.map((row) => [row[2], row[3]])).toEqual([
      ['Ana Editor <ana@example.com>', 'tier'],
      ['key ci', 'reviewed'],
      ['not recorded', 'note'],
    ]);
  });

  it('shows no "By" column for a server that does not say who (no sign-in)', async () => {
    const { header } = await changeRows([change({ submission_id: 'sub-1' })]);
    expect(header).toEqual(['Time', 'Submission', 'Key', 'Before', 'After']);
  });
});
