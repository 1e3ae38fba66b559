import { describe, expect, it } from 'vitest';
import { type ColumnSettings, standardColumns } from '@/core/columns';
import { draftAsJson, restoreSheet } from '@/core/draft';
import {
  MAX_DRAFT_ROWS,
  SHEET_DRAFT_FORMAT,
  type SheetDraft,
  sheetDraftSchema,
  type SheetRestore,
} from '@/core/draft/restore-sheet';
import type { CellValue } from '@/core/import';
import { SheetModel } from '@/core/sheet';
import { sheetOf } from '../helpers';

const SPAN = 'a1b2c3d4e5f60718';

/** A sound draft, as autosave wrote it before format 2, of a CSV-like sheet: span ID, one metadata key, patch document. */
function soundDraft(): SheetDraft {
  const model = sheetOf(
    ['context.span_id', 'attributes.metadata.score', 'patch_document'],
    [
      [SPAN, '0.9', ''],
      ['b1b2c3d4e5f60718', '0.4', '{"metadata":{"tag":"x"}}'],
    ],
  );
  return {
    format: SHEET_DRAFT_FORMAT,
    columns: [...model.columns],
    cells: model.columns.map((column) => model.columnCells(column.id)),
    rowCount: model.rowCount,
    source: { name: 'scores.csv', kind: 'file' },
    dirty: true,
    savedAt: '2025-03-04T10:00:05.000Z',
  };
}

/** The draft `restoreSheet` made, failing the test with the reason when it refused. */
function restored(raw: unknown): { draft: SheetDraft; repairs: string[] } {
  const result = restoreSheet(raw);
  if (!result.ok) throw new Error(`expected a restored draft, got: ${result.reason}`);
  // Whatever was repaired, the result is a valid draft of the current format and opens as a sheet.
  expect(sheetDraftSchema.safeParse(result.draft).success).toBe(true);
  expect(() => new SheetModel(result.draft.columns, result.draft.cells, result.draft.rowCount)).not.toThrow();
  return result;
}

function refused(raw: unknown): string {
  const result: SheetRestore = restoreSheet(raw);
  if (result.ok) throw new Error('expected the draft to be refused');
  expect(result.raw).toBe(raw);
  return result.reason;
}

/** A format-1 draft with the given parts replaced (or left out, with `undefined`). */
function draftWith(parts: Record<string, unknown>): Record<string, unknown> {
  const draft: Record<string, unknown> = { ...soundDraft(), ...parts };
  return Object.fromEntries(Object.entries(draft).filter(([, value]) => value !== undefined));
}

function column(overrides: Partial<ColumnSettings> & { id: string; name: string }): ColumnSettings {
  return { target: { kind: 'ignore' }, type: 'auto', blankPolicy: 'skip', origin: 'text', ...overrides };
}

describe('restoreSheet: sound drafts', () => {
  it('gives a sound draft back as it was, with nothing repaired', () => {
    const draft = soundDraft();
    const result = restored(structuredClone(draft));
    expect(result.repairs).toEqual([]);
    expect(result.draft).toEqual(draft);
  });

  it('keeps typed cells of a JSON import: numbers, booleans, big integers, null, objects, lists', () => {
    const columns = [column({ id: 'c0', name: 'value', origin: 'typed' })];
    const cells: CellValue[] = [
      1.5,
      true,
      12345678901234567890n,
      null,
      { a: [1, 2] },
      ['x'],
      'text',
      undefined,
    ];
    const result = restored({ ...soundDraft(), columns, cells: [cells], rowCount: cells.length });
    expect(result.repairs).toEqual([]);
    expect(result.draft.cells[0]).toEqual(cells);
  });

  it('does not change the stored value it reads', () => {
    const raw = draftWith({ rowCount: 1, columns: [{ id: 'c0', name: 'x', type: 'date' }], cells: [[5, 6]] });
    const before = structuredClone(raw);
    restored(raw);
    expect(raw).toEqual(before);
  });
});

