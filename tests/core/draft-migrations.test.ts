import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ColumnSettings } from '@/core/columns';
import {
  createMigrationSequence,
  migrateDraft,
  openSavedSheet,
  type SavedDraft,
  sheetDraftMigrations,
} from '@/core/draft';
import type { CellValue } from '@/core/import';
import { SheetModel } from '@/core/sheet';

const FIXTURES = new URL('../fixtures/drafts/', import.meta.url);

/**
 * A fixture: what IndexedDB held under each key, as JSON with what JSON cannot say marked (`{"$bigint": "…"}`,
 * `{"$Uint32Array": […]}`, `{"$undefined": true}`).
 */
function readFixture(name: string): Record<string, unknown> {
  const text = readFileSync(new URL(name, FIXTURES), 'utf8');
  const decode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(decode);
    if (typeof value !== 'object' || value === null) return value;
    const marked = value as Record<string, unknown>;
    if (typeof marked.$bigint === 'string') return BigInt(marked.$bigint);
    if (Array.isArray(marked.$Uint32Array)) return Uint32Array.from(marked.$Uint32Array as number[]);
    if (marked.$undefined === true) return undefined;
    return Object.fromEntries(Object.entries(marked).map(([key, inner]) => [key, decode(inner)]));
  };
  return decode(JSON.parse(text)) as Record<string, unknown>;
}

/** The saved draft of a fixture, as autosave reads it: the current record, then its log's records in key order. */
function savedDraftOf(stored: Record<string, unknown>): SavedDraft {
  const keys = Object.keys(stored).sort();
  return {
    head: stored.current,
    columns: keys.filter((key) => key.includes(':column:')).map((key) => stored[key]),
    edits: keys.filter((key) => key.includes(':edits:')).map((key) => stored[key]),
  };
}

function rowsOf(model: SheetModel): CellValue[][] {
  const columns = model.columns.map((column) => [...model.columnCells(column.id)]);
  return Array.from({ length: model.rowCount }, (_, row) => columns.map((cells) => cells[row]));
}

function opened(name: string) {
  const result = openSavedSheet(savedDraftOf(readFixture(name)));
  if (!result.ok) throw new Error(`${name} did not open: ${result.reason}`);
  return result;
}

const reviewRows: CellValue[][] = [
  ['61dbffb32f20ddb6', '0.9', 'true', '', 'first look'],
  ['8f2a1c0d9e7b6a54', '', 'false', '{"tags": ["a", "b"]}', ''],
  ['0A1B2C3D4E5F6071', '3', '', '{"quality": "high"}', 'uppercase ID'],
  ['61dbffb32f20ddb6', '', 'yes', '', 'second row of the first span'],
  ['', '2', 'true', '', 'no span ID'],
  ['9e7b6a548f2a1c0d', '4', 'true', '{bad', 'bad JSON'],
];

const scoresRows: CellValue[][] = [
  ['a1b2c3d4e5f60718', 0.9, { tags: ['a', 'b'] }, 'plain'],
  ['b1b2c3d4e5f60718', 12345678901234567890n, null, true],
  ['c1b2c3d4e5f60718', undefined, [1, 2], null],
  ['d1b2c3d4e5f60718', 7, 'text', 42],
];

/** The sheet a model of `columns` and `rows` computes, to compare with what a draft opened to. */
function expectSameSheet(model: SheetModel, columns: readonly ColumnSettings[], rows: CellValue[][]): void {
  expect(model.columns).toEqual(columns);
  expect(rowsOf(model)).toEqual(rows);
  expect(model.summary()).toEqual(SheetModel.fromRows([...columns], rows).summary());
}

