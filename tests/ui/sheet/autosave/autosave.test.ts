import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { ColumnSettings } from '@/core/columns';
import type { CellValue } from '@/core/import';
import { storedOutcomeOf, type SubmissionOutcome } from '@/core/outcome';
import { SheetModel } from '@/core/sheet';
import {
  discardUnrestoredDraft,
  loadLastSubmission,
  loadSavedSheets,
  markSaved,
  type SavedSheets,
  saveLastSubmission,
  saveSheet,
} from '@/ui/sheet/autosave/autosave';
import { SheetStore } from '@/ui/sheet/sheet-store';

const SPAN = 'a1b2c3d4e5f60718';

const COLUMNS: ColumnSettings[] = [
  {
    id: 'c0',
    name: 'context.span_id',
    target: { kind: 'span_id' },
    type: 'auto',
    blankPolicy: 'skip',
    origin: 'text',
  },
  {
    id: 'c1',
    name: 'attributes.metadata.score',
    target: { kind: 'metadata', key: 'score' },
    type: 'number',
    blankPolicy: 'null',
    origin: 'typed',
  },
  {
    id: 'c2',
    name: 'notes',
    target: { kind: 'ignore' },
    type: 'auto',
    blankPolicy: 'skip',
    origin: 'typed',
  },
];

/** A sheet as a JSON import leaves it: text span IDs, typed numbers (a big one too), JSON, blanks. */
function importedSheet(): SheetStore {
  const rows: CellValue[][] = [
    [SPAN, 0.9, { tags: ['a', 'b'] }],
    ['b1b2c3d4e5f60718', 12345678901234567890n, null],
    ['c1b2c3d4e5f60718', undefined, 'plain'],
  ];
  return new SheetStore(SheetModel.fromRows(COLUMNS, rows), { name: 'scores.jsonl', kind: 'file' });
}

/** What a reload finds: a new store, filled from the same IndexedDB, as the app does on start. */
async function reload(database: IDBFactory): Promise<{ store: SheetStore; saved: SavedSheets }> {
  const saved = await loadSavedSheets(database);
  const store = new SheetStore();
  if (saved.sheet) {
    store.replace(saved.sheet.model, saved.sheet.source, saved.sheet.dirty);
    if (saved.sheet.log) markSaved(store, saved.sheet.log, database);
  }
  return { store, saved };
}

function cellsOf(store: SheetStore): CellValue[][] {
  return store.model.columns.map((column) => [...store.model.columnCells(column.id)]);
}

/**
 * Writes a value where autosave keeps the sheet (or the last submission), as a crash, an old version or another
 * tool might have. A new database is made as version 1 made it: the sheets store only.
 */
async function storeRaw(
  database: IDBFactory,
  raw: unknown,
  where: { store: string; key: string } = { store: 'sheets', key: 'current' },
): Promise<void> {
  const connection = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = database.open('spanpatch');
    request.onupgradeneeded = () => request.result.createObjectStore('sheets');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
  });
  await new Promise<void>((resolve, reject) => {
    const transaction = connection.transaction(where.store, 'readwrite');
    transaction.objectStore(where.store).put(raw, where.key);
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error ?? new Error('put failed'));
  });
  connection.close();
}