describe('restoreSheet: refused drafts keep the raw value and say why', () => {
  it.each([
    ['null', null, 'It is empty.'],
    ['nothing', undefined, 'It is empty.'],
    ['a string', 'hello', 'It is the text "hello", not a sheet.'],
    ['a long string', 'x'.repeat(5000), 'It is text, not a sheet.'],
    ['a number', 42, 'It is the number 42, not a sheet.'],
    ['a boolean', true, 'It is true, not a sheet.'],
    ['an array', [[1, 2]], 'It is a list, not a sheet.'],
    ['a Map', new Map([['columns', []]]), 'It is a Map, not a sheet.'],
    ['an object without columns', { format: 1, cells: [] }, 'It has no columns.'],
    ['an empty object', {}, 'It has no columns.'],
    [
      'columns that are text',
      { format: 1, columns: 'span_id,score' },
      'Its columns are the text "span_id,score", not a list.',
    ],
    [
      'columns that are an object',
      { format: 1, columns: { c0: {} } },
      'Its columns are an object, not a list.',
    ],
    [
      'a newer format',
      { format: 2, sheets: [] },
      'It was saved by a newer version of Spanpatch (format 2); this version reads format 1.',
    ],
    [
      'a format that is text',
      { format: '1', columns: [] },
      'Its format (the text "1") is not one Spanpatch has written.',
    ],
    ['format 0', { format: 0, columns: [] }, 'Its format (the number 0) is not one Spanpatch has written.'],
  ])('refuses %s', (_name, raw, reason) => {
    expect(refused(raw)).toBe(reason);
  });

  it('refuses a draft whose columns are all of the wrong type', () => {
    expect(refused(draftWith({ columns: [1, 'span_id', null], cells: [['a'], ['b'], ['c']] }))).toBe(
      'None of its 3 columns could be read.',
    );
  });

  it('refuses a draft whose cells are not a list, rather than lose them', () => {
    expect(refused(draftWith({ cells: 'a,b,c' }))).toBe('Its cells are the text "a,b,c", not a list.');
    expect(refused(draftWith({ cells: [[SPAN], 7, []] }))).toBe(
      'The cells of column 2 ("attributes.metadata.score") are the number 7, not a list.',
    );
  });

  it('refuses a column with more cells than a sheet holds, without reading them', () => {
    const huge = new Array<CellValue>(MAX_DRAFT_ROWS + 1);
    expect(refused(draftWith({ cells: [huge, [], []] }))).toBe(
      `Column 1 ("context.span_id") has ${(MAX_DRAFT_ROWS + 1).toLocaleString('en-US')} cells, more than a sheet holds (${MAX_DRAFT_ROWS.toLocaleString('en-US')} rows).`,
    );
  });

  it('refuses cells a sheet cannot hold, naming the row and the column', () => {
    const columns = [column({ id: 'c0', name: 'value', origin: 'typed' })];
    expect(refused(draftWith({ columns, cells: [[1, new Map([['a', 1]])]], rowCount: 2 }))).toBe(
      'Row 2 of column 1 ("value") holds a Map, which a sheet cannot hold.',
    );
    expect(refused(draftWith({ columns, cells: [[() => 1]], rowCount: 1 }))).toBe(
      'Row 1 of column 1 ("value") holds a function, which a sheet cannot hold.',
    );
    expect(refused(draftWith({ columns, cells: [[new Date(Number.NaN)]], rowCount: 1 }))).toBe(
      'Row 1 of column 1 ("value") holds an invalid date.',
    );
  });

  it('refuses a value in a text column that cannot be written as text', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const columns = [column({ id: 'c0', name: 'note' })];
    expect(refused(draftWith({ columns, cells: [[circular]], rowCount: 1 }))).toBe(
      'Row 1 of column 1 ("note") holds a value that cannot be written as text.',
    );
  });
});

