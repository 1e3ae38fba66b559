// @vitest-environment jsdom
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SheetStore } from '@/ui/sheet/sheet-store';
import { SheetView } from '@/ui/sheet/sheet-view';
import { API, runImportWorkerInProcess } from '../../api';
import { render } from '../../render';

/** The mapping step takes a pandas file's plain headers as metadata keys instead of dropping them (issue 25). */

let dir: string;
const grid = () => screen.getByRole('grid', { name: 'Sheet' });

beforeAll(async () => {
  runImportWorkerInProcess();
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 640 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
  dir = await mkdtemp(join(tmpdir(), 'spanpatch-plain-headers-'));
});

afterEach(cleanup);
afterAll(async () => {
  vi.unstubAllGlobals();
  await rm(dir, { recursive: true, force: true });
});

describe('a file with plain headers dropped onto the Sheet tab', () => {
  it('maps reviewed, quality and ticket to metadata keys, says so, and keeps the ID and index columns as before', async () => {
    const path = join(dir, 'review.csv');
    await writeFile(
      path,
      'Unnamed: 0,span_id,reviewed,quality,ticket,ticket_id,index\n' +
        '0,61dbffb32f20ddb6,True,3,T-1,881,0\n' +
        '1,0123456789abcdef,False,1,T-2,882,1\n',
    );
    const store = new SheetStore();
    render(<SheetView store={store} restoring={false} />);
    API.drop(grid(), API.file(path));

    const dialog = await screen.findByRole('dialog', { name: /Map the columns of review\.csv/ });
    expect(dialog.textContent).toContain(
      'Columns are mapped to attributes.metadata.reviewed, attributes.metadata.quality, attributes.metadata.ticket: plain headers are taken as metadata keys.',
    );
    const mapsTo = (name: string) =>
      (
        within(within(dialog).getByRole('row', { name: `Column ${name}` })).getByRole('combobox', {
          name: 'Maps to',
        }) as HTMLSelectElement
      ).value;
    expect(['reviewed', 'quality', 'ticket'].map(mapsTo)).toEqual(['metadata', 'metadata', 'metadata']);
    expect(['Unnamed: 0', 'span_id', 'ticket_id', 'index'].map(mapsTo)).toEqual([
      'ignore',
      'span_id',
      'ignore',
      'ignore',
    ]);
    const quality = within(dialog).getByRole('row', { name: 'Column quality' });
    expect((within(quality).getByRole('textbox', { name: 'Key' }) as HTMLInputElement).value).toBe('quality');

    await userEvent.setup().click(within(dialog).getByRole('button', { name: 'Import 2 rows' }));
    await waitFor(() => expect(store.source).toEqual({ name: 'review.csv', kind: 'file' }));
    expect(store.model.submittableSpans()).toEqual([
      { span_id: '61dbffb32f20ddb6', patch_document: { reviewed: 'true', quality: 3, ticket: 'T-1' } },
      { span_id: '0123456789abcdef', patch_document: { reviewed: 'false', quality: 1, ticket: 'T-2' } },
    ]);
  });
});
