// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, expect, it, vi } from 'vitest';
import * as autosave from '@/ui/sheet/autosave/autosave';
import { SheetStore } from '@/ui/sheet/sheet-store';
import { useAutosave } from '@/ui/sheet/use-autosave';
import { render } from '../../render';

vi.mock('@/ui/sheet/autosave/autosave', async (importOriginal) => {
  const actual = await importOriginal<typeof autosave>();
  return { ...actual, loadSavedSheets: vi.fn(actual.loadSavedSheets) };
});

const SPAN = 'a1b2c3d4e5f60718';
/** How long to wait for autosave's delayed save to land: well past its delay, never asserted on. */
const SAVED = { timeout: 15_000 };

function Restoring({ store, database }: { store: SheetStore; database: IDBFactory }) {
  const { restoring } = useAutosave(store, database);
  return <p>{restoring ? 'Restoring your sheet…' : 'Ready'}</p>;
}

afterEach(() => {
  cleanup();
});

it('saves an edit made the moment the saved sheet is back, before saving has started', async () => {
  const database = new IDBFactory();
  const store = new SheetStore();
  const load = vi.mocked(autosave.loadSavedSheets);
  const actual = load.getMockImplementation();
  if (actual === undefined) throw new Error('loadSavedSheets is not mocked');
  let restored: ReturnType<typeof autosave.loadSavedSheets> | undefined;
  load.mockImplementationOnce((factory) => (restored = actual(factory)));
  render(<Restoring store={store} database={database} />);
  if (restored === undefined) throw new Error('the restore did not read the saved sheets');
  // NOTE: runs right after the restore's own callback, before saving subscribes to the sheet's changes.
  const edited = restored.then(() =>
    store.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c0', value: SPAN }] }, 'Edit cell'),
  );
  await edited;
  await screen.findByText('Ready');
  await waitFor(async () => {
    const saved = await autosave.loadSavedSheets(database);
    expect(saved.sheet?.model.columnCells('c0')[0]).toBe(SPAN);
  }, SAVED);
});