describe('restoreSheet: repairs', () => {
  it('reads a draft without a format number (the old, versionless shape) as format 1', () => {
    const { format: _format, ...versionless } = soundDraft();
    const columns = versionless.columns.map(({ origin: _origin, ...rest }) => rest);
    const result = restored({ ...versionless, columns });
    expect(result.draft).toEqual(soundDraft());
    expect(result.repairs).toEqual(['It had no format number; it was read as format 1.']);
  });

  it('gives missing optional settings their default and reads unknown types as auto', () => {
    const raw = draftWith({
      columns: [
        { id: 'c0', name: 'context.span_id', target: { kind: 'span_id' } },
        {
          id: 'c1',
          name: 'score',
          target: { kind: 'metadata', key: 'score' },
          type: 'date',
          blankPolicy: 'drop',
        },
      ],
      cells: [[SPAN], ['1']],
      rowCount: 1,
    });
    const result = restored(raw);
    expect(result.draft.columns).toEqual([
      column({ id: 'c0', name: 'context.span_id', target: { kind: 'span_id' } }),
      column({ id: 'c1', name: 'score', target: { kind: 'metadata', key: 'score' } }),
    ]);
    expect(result.repairs).toEqual([
      'Column 1 ("context.span_id") had no type; it reads as auto.',
      'Column 1 ("context.span_id") had no blank policy it could use; it skips blank cells.',
      'Column 2 ("score") had an unknown type (the text "date"); it reads as auto.',
      'Column 2 ("score") had no blank policy it could use; it skips blank cells.',
    ]);
  });

  it('keeps the column notices a user accepted, and restores drafts saved before there were any', () => {
    const draft = soundDraft();
    const [span, score, patch] = draft.columns as [ColumnSettings, ColumnSettings, ColumnSettings];
    const accepted = { ...draft, columns: [span, { ...score, acceptedNotices: ['bool_to_string'] }, patch] };
    const kept = restored(structuredClone(accepted));
    expect(kept.repairs).toEqual([]);
    expect(kept.draft.columns[1]?.acceptedNotices).toEqual(['bool_to_string']);
    // A draft of an older version has no such field: nothing is accepted, nothing repaired.
    const old = restored(structuredClone(draft));
    expect(old.repairs).toEqual([]);
    expect(old.draft.columns[1]).not.toHaveProperty('acceptedNotices');
  });

  it('leaves out accepted notices it cannot read, showing those notices again', () => {
    const raw = draftWith({
      columns: [
        column({ id: 'c0', name: 'context.span_id', target: { kind: 'span_id' } }),
        {
          ...column({ id: 'c1', name: 'attributes.metadata.ok', target: { kind: 'metadata', key: 'ok' } }),
          acceptedNotices: ['bool_to_string', 'sparkles', 7],
        },
        {
          ...column({ id: 'c2', name: 'attributes.metadata.n', target: { kind: 'metadata', key: 'n' } }),
          acceptedNotices: 'all',
        },
      ],
      cells: [[SPAN], ['true'], ['1']],
      rowCount: 1,
    });
    const result = restored(raw);
    expect(result.draft.columns.map((settings) => settings.acceptedNotices)).toEqual([
      undefined,
      ['bool_to_string'],
      undefined,
    ]);
    expect(result.repairs).toEqual([
      'Column 2 ("attributes.metadata.ok") had 2 accepted notices this version does not know; they were left out.',
      'Column 3 ("attributes.metadata.n") had accepted notices that could not be read; its notices are shown again.',
    ]);
  });

  it('reads a missing origin from the cells: typed values keep their type, text stays text', () => {
    const raw = draftWith({
      columns: [
        { id: 'c0', name: 'n', target: { kind: 'ignore' }, type: 'auto', blankPolicy: 'skip' },
        { id: 'c1', name: 't', target: { kind: 'ignore' }, type: 'auto', blankPolicy: 'skip' },
      ],
      cells: [
        [1, 2],
        ['1', undefined],
      ],
      rowCount: 2,
    });
    const { draft, repairs } = restored(raw);
    expect(draft.columns.map((settings) => settings.origin)).toEqual(['typed', 'text']);
    expect(draft.cells).toEqual([
      [1, 2],
      ['1', undefined],
    ]);
    expect(repairs).toEqual([]);
  });

  it('turns cells of a text column that are not text into their text', () => {
    const columns = [column({ id: 'c0', name: 'note' })];
    const cells = [
      42,
      true,
      12345678901234567890n,
      { a: 1 },
      [1, 2],
      null,
      'kept',
      undefined,
      -0,
      Number.NaN,
    ];
    const result = restored(draftWith({ columns, cells: [cells], rowCount: cells.length }));
    expect(result.draft.cells[0]).toEqual([
      '42',
      'true',
      '12345678901234567890',
      '{"a":1}',
      '[1,2]',
      null,
      'kept',
      undefined,
      '0',
      'NaN',
    ]);
    expect(result.repairs).toEqual([
      'Column 1 ("note") holds text but had 7 cells with numbers, true/false or JSON; they are text now.',
    ]);
  });

  it('writes dates as ISO text', () => {
    const columns = [column({ id: 'c0', name: 'when' })];
    const result = restored(draftWith({ columns, cells: [[new Date('2025-03-04T10:00:05Z')]], rowCount: 1 }));
    expect(result.draft.cells).toEqual([['2025-03-04T10:00:05.000Z']]);
    expect(result.repairs).toEqual(['Column 1 ("when") had 1 date; it is text now.']);
  });

  it('pads short columns with blanks and drops blank cells past the last row', () => {
    const raw = draftWith({
      cells: [[SPAN, 'b1b2c3d4e5f60718'], ['0.9'], [undefined, undefined, '', undefined]],
    });
    const { draft, repairs } = restored(raw);
    expect(draft.rowCount).toBe(2);
    expect(draft.cells).toEqual([
      [SPAN, 'b1b2c3d4e5f60718'],
      ['0.9', undefined],
      [undefined, undefined],
    ]);
    expect(repairs).toEqual([
      'Column 2 ("attributes.metadata.score") had 1 cell for 2 rows; the rest are blank.',
    ]);
  });

  it('keeps every cell when the row count is too small, and says so', () => {
    const { draft, repairs } = restored(draftWith({ rowCount: 1 }));
    expect(draft.rowCount).toBe(2);
    expect(draft.cells).toEqual(soundDraft().cells);
    expect(repairs).toEqual(['It said it had 1 row but holds cells down to row 2; it has 2 rows now.']);
  });

  it.each([
    ['missing', undefined, 'It had no row count; it has 2 rows, as many as its longest column.'],
    [
      'negative',
      -1,
      'Its row count (the number -1) cannot be right; it has 2 rows, as many as its longest column.',
    ],
    [
      'fractional',
      2.5,
      'Its row count (the number 2.5) cannot be right; it has 2 rows, as many as its longest column.',
    ],
    [
      'text',
      '2',
      'Its row count (the text "2") cannot be right; it has 2 rows, as many as its longest column.',
    ],
    [
      'infinite',
      Number.POSITIVE_INFINITY,
      'Its row count (the number Infinity) cannot be right; it has 2 rows, as many as its longest column.',
    ],
    [
      'huge',
      1e15,
      'Its row count (the number 1000000000000000) cannot be right; it has 2 rows, as many as its longest column.',
    ],
  ])('takes the rows from the cells when the row count is %s', (_name, rowCount, repair) => {
    const { draft, repairs } = restored(draftWith({ rowCount }));
    expect(draft.rowCount).toBe(2);
    expect(draft.cells).toEqual(soundDraft().cells);
    expect(repairs).toEqual([repair]);
  });

  it('keeps cells that have no column settings in ignored columns, and leaves out empty ones', () => {
    const sound = soundDraft();
    const raw = draftWith({
      columns: [sound.columns[0], 'garbage', sound.columns[2]],
      cells: [...sound.cells, ['extra', undefined], [undefined, '  ']],
    });
    const { draft, repairs } = restored(raw);
    expect(draft.columns.map((settings) => [settings.name, settings.target.kind])).toEqual([
      ['context.span_id', 'span_id'],
      ['Column 2', 'ignore'],
      ['patch_document', 'patch_document'],
      ['Column 4', 'ignore'],
    ]);
    expect(new Set(draft.columns.map((settings) => settings.id)).size).toBe(4);
    expect(draft.cells).toEqual([...sound.cells, ['extra', undefined]]);
    expect(repairs).toEqual([
      'Columns 2 and 4 had no settings that could be read; their cells are kept in ignored columns.',
      'It had 1 empty list of cells without a column; they were left out.',
    ]);
  });

  it('gives columns without an id, or with a repeated one, an id of their own', () => {
    const sound = soundDraft();
    const [first, second, third] = sound.columns;
    const { id: _id, ...withoutId } = first ?? column({ id: 'x', name: 'x' });
    const raw = draftWith({ columns: [withoutId, { ...second, id: 'c2' }, third] });
    const { draft, repairs } = restored(raw);
    const ids = draft.columns.map((settings) => settings.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids[1]).toBe('c2');
    expect(draft.columns.map((settings) => settings.name)).toEqual(
      sound.columns.map((settings) => settings.name),
    );
    expect(repairs).toEqual([
      'Column 1 ("context.span_id") had no id it could use; it has a new one.',
      "1 column repeated another column's id; each has its own now.",
    ]);
  });

  it('names a column without a name by its target, and ignores a target it cannot read', () => {
    const raw = draftWith({
      columns: [
        { id: 'c0', target: { kind: 'span_id' }, type: 'auto', blankPolicy: 'skip', origin: 'text' },
        {
          id: 'c1',
          name: 'score',
          target: { kind: 'metadata' },
          type: 'auto',
          blankPolicy: 'skip',
          origin: 'text',
        },
        { id: 'c2', target: 'patch', type: 'auto', blankPolicy: 'skip', origin: 'text' },
      ],
    });
    const { draft, repairs } = restored(raw);
    expect(draft.columns.map((settings) => [settings.name, settings.target.kind])).toEqual([
      ['context.span_id', 'span_id'],
      ['score', 'ignore'],
      ['Column 3', 'ignore'],
    ]);
    expect(repairs).toEqual([
      'Column 1 had no name; it is called "context.span_id".',
      'Column 2 ("score") had an unreadable target; it is ignored now.',
      'Column 3 had an unreadable target; it is ignored now.',
      'Column 3 had no name; it is called "Column 3".',
    ]);
  });

  it('restores columns without cells as blank rows', () => {
    const { draft, repairs } = restored(draftWith({ cells: undefined, rowCount: 3 }));
    expect(draft.rowCount).toBe(3);
    expect(draft.cells).toEqual([
      [undefined, undefined, undefined],
      [undefined, undefined, undefined],
      [undefined, undefined, undefined],
    ]);
    expect(repairs).toEqual(['It had no cells; its columns are restored with blank rows.']);
  });

  it('restores a sheet whose columns were all deleted', () => {
    const { draft, repairs } = restored(draftWith({ columns: [], cells: [], rowCount: 4 }));
    expect(draft.columns).toEqual([]);
    expect(draft.rowCount).toBe(4);
    expect(repairs).toEqual([]);
  });

  it('names a sheet whose source cannot be read, and counts it as edited when that is unknown', () => {
    expect(restored(draftWith({ source: undefined, dirty: undefined }))).toMatchObject({
      draft: { source: { name: 'Restored sheet', kind: 'restored' }, dirty: true },
      repairs: [
        'Where it came from could not be read; it is called "Restored sheet".',
        'Whether it had edits could not be read; it counts as edited, so replacing it asks first.',
      ],
    });
    expect(
      restored(draftWith({ source: { name: 'scores.csv', kind: 'ftp' }, dirty: 'yes' })).draft,
    ).toMatchObject({ source: { name: 'scores.csv', kind: 'restored' }, dirty: true });
  });

  it('ignores fields it does not know', () => {
    const result = restored({ ...soundDraft(), theme: 'dark', undoStack: [1, 2, 3] });
    expect(result.draft).toEqual(soundDraft());
    expect(result.repairs).toEqual([]);
  });
});