describe('autosave: saving and restoring the sheet in IndexedDB', () => {
  it('finds nothing to restore in a new browser', async () => {
    const { store, saved } = await reload(new IDBFactory());
    expect(saved).toEqual({ sheet: null, unrestored: [] });
    expect(store.source.kind).toBe('new');
  });

  it('gives the same sheet back after a reload: columns, every cell and its type, source, edits', async () => {
    const database = new IDBFactory();
    const before = importedSheet();
    before.apply({ kind: 'set_cells', cells: [{ row: 2, columnId: 'c1', value: 7 }] }, 'Edit cell');
    await saveSheet(before, database);

    const { store: after, saved } = await reload(database);
    expect(saved.unrestored).toEqual([]);
    expect(saved.sheet?.repairs).toEqual([]);
    expect(after.model.columns).toEqual(COLUMNS);
    expect(after.model.rowCount).toBe(3);
    expect(cellsOf(after)).toEqual([
      [SPAN, 'b1b2c3d4e5f60718', 'c1b2c3d4e5f60718'],
      [0.9, 12345678901234567890n, 7],
      [{ tags: ['a', 'b'] }, null, 'plain'],
    ]);
    expect(after.source).toEqual({ name: 'scores.jsonl', kind: 'file' });
    expect(after.dirty).toBe(true);
    expect(after.model.summary()).toEqual(before.model.summary());
  });

  it('replaces the previous save with the latest', async () => {
    const database = new IDBFactory();
    const store = importedSheet();
    await saveSheet(store, database);
    store.apply({ kind: 'delete_rows', at: 0, count: 2 }, 'Delete rows');
    await saveSheet(store, database);
    const { store: after } = await reload(database);
    expect(after.model.rowCount).toBe(1);
    expect(cellsOf(after)).toEqual([['c1b2c3d4e5f60718'], [undefined], ['plain']]);
  });

  it('restores a draft of the old, versionless shape, repaired', async () => {
    const database = new IDBFactory();
    await storeRaw(database, {
      columns: [
        { id: 'c0', name: 'context.span_id', target: { kind: 'span_id' }, type: 'auto', blankPolicy: 'skip' },
      ],
      cells: [[SPAN, 42]],
      rowCount: 2,
      source: { name: 'old.csv', kind: 'file' },
      dirty: false,
    });
    const { store, saved } = await reload(database);
    expect(cellsOf(store)).toEqual([[SPAN, 42]]);
    expect(store.model.columns[0]?.origin).toBe('typed');
    expect(store.source).toEqual({ name: 'old.csv', kind: 'file' });
    expect(saved.sheet?.repairs).toEqual(['It had no format number; it was read as format 1.']);
    expect(saved.unrestored).toEqual([]);
  });
});

/** Every record autosave keeps for the sheet, by key. */
async function records(database: IDBFactory): Promise<Map<string, unknown>> {
  const connection = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = database.open('spanpatch');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
  });
  const found = new Map<string, unknown>();
  await new Promise<void>((resolve) => {
    const transaction = connection.transaction('sheets', 'readonly');
    const cursor = transaction.objectStore('sheets').openCursor();
    cursor.onsuccess = () => {
      if (!cursor.result) return;
      found.set(String(cursor.result.key), cursor.result.value);
      cursor.result.continue();
    };
    transaction.oncomplete = () => resolve();
  });
  connection.close();
  return found;
}

const keysLike = (found: Map<string, unknown>, part: string) =>
  [...found.keys()].filter((key) => key.includes(part));

