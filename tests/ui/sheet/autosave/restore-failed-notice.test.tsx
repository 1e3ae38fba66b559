// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { loadSavedSheets, saveSheet } from '@/ui/sheet/autosave/autosave';
import { unrestoredDraftFileName } from '@/ui/sheet/autosave/restore-failed-notice';
import { emptySheet, SheetStore } from '@/ui/sheet/sheet-store';
import { SheetView } from '@/ui/sheet/sheet-view';
import { useAutosave } from '@/ui/sheet/use-autosave';
import { render } from '../../render';

const SPAN = 'a1b2c3d4e5f60718';
/** How long to wait for autosave's delayed save to land: well past its delay, never asserted on. */
const SAVED = { timeout: 15_000 };

/** The Sheet tab as the app wires it: autosave restores into the store and hands the view what it set aside. */
function SheetTab({ store, database }: { store: SheetStore; database: IDBFactory }) {
  const { restoring, unrestored } = useAutosave(store, database);
  return <SheetView store={store} restoring={restoring} unrestored={unrestored} />;
}

/** Opens the app's Sheet tab over an IndexedDB, as a reload does, and waits for the restore. */
async function open(database: IDBFactory): Promise<SheetStore> {
  const store = new SheetStore();
  render(<SheetTab store={store} database={database} />);
  await waitFor(() => expect(screen.queryByText('Restoring your sheet…')).toBeNull());
  return store;
}

/** Writes a value where autosave keeps the sheet, as a crash or another version might have. */
async function storeRaw(database: IDBFactory, raw: unknown): Promise<void> {
  const connection = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = database.open('spanpatch', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('sheets');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
  });
  await new Promise<void>((resolve, reject) => {
    const transaction = connection.transaction('sheets', 'readwrite');
    transaction.objectStore('sheets').put(raw, 'current');
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error ?? new Error('put failed'));
  });
  connection.close();
}

// jsdom lays nothing out: give the grid's scroll area a size so the virtualizer renders rows.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 640 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const corrupted = { format: 1, columns: 'context.span_id,score', cells: [[SPAN]], rowCount: 1 };

describe('the Sheet tab restoring the saved sheet', () => {
  it('gives the sheet back after a reload, edits included', async () => {
    const database = new IDBFactory();
    const first = await open(database);
    first.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c0', value: SPAN }] }, 'Edit cell');
    await waitFor(async () => {
      const saved = await loadSavedSheets(database);
      expect(saved.sheet?.model.columnCells('c0')[0]).toBe(SPAN);
    }, SAVED);
    cleanup();

    const second = await open(database);
    expect(second.model.columnCells('c0')[0]).toBe(SPAN);
    expect(second.dirty).toBe(true);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keeps a sheet imported before the saved one came back, and asks for New sheet only once it is back', async () => {
    const database = new IDBFactory();
    const saved = new SheetStore();
    saved.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c0', value: SPAN }] }, 'Edit cell');
    await saveSheet(saved, database);

    const store = new SheetStore();
    render(<SheetTab store={store} database={database} />);
    // While the saved sheet comes back, New sheet waits (the sheet it would replace is not shown yet).
    expect(screen.getByRole('button', { name: 'New sheet' })).toHaveProperty('disabled', true);
    // A file imported meanwhile (its sheet arrives first) is not replaced by the older saved one.
    store.replace(emptySheet(2, 'imported'), { name: 'imported.csv', kind: 'file' });
    await waitFor(() => expect(screen.queryByText('Restoring your sheet…')).toBeNull());
    expect(store.source.name).toBe('imported.csv');
    expect(store.model.rowCount).toBe(2);
    expect(screen.getByRole('button', { name: 'New sheet' })).toHaveProperty('disabled', false);
    // Nothing is edited after it, yet it is saved: a reload gives the imported sheet back, not the older one.
    await waitFor(async () => {
      const reloaded = await loadSavedSheets(database);
      expect(reloaded.sheet?.source.name).toBe('imported.csv');
    }, SAVED);
  });

  it('says a draft could not be restored and why, and offers it for download as it was', async () => {
    const blobs: Blob[] = [];
    const downloads: string[] = [];
    const { createObjectURL, revokeObjectURL } = URL;
    URL.createObjectURL = (blob: Blob) => {
      blobs.push(blob);
      return 'blob:draft';
    };
    URL.revokeObjectURL = () => undefined;
    onTestFinished(() => {
      URL.createObjectURL = createObjectURL;
      URL.revokeObjectURL = revokeObjectURL;
    });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push(`${this.download} ${this.getAttribute('href') ?? ''}`);
    });
    const database = new IDBFactory();
    await storeRaw(database, corrupted);
    await open(database);

    const notice = screen.getByRole('alert', { name: 'Your saved sheet could not be restored.' });
    expect(notice.textContent).toContain('Its columns are text, not a list.');
    await userEvent.setup().click(within(notice).getByRole('button', { name: 'Download the draft (JSON)' }));

    const [kept] = (await loadSavedSheets(database)).unrestored;
    expect(downloads).toEqual([`${unrestoredDraftFileName({ keptAt: kept?.keptAt ?? '' })} blob:draft`]);
    expect(downloads[0]).toMatch(/^spanpatch-draft-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.json /);
    const [blob] = blobs;
    if (!blob) throw new Error('nothing was downloaded');
    expect(blob.type).toBe('application/json');
    expect(JSON.parse(await blob.text())).toEqual(corrupted);
    expect(document.querySelector('a[download]')).toBeNull();
  });

  it('keeps the draft while the user works on a new sheet, until the user discards it', async () => {
    const database = new IDBFactory();
    await storeRaw(database, corrupted);
    const first = await open(database);
    first.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c0', value: SPAN }] }, 'Edit cell');
    await waitFor(async () => {
      const saved = await loadSavedSheets(database);
      expect(saved.sheet?.model.columnCells('c0')[0]).toBe(SPAN);
    }, SAVED);
    cleanup();

    // Reloaded: the new sheet is back, and the draft set aside is still offered.
    const second = await open(database);
    expect(second.model.columnCells('c0')[0]).toBe(SPAN);
    const notice = screen.getByRole('alert', { name: 'Your saved sheet could not be restored.' });
    await userEvent.setup().click(within(notice).getByRole('button', { name: 'Discard the draft' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect((await loadSavedSheets(database)).unrestored).toEqual([]);
  });
});
