import { z } from 'zod';
import type { CellValue } from '@/core/cell-reading';
import { columnSettingsSchema } from '@/core/columns';
import { SheetModel } from '@/core/sheet-model';
import type { SheetSource, SheetStore } from './sheet-store';

const DATABASE = 'spanpatch';
const STORE = 'sheets';
const CURRENT = 'current';

const savedSheetSchema = z.object({
  format: z.literal(1),
  columns: z.array(columnSettingsSchema),
  cells: z.array(z.array(z.unknown())),
  rowCount: z.number().int().nonnegative(),
  source: z.object({
    name: z.string(),
    kind: z.enum(['new', 'file', 'paste', 'sample', 'restored', 'failed-rows']),
  }),
  dirty: z.boolean(),
  savedAt: z.string(),
});

/** The sheet as autosave keeps it in IndexedDB: data, mapping and column settings. */
export type SavedSheet = z.infer<typeof savedSheetSchema>;

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB is not available'));
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const database = await openDatabase();
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? new Error('Saving the sheet failed'));
      transaction.onabort = () => reject(transaction.error ?? new Error('Saving the sheet was aborted'));
    });
  } finally {
    database.close();
  }
}

/** Saves the sheet as it is now, replacing the previous save. */
export async function saveSheet(store: SheetStore): Promise<void> {
  const model = store.model;
  const saved: SavedSheet = {
    format: 1,
    columns: [...model.columns],
    cells: model.columns.map((column) => [...model.columnCells(column.id)]),
    rowCount: model.rowCount,
    source: store.source,
    dirty: store.dirty,
    savedAt: new Date().toISOString(),
  };
  await withStore('readwrite', (objects) => objects.put(saved, CURRENT));
}

/** The last saved sheet, checked and repaired at the boundary; null when there is none or it is unreadable. */
export async function loadSavedSheet(): Promise<{
  model: SheetModel;
  source: SheetSource;
  dirty: boolean;
} | null> {
  const raw = await withStore('readonly', (objects) => objects.get(CURRENT) as IDBRequest<unknown>);
  if (raw === undefined) return null;
  const parsed = savedSheetSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { columns, cells, rowCount, source, dirty } = parsed.data;
  const ids = new Set(columns.map((column) => column.id));
  if (ids.size !== columns.length) return null;
  const columnCells = columns.map((_, index) => (cells[index] ?? []) as CellValue[]);
  return { model: new SheetModel(columns, columnCells, rowCount), source, dirty };
}

/** Forgets the saved sheet. */
export async function clearSavedSheet(): Promise<void> {
  await withStore('readwrite', (objects) => objects.delete(CURRENT));
}