describe('autosave: the sheet kept as a log of edits', () => {
  it('writes the columns once, then appends only the edits made since the last save', async () => {
    const database = new IDBFactory();
    const store = importedSheet();
    await saveSheet(store, database);
    const first = await records(database);
    expect(keysLike(first, ':column:')).toHaveLength(3);
    expect(keysLike(first, ':edits:')).toHaveLength(0);
    const columnRecords = keysLike(first, ':column:').map((key) => first.get(key));

    store.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: 5 }] }, 'Edit cell');
    store.apply({ kind: 'set_cells', cells: [{ row: 1, columnId: 'c1', value: 6 }] }, 'Edit cell');
    await saveSheet(store, database);
    store.undo();
    await saveSheet(store, database);

    const second = await records(database);
    // The columns were not written again; each save appended the edits made since the one before.
    expect(keysLike(second, ':column:').map((key) => second.get(key))).toEqual(columnRecords);
    expect(keysLike(second, ':edits:').map((key) => second.get(key))).toEqual([
      [
        { kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: 5 }] },
        { kind: 'set_cells', cells: [{ row: 1, columnId: 'c1', value: 6 }] },
      ],
      [{ kind: 'set_cells', cells: [{ row: 1, columnId: 'c1', value: 12345678901234567890n }] }],
    ]);
    const { store: after, saved } = await reload(database);
    expect(saved.sheet?.repairs).toEqual([]);
    expect(cellsOf(after)[1]).toEqual([5, 12345678901234567890n, undefined]);
    expect(after.model.summary()).toEqual(store.model.summary());

    // The restored sheet goes on appending to the same log.
    await saveSheet(after, database);
    after.apply({ kind: 'set_cells', cells: [{ row: 2, columnId: 'c1', value: 9 }] }, 'Edit cell');
    await saveSheet(after, database);
    const third = await records(database);
    expect(keysLike(third, ':column:')).toEqual(keysLike(first, ':column:'));
    expect(keysLike(third, ':edits:')).toHaveLength(3);
    expect(cellsOf((await reload(database)).store)[1]).toEqual([5, 12345678901234567890n, 9]);
  });

  it('starts a new log for a new sheet and removes the old one', async () => {
    const database = new IDBFactory();
    const store = importedSheet();
    await saveSheet(store, database);
    store.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: 5 }] }, 'Edit cell');
    await saveSheet(store, database);
    const before = await records(database);
    store.replace(SheetModel.fromRows(COLUMNS, [[SPAN, 1, null]]), { name: 'other.jsonl', kind: 'file' });
    await saveSheet(store, database);
    const after = await records(database);
    expect(keysLike(after, 'log:').some((key) => before.has(key))).toBe(false);
    expect(keysLike(after, ':column:')).toHaveLength(3);
    expect(keysLike(after, ':edits:')).toHaveLength(0);
    expect(cellsOf((await reload(database)).store)).toEqual([[SPAN], [1], [null]]);
  });

  it('replays a log up to an edit that cannot be replayed, and keeps the whole log to download', async () => {
    const database = new IDBFactory();
    const store = importedSheet();
    await saveSheet(store, database);
    store.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: 5 }] }, 'Edit cell');
    await saveSheet(store, database);
    store.apply({ kind: 'set_cells', cells: [{ row: 1, columnId: 'c1', value: 6 }] }, 'Edit cell');
    await saveSheet(store, database);
    // Something meddled with the second save: an edit of a row the sheet does not have.
    const saved = await records(database);
    const [, second] = keysLike(saved, ':edits:');
    await storeRaw(database, [{ kind: 'set_cells', cells: [{ row: 99, columnId: 'c1', value: 6 }] }], {
      store: 'sheets',
      key: second ?? '',
    });

    const { store: after, saved: found } = await reload(database);
    expect(cellsOf(after)[1]).toEqual([5, 12345678901234567890n, undefined]);
    expect(found.sheet?.repairs).toEqual([
      '1 edit saved last could not be replayed; the sheet is as it was before it, and the saved log is kept to download.',
    ]);
    expect(found.unrestored).toHaveLength(1);
    expect(found.unrestored[0]?.raw).toMatchObject({ edits: [[expect.anything()], [expect.anything()]] });
  });

  it('refuses a log whose columns cannot be read, and keeps it to download', async () => {
    const database = new IDBFactory();
    const store = importedSheet();
    await saveSheet(store, database);
    const saved = await records(database);
    const [firstColumn] = keysLike(saved, ':column:');
    await storeRaw(
      database,
      { kind: 'text', text: 'ab', offsets: new Uint32Array([0, 1, 5, 9]), changed: [] },
      {
        store: 'sheets',
        key: firstColumn ?? '',
      },
    );
    const { store: after, saved: found } = await reload(database);
    expect(found.sheet).toBeNull();
    expect(after.source.kind).toBe('new');
    expect(found.unrestored[0]?.reason).toBe(
      'The cells of column 1 (context.span_id) has cells outside its text.',
    );
  });
});

describe('autosave: a stored draft that cannot be restored', () => {
  const corrupted = { format: 1, columns: 'context.span_id,score', cells: [[SPAN]], rowCount: 1 };

  it('yields the reason and the draft as it was, and starts a new sheet', async () => {
    const database = new IDBFactory();
    await storeRaw(database, corrupted);
    const { store, saved } = await reload(database);
    expect(saved.sheet).toBeNull();
    expect(saved.unrestored).toHaveLength(1);
    const [draft] = saved.unrestored;
    expect(draft?.reason).toBe('Its columns are text, not a list.');
    expect(draft?.raw).toEqual(corrupted);
    expect(draft?.key).toMatch(/^unrestored:\d{4}-\d\d-\d\dT/);
    expect(store.source.kind).toBe('new');
  });

  it('keeps the draft while autosave saves the new sheet, until the user discards it', async () => {
    const database = new IDBFactory();
    await storeRaw(database, corrupted);
    const first = await reload(database);

    // The user goes on with a new sheet; autosave saves it over the current slot.
    first.store.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c0', value: SPAN }] }, 'Edit cell');
    await saveSheet(first.store, database);

    const second = await reload(database);
    expect(cellsOf(second.store)[0]?.[0]).toBe(SPAN);
    expect(second.saved.unrestored).toEqual(first.saved.unrestored);

    const key = second.saved.unrestored[0]?.key ?? '';
    await discardUnrestoredDraft(key, database);
    const third = await reload(database);
    expect(third.saved.unrestored).toEqual([]);
    expect(cellsOf(third.store)[0]?.[0]).toBe(SPAN);
  });

  it('keeps every kind of value as it was stored, for the download', async () => {
    const database = new IDBFactory();
    const raw = new Map<string, unknown>([['columns', [12345678901234567890n]]]);
    await storeRaw(database, raw);
    const { saved } = await reload(database);
    expect(saved.unrestored[0]?.reason).toBe('It is a Map, not a sheet.');
    expect(saved.unrestored[0]?.raw).toEqual(raw);
  });

  it('discards only drafts that were set aside', async () => {
    await expect(discardUnrestoredDraft('current', new IDBFactory())).rejects.toThrow(
      'current is not a draft set aside',
    );
  });
});