describe('restoreSheet: huge and odd values', () => {
  it('keeps a very long text cell and extreme numbers as they are', () => {
    const long = 'é'.repeat(1_000_000);
    const columns = [column({ id: 'c0', name: 'text' }), column({ id: 'c1', name: 'n', origin: 'typed' })];
    const numbers = [Number.MAX_VALUE, -0, Number.NaN, Number.NEGATIVE_INFINITY, 2n ** 200n];
    const { draft, repairs } = restored(
      draftWith({ columns, cells: [[long], numbers], rowCount: numbers.length }),
    );
    expect(draft.cells[0]?.[0]).toBe(long);
    expect(draft.cells[1]).toEqual(numbers);
    expect(Object.is(draft.cells[1]?.[1], -0)).toBe(true);
    expect(repairs).toEqual(['Column 1 ("text") had 1 cell for 5 rows; the rest are blank.']);
  });

  it('keeps a value nested a hundred thousand levels deep in a typed column without walking it', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 100_000; level++) deep = { inner: deep };
    const columns = [column({ id: 'c0', name: 'deep', origin: 'typed' })];
    const { draft } = restored(draftWith({ columns, cells: [[deep]], rowCount: 1 }));
    expect(draft.cells[0]?.[0]).toBe(deep);
  });

  it('reads holes in a sparse list of cells as blanks', () => {
    const sparse = new Array<CellValue>(1000);
    sparse[999] = SPAN;
    const columns = [column({ id: 'c0', name: 'context.span_id', target: { kind: 'span_id' } })];
    const { draft } = restored(draftWith({ columns, cells: [sparse], rowCount: 1000 }));
    expect(draft.cells[0]?.[999]).toBe(SPAN);
    expect(draft.cells[0]?.[0]).toBeUndefined();
  });

  it('reads a large sheet in one pass (100,000 rows by 3 columns)', () => {
    const rows = 100_000;
    const cells = standardColumns().map((_, index) =>
      Array.from({ length: rows }, (_unused, row) => (index === 0 ? `${row}`.padStart(16, '0') : `${row}`)),
    );
    const raw = { ...soundDraft(), columns: standardColumns(), cells, rowCount: rows };
    const { draft, repairs } = restored(raw);
    expect(draft.rowCount).toBe(rows);
    expect(draft.cells[2]?.[rows - 1]).toBe(`${rows - 1}`);
    expect(repairs).toEqual([]);
  });

  it('says the current format in one constant', () => {
    expect(soundDraft().format).toBe(SHEET_DRAFT_FORMAT);
  });
});

describe('draftAsJson: the raw draft offered for download', () => {
  it('writes any stored value as JSON: big integers as digits, maps and sets as lists, holes as null', () => {
    const raw = {
      n: 12345678901234567890n,
      map: new Map([['a', 1]]),
      set: new Set([1, 2]),
      list: [1, undefined],
    };
    expect(JSON.parse(draftAsJson(raw))).toEqual({
      n: '12345678901234567890',
      map: [['a', 1]],
      set: [1, 2],
      list: [1, null],
    });
    expect(draftAsJson(undefined)).toBe('null');
    expect(draftAsJson('text')).toBe('"text"');
  });

  it('writes a value that refers to itself, marking only the circular reference', () => {
    const shared = { kept: true };
    const raw: Record<string, unknown> = { a: shared, b: shared };
    raw.self = raw;
    const map = new Map<string, unknown>();
    map.set('me', map);
    raw.map = map;
    expect(JSON.parse(draftAsJson(raw))).toEqual({
      a: { kept: true },
      b: { kept: true },
      self: '[circular]',
      map: [['me', '[circular]']],
    });
  });
});
