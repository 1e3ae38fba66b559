import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat, importFile } from '@/core/import';
import { columnLetter, excelDateText } from '@/core/import/xlsx-import';
import { type WorkbookSheet, writeWorkbook } from '../../support/workbook';

const dir = mkdtempSync(join(tmpdir(), 'spanpatch-xlsx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
/** The bytes of a workbook openpyxl writes with these sheets. */
function workbook(sheets: WorkbookSheet[]): Uint8Array {
  const path = join(dir, `book-${++count}.xlsx`);
  writeWorkbook(path, sheets);
  return new Uint8Array(readFileSync(path));
}

describe('importing an Excel workbook', () => {
  it('reads the header row and typed cells: numbers, booleans, text, dates as ISO text', async () => {
    const bytes = workbook([
      {
        name: 'Spans',
        rows: [
          ['span_id', 'score', 'reviewed', 'note', 'day', 'at'],
          ['a1', 0.5, true, 'fine', { date: '2024-03-01' }, { datetime: '2024-03-01T09:30:15' }],
          ['a2', 7, false, null, { date: '1999-12-31' }, { datetime: '2024-03-02T00:00:00.250' }],
        ],
      },
    ]);
    const result = await importFile('review.xlsx', bytes);
    expect(result).toEqual({
      ok: true,
      table: {
        format: 'xlsx',
        headers: ['span_id', 'score', 'reviewed', 'note', 'day', 'at'],
        rows: [
          ['a1', 0.5, true, 'fine', '2024-03-01', '2024-03-01T09:30:15'],
          ['a2', 7, false, undefined, '1999-12-31', '2024-03-02T00:00:00.250'],
        ],
        origin: 'typed',
        sheet: 'Spans',
        notes: [],
      },
    });
  });

  it('finds the header below empty rows and skips empty rows between data rows, saying so', async () => {
    const bytes = workbook([{ name: 'Data', rows: [[], [], ['id', 'n'], ['x', 1], [], ['y', 2]] }]);
    const result = await importFile('book.xlsx', bytes);
    expect(result.ok && result.table.rows).toEqual([
      ['x', 1],
      ['y', 2],
    ]);
    expect(result.ok && result.table.notes).toEqual([
      'The header row is row 3; the empty rows above it were skipped.',
      'Skipped 1 empty row.',
    ]);
  });

  it('asks which sheet when several hold data, and reads the one named', async () => {
    const bytes = workbook([
      { name: 'Notes', rows: [['about'], ['this week']] },
      {
        name: 'Spans',
        rows: [
          ['span_id', 'ok'],
          ['s1', true],
        ],
      },
    ]);
    const asked = await importFile('two.xlsx', bytes);
    expect(asked).toEqual({
      ok: false,
      error: {
        code: 'choose_sheet',
        message: 'The workbook has 2 sheets with data ("Notes", "Spans"): choose the one to import.',
        sheets: ['Notes', 'Spans'],
      },
    });
    const picked = await importFile('two.xlsx', bytes, { sheet: 'Spans' });
    expect(picked.ok && picked.table).toMatchObject({
      sheet: 'Spans',
      headers: ['span_id', 'ok'],
      rows: [['s1', true]],
    });
    const missing = await importFile('two.xlsx', bytes, { sheet: 'Nope' });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'choose_sheet', sheets: ['Notes', 'Spans'] },
    });
    expect(!missing.ok && missing.error.message).toBe(
      'The workbook has no sheet named "Nope"; its sheets are "Notes", "Spans".',
    );
  });

  it('reads the one sheet with data when the others are empty, and says which', async () => {
    const bytes = workbook([
      { name: 'Empty', rows: [] },
      { name: 'Spans', rows: [['span_id'], ['s1']] },
    ]);
    const result = await importFile('book.xlsx', bytes);
    expect(result.ok && result.table.sheet).toBe('Spans');
    expect(result.ok && result.table.notes).toEqual([
      'Read the sheet "Spans" of the workbook; its other 1 sheet was left out.',
    ]);
  });

  it('names the sheet, row and column of a value right of the last named column', async () => {
    const bytes = workbook([
      {
        name: 'Spans',
        rows: [
          ['span_id', 'n'],
          ['s1', 1],
          ['s2', 2, null, 'stray'],
        ],
      },
    ]);
    const result = await importFile('book.xlsx', bytes);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'ragged_rows',
        message:
          'The cell D3 (row 3, column D) of sheet "Spans" holds "stray", but the header row (row 1) has no name ' +
          'for column D. Name the column in the header row, or clear the cell, and import the workbook again.',
        line: 3,
        column: 4,
      },
    });
  });

  it('says what is wrong with an empty sheet, a header without rows, and a damaged file', async () => {
    const empty = await importFile('book.xlsx', workbook([{ name: 'Only', rows: [] }]));
    expect(empty).toMatchObject({ ok: false, error: { code: 'empty_file' } });
    expect(!empty.ok && empty.error.message).toBe('The workbook is empty: its 1 sheet has no values.');
    const headerOnly = await importFile('book.xlsx', workbook([{ name: 'Only', rows: [['a', 'b']] }]));
    expect(!headerOnly.ok && headerOnly.error).toMatchObject({
      code: 'header_only',
      message: 'The sheet "Only" has a header row (row 1) but no data rows.',
    });
    const whole = workbook([{ name: 'Only', rows: [['a'], [1]] }]);
    const cut = await importFile('book.xlsx', whole.subarray(0, Math.floor(whole.length / 2)));
    expect(cut).toMatchObject({ ok: false, error: { code: 'invalid_xlsx' } });
    expect(!cut.ok && cut.error.message).toContain('This file is not a readable Excel workbook');
  });

  it('tells an .xlsx that is not a workbook, and an older .xls, from a workbook', () => {
    const text = new TextEncoder().encode('a,b\n1,2\n');
    expect(detectFormat('book.xlsx', text)).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_xlsx',
        message: expect.stringContaining('is not an Excel workbook (it holds text'),
      },
    });
    expect(detectFormat('book.xls', text)).toMatchObject({
      ok: false,
      error: { code: 'unsupported_type', message: expect.stringContaining('Excel Workbook (.xlsx)') },
    });
  });
});

describe('Excel helpers', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [701, 'ZZ'],
    [702, 'AAA'],
  ])('column %i is %s', (index, letters) => {
    expect(columnLetter(index)).toBe(letters);
  });

  it('writes a date as a day, a date and time without a zone', () => {
    expect(excelDateText(new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02');
    expect(excelDateText(new Date(Date.UTC(2024, 0, 2, 13, 4, 5)))).toBe('2024-01-02T13:04:05');
    expect(excelDateText(new Date(Date.UTC(2024, 0, 2, 13, 4, 4, 999)))).toBe('2024-01-02T13:04:05');
  });
});