/** The last submission of `importedSheet`, as the submission store makes it. */
function lastSubmission(): SubmissionOutcome {
  return {
    project: 'demo',
    label: 'scores.jsonl',
    source: { name: 'scores.jsonl', kind: 'file' },
    startedAt: '2025-05-05T10:42:00.000Z',
    finishedAt: '2025-05-05T10:42:09.000Z',
    cancelled: false,
    result: {
      spans_processed: 2,
      spans_updated: 1,
      spans_unchanged: 1,
      spans_failed: 1,
      errors: [
        { span_id: 'b1b2c3d4e5f60718', error_message: '[connection_failure] Could not reach the server' },
      ],
      submission_id: 'sub-1',
      not_sent: [],
      undelivered_batches: [{ idempotency_key: 'key-2', span_ids: ['b1b2c3d4e5f60718'] }],
    },
    blocked: [
      { span_id: 'c1b2c3d4e5f60718', error_message: '[parse_failure] Blocked before sending: Row 3' },
    ],
    columns: COLUMNS,
    spans: new Map([
      ['b1b2c3d4e5f60718', { rows: [2], cells: [['b1b2c3d4e5f60718', 12345678901234567890n, null]] }],
      ['c1b2c3d4e5f60718', { rows: [3], cells: [['c1b2c3d4e5f60718', undefined, { tags: ['a'] }]] }],
    ]),
    patches: new Map([['b1b2c3d4e5f60718', { score: '12345678901234567890', note: null }]]),
    skippedUpToDate: 0,
    leftOut: [],
    lastRetry: null,
  };
}

describe('autosave: the last submission beside the sheet', () => {
  it('finds none in a new browser', async () => {
    expect(await loadLastSubmission(new IDBFactory())).toEqual({ outcome: null, problem: null });
  });

  it('gives the results back after a reload: figures, saved rows with their cells, patches for Retry', async () => {
    const database = new IDBFactory();
    await saveSheet(importedSheet(), database);
    await saveLastSubmission(lastSubmission(), database);

    const saved = await loadLastSubmission(database);
    expect(saved).toEqual({ outcome: lastSubmission(), problem: null });
    // The sheet draft beside it is untouched.
    const { store } = await reload(database);
    expect(store.source).toEqual({ name: 'scores.jsonl', kind: 'file' });
  });

  it('keeps only the latest submission', async () => {
    const database = new IDBFactory();
    await saveLastSubmission(lastSubmission(), database);
    await saveLastSubmission({ ...lastSubmission(), label: 'second.csv' }, database);
    expect((await loadLastSubmission(database)).outcome?.label).toBe('second.csv');
  });

  it('opens a browser storage written by the version before, with the draft in it', async () => {
    const database = new IDBFactory();
    await storeRaw(database, sheetDraftOfImported());
    const { store } = await reload(database);
    expect(store.model.rowCount).toBe(3);
    expect(await loadLastSubmission(database)).toEqual({ outcome: null, problem: null });
    await saveLastSubmission(lastSubmission(), database);
    expect((await loadLastSubmission(database)).outcome?.label).toBe('scores.jsonl');
  });

  it('says why saved results cannot be restored, once, and removes them', async () => {
    const database = new IDBFactory();
    await saveLastSubmission(lastSubmission(), database);
    const damaged = storedOutcomeOf(lastSubmission());
    await storeRaw(
      database,
      { ...damaged, result: { ...damaged.result, spans_updated: 5 } },
      { store: 'submissions', key: 'last' },
    );
    expect(await loadLastSubmission(database)).toEqual({
      outcome: null,
      problem: 'It is damaged: its counts do not add up (updated + failed is not processed).',
    });
    expect(await loadLastSubmission(database)).toEqual({ outcome: null, problem: null });
  });
});

/** What version 1 of autosave wrote for `importedSheet`. */
function sheetDraftOfImported(): unknown {
  const store = importedSheet();
  return {
    format: 1,
    columns: store.model.columns,
    cells: store.model.columns.map((column) => [...store.model.columnCells(column.id)]),
    rowCount: store.model.rowCount,
    source: store.source,
    dirty: false,
  };
}
