// @vitest-environment jsdom
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SheetStore } from '@/ui/sheet/sheet-store';
import { SheetView } from '@/ui/sheet/sheet-view';
import { writeWorkbook } from '../../../support/workbook';
import { API, runImportWorkerInProcess } from '../../api';
import { render } from '../../render';

/** A workbook of several sheets dropped onto the Sheet tab: the import worker's own code (in-process) asks which. */

const grid = () => screen.getByRole('grid', { name: 'Sheet' });
const dir = mkdtempSync(join(tmpdir(), 'spanpatch-picker-'));

beforeAll(() => {
  runImportWorkerInProcess();
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 640 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
});

afterEach(cleanup);
afterAll(() => {
  vi.unstubAllGlobals();
  rmSync(dir, { recursive: true, force: true });
});

describe('a workbook with several sheets of data', () => {
  it('asks which sheet, then opens that one with its cells typed; Cancel leaves the sheet as it was', async () => {
    const path = join(dir, 'team.xlsx');
    writeWorkbook(path, [
      { name: 'Summary', rows: [['total'], [2]] },
      {
        name: 'Spans',
        rows: [
          ['context.span_id', 'attributes.metadata.score'],
          ['61dbffb32f20ddb6', 3],
          ['0123456789abcdef', 1.5],
        ],
      },
    ]);
    const store = new SheetStore();
    const before = store.model;
    render(<SheetView store={store} restoring={false} />);
    const user = userEvent.setup();

    API.drop(grid(), API.file(path));
    let dialog = await screen.findByRole('dialog', { name: 'Choose a sheet' });
    expect(
      within(dialog)
        .getAllByRole('radio')
        .map((radio) => (radio as HTMLInputElement).value),
    ).toEqual(['Summary', 'Spans']);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(store.model).toBe(before);

    API.drop(grid(), API.file(path));
    dialog = await screen.findByRole('dialog', { name: 'Choose a sheet' });
    await user.click(within(dialog).getByRole('radio', { name: 'Spans' }));
    await user.click(within(dialog).getByRole('button', { name: 'Import this sheet' }));
    await waitFor(() => expect(store.source).toEqual({ name: 'team.xlsx', kind: 'file' }));
    expect(store.model.submittableSpans()).toEqual([
      { span_id: '61dbffb32f20ddb6', patch_document: { score: 3 } },
      { span_id: '0123456789abcdef', patch_document: { score: 1.5 } },
    ]);
  });
});
