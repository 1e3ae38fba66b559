// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SheetStore } from '@/ui/sheet/sheet-store';
import { SheetView } from '@/ui/sheet/sheet-view';
import { API, runImportWorkerInProcess } from '../../api';
import { render } from '../../render';

/** A file dropped onto the Sheet tab, read and checked by the import worker's own code (run in-process). */

const grid = () => screen.getByRole('grid', { name: 'Sheet' });

beforeAll(() => {
  runImportWorkerInProcess();
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 640 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
});

afterEach(cleanup);
afterAll(() => vi.unstubAllGlobals());

describe('a file dropped onto the Sheet tab', () => {
  it('opens as a sheet once the columns it does not know are mapped, the worker keeping the file until then', async () => {
    const store = new SheetStore();
    render(<SheetView store={store} restoring={false} />);
    API.drop(grid(), API.file('tests/fixtures/sheets/unknown-columns.csv'));

    const dialog = await screen.findByRole('dialog', { name: /Map the columns of unknown-columns\.csv/ });
    const quality = within(dialog).getByRole('row', { name: 'Column quality' });
    expect(quality.textContent).toContain('3');
    const user = userEvent.setup();
    await user.selectOptions(within(quality).getByRole('combobox', { name: 'Maps to' }), 'metadata');
    const key = within(quality).getByRole('textbox', { name: 'Key' });
    await user.clear(key);
    await user.type(key, 'quality');
    await user.click(within(dialog).getByRole('button', { name: 'Import 2 rows' }));

    await waitFor(() => expect(store.source).toEqual({ name: 'unknown-columns.csv', kind: 'file' }));
    expect(store.dirty).toBe(false);
    expect(store.model.submittableSpans()).toEqual([
      { span_id: '61dbffb32f20ddb6', patch_document: { quality: 3 } },
      { span_id: '0123456789abcdef', patch_document: { quality: 1 } },
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('is refused with what is wrong when it cannot be read, and the sheet is left as it was', async () => {
    const store = new SheetStore();
    const before = store.model;
    render(<SheetView store={store} restoring={false} />);
    API.drop(grid(), API.file('tests/fixtures/sheets/spreadsheet.csv'));

    const alert = await waitFor(() => {
      const found = screen
        .getAllByRole('alert')
        .filter((candidate) => candidate.textContent?.includes('not imported'));
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(alert?.textContent).toMatch(/^spreadsheet\.csv was not imported\..*binary/i);
    expect(store.model).toBe(before);
  });
});