describe('saved drafts of every format open through the numbered migrations', () => {
  it('numbers the migrations from 1 without a gap, up to the format autosave writes', () => {
    expect(sheetDraftMigrations.migrations.map((migration) => migration.id)).toEqual([
      'sheet-draft/1',
      'sheet-draft/2',
    ]);
    expect(sheetDraftMigrations.currentFormat).toBe(2);
    const step = { up: (draft: SavedDraft) => draft };
    expect(() =>
      createMigrationSequence('s', [
        { id: 's/1', ...step },
        { id: 's/3', ...step },
      ]),
    ).toThrow('Migration 2 of s is named s/3, not s/2');
  });

  it('opens a format 1 draft of a CSV file (text cells) as the sheet it held, to start a log of its own', () => {
    const draft = readFixture('format-1-review.json').current as { columns: ColumnSettings[] };
    const sheet = opened('format-1-review.json');
    expectSameSheet(sheet.model, draft.columns, reviewRows);
    expect(sheet).toMatchObject({
      source: { name: 'review.csv', kind: 'file' },
      dirty: false,
      repairs: [],
      lostEdits: 0,
      // It was never saved as a log: autosave writes one at the next save.
      log: null,
    });
  });

  it('opens a format 1 draft of a JSONL file (typed cells, a big integer, a missing cell)', () => {
    const draft = readFixture('format-1-scores.json').current as { columns: ColumnSettings[] };
    const sheet = opened('format-1-scores.json');
    expectSameSheet(sheet.model, draft.columns, scoresRows);
    expect(sheet).toMatchObject({ source: { name: 'scores.jsonl' }, dirty: true, repairs: [], log: null });
  });

  it('reads a draft without a format number as format 1, and says so', () => {
    const stored = readFixture('format-1-review.json');
    const { format: _format, ...unnumbered } = stored.current as Record<string, unknown>;
    const result = openSavedSheet({ head: unnumbered, columns: [], edits: [] });
    expect(result.ok && result.repairs).toEqual(['It had no format number; it was read as format 1.']);
    expect(result.ok && rowsOf(result.model)).toEqual(reviewRows);
  });

  it('opens a format 2 log with its edits replayed, and keeps appending to that log', () => {
    const stored = readFixture('format-2-review.json');
    const head = stored.current as { id: string; columns: ColumnSettings[] };
    const sheet = opened('format-2-review.json');
    const columns = head.columns.map((column) =>
      column.id === 'c4' ? { ...column, target: { kind: 'metadata' as const, key: 'notes' } } : column,
    );
    const edited = reviewRows.map((row) => [...row]);
    edited.splice(4, 1, ['ffeeddccbbaa0099', '1', 'no', undefined, undefined]);
    (edited[1] as CellValue[])[1] = '0.5';
    (edited[5] as CellValue[])[3] = '{"quality": "low"}';
    expectSameSheet(sheet.model, columns, edited);
    expect(sheet).toMatchObject({
      source: { name: 'review.csv', kind: 'file' },
      dirty: true,
      repairs: [],
      lostEdits: 0,
      log: { id: head.id, logLength: 2 },
    });
  });

  it('opens a format 2 log of typed cells', () => {
    const head = readFixture('format-2-scores.json').current as { id: string; columns: ColumnSettings[] };
    const sheet = opened('format-2-scores.json');
    const edited = scoresRows.map((row) => [...row]);
    (edited[2] as CellValue[])[1] = 8;
    expectSameSheet(sheet.model, head.columns, edited);
    expect(sheet.log).toEqual({ id: head.id, logLength: 1 });
  });

  it.each<[string, unknown, string]>([
    ['nothing', undefined, 'It is empty.'],
    ['not a sheet', 'hello', 'It is the text "hello", not a sheet.'],
    [
      'a newer format',
      { format: 3, columns: [] },
      'It was saved by a newer version of Spanpatch (format 3); this version reads format 2.',
    ],
    ['format 0', { format: 0, columns: [] }, 'Its format (the number 0) is not one Spanpatch has written.'],
    [
      'a format as text',
      { format: '1', columns: [] },
      'Its format (the text "1") is not one Spanpatch has written.',
    ],
  ])('refuses %s with the reason', (_what, head, reason) => {
    expect(migrateDraft({ head, columns: [], edits: [] })).toEqual({ ok: false, reason });
  });

  it('refuses a format 1 draft whose cells cannot be read, with what format 1 says of it', () => {
    const result = openSavedSheet({ head: { format: 1, columns: 'none' }, columns: [], edits: [] });
    expect(result).toEqual({ ok: false, reason: 'Its columns are the text "none", not a list.' });
  });
});
