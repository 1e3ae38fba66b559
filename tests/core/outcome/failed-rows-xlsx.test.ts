import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ColumnSettings } from '@/core/columns';
import { importFile } from '@/core/import';
import {
  type FailedSpan,
  failedRowsWithErrors,
  failedRowsXlsx,
  failureColumns,
  failureRow,
} from '@/core/outcome';
import { readWorkbook } from '../../support/workbook';

function column(name: string, target: ColumnSettings['target']): ColumnSettings {
  return { id: name, name, target, type: 'auto', blankPolicy: 'skip', origin: 'typed' };
}

const columns: ColumnSettings[] = [
  column('span', { kind: 'span_id' }),
  column('score', { kind: 'metadata', key: 'score' }),
  column('score (raw)', { kind: 'metadata', key: 'score_raw' }),
  column('patch', { kind: 'patch_document' }),
  column('note', { kind: 'ignore' }),
];

function failure(
  type: string,
  message: string,
  blocked = false,
): Pick<FailedSpan, 'type' | 'message' | 'blocked'> {
  return { type, message, blocked };
}

describe('the cells that caused a failure', () => {
  it.each([
    {
      name: 'a type conflict on a metadata key: that key’s column',
      failure: failure(
        'type_conflict',
        "[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8",
      ),
      columns: [1],
    },
    {
      name: 'a type conflict on a key no column maps: the patch_document column',
      failure: failure(
        'type_conflict',
        "[type_conflict] Type conflict on 'label': stored Int64, patch has Utf8",
      ),
      columns: [3],
    },
    {
      name: 'a span the project does not have: the span ID column',
      failure: failure('segment_not_found', '[segment_not_found] No span with this ID in project demo'),
      columns: [0],
    },
    {
      name: 'a patch document that is not JSON: the patch_document column',
      failure: failure('parse_failure', '[parse_failure] patch_document is not valid JSON'),
      columns: [3],
    },
    {
      name: 'a span the sheet blocked: the column its message names (the longest name that fits)',
      failure: failure(
        'parse_failure',
        '[parse_failure] Blocked before sending: Row 5, column score (raw): "abc" is not a number',
        true,
      ),
      columns: [2],
    },
    {
      name: 'a connection that failed: no cell',
      failure: failure('connection_failure', '[connection_failure] The server did not answer'),
      columns: [],
    },
  ])('$name', ({ failure: failed, columns: expected }) => {
    expect(failureColumns(failed, columns)).toEqual(expected);
  });

  it('names the row of a blocked span’s cell, and none for a server failure', () => {
    expect(
      failureRow(
        failure('parse_failure', '[parse_failure] Blocked before sending: Row 12, column score: x', true),
      ),
    ).toBe(12);
    expect(
      failureRow(
        failure('type_conflict', "[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8"),
      ),
    ).toBe(null);
  });

  it('gives each exported row its errors and the cells each one marks, in sheet order, each row once', () => {
    const spans: FailedSpan[] = [
      {
        spanId: 'b',
        type: 'parse_failure',
        message: '[parse_failure] Blocked before sending: Row 4, column score: "x" is not a number',
        rows: [3, 4],
        blocked: true,
      },
      {
        spanId: 'a',
        type: 'type_conflict',
        message: "[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8",
        rows: [1],
        blocked: false,
      },
    ];
    const outcome = {
      columns,
      spans: new Map([
        ['a', { rows: [1], cells: [['a', 'high', 1, '{}', 'n']] }],
        [
          'b',
          {
            rows: [3, 4],
            cells: [
              ['b', 2, 2, '', ''],
              ['b', 'x', 3, '', ''],
            ],
          },
        ],
      ]),
    };
    const rows = failedRowsWithErrors(outcome, spans, (message) => message.replace(/^\[[^\]]*\] /, ''));
    expect(rows.map((row) => [row.row, row.errors, [...row.marks]])).toEqual([
      [
        1,
        ["Type conflict on 'score': stored Int64, patch has Utf8"],
        [[1, ["Type conflict on 'score': stored Int64, patch has Utf8"]]],
      ],
      [3, ['Blocked before sending: Row 4, column score: "x" is not a number'], []],
      [
        4,
        ['Blocked before sending: Row 4, column score: "x" is not a number'],
        [[1, ['Blocked before sending: Row 4, column score: "x" is not a number']]],
      ],
    ]);
  });

  it('marks the patch_document cell when the key’s own cell of that row is blank: the value came from there', () => {
    const message = "[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8";
    const outcome = {
      columns,
      spans: new Map([['c', { rows: [2], cells: [['c', '', 1, '{"score": "high"}', '']] }]]),
    };
    const spans: FailedSpan[] = [{ spanId: 'c', type: 'type_conflict', message, rows: [2], blocked: false }];
    expect(failedRowsWithErrors(outcome, spans).map((row) => [...row.marks])).toEqual([[[3, [message]]]]);
  });
});

describe('failed rows as an Excel workbook', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanpatch-failed-xlsx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the columns plus the error, the cells to blame filled and commented, as openpyxl reads it', async () => {
    const marks = new Map([[1, ["Type conflict on 'score': stored Int64, patch has Utf8"]]]);
    const bytes = failedRowsXlsx(columns, [
      {
        row: 1,
        cells: ['a', 'high', 1.5, '=HYPERLINK("x")', true],
        errors: ['Type conflict on score'],
        marks,
      },
      { row: 7, cells: ['b', undefined, 2, '', false], errors: ['No span <b> & more'], marks: new Map() },
    ]);
    const path = join(dir, 'failed.xlsx');
    writeFileSync(path, bytes);
    const [sheet, ...others] = readWorkbook(path);
    expect(others).toEqual([]);
    expect(sheet?.name).toBe('Failed rows');
    const byRef = new Map(sheet?.cells.map((cell) => [cell.ref, cell]));
    expect([...'ABCDEF'].map((letter) => byRef.get(`${letter}1`)?.value)).toEqual([
      'span',
      'score',
      'score (raw)',
      'patch',
      'note',
      'Error',
    ]);
    expect(byRef.get('B2')).toEqual({
      ref: 'B2',
      value: 'high',
      fill: 'FFC7CE',
      comment: "Type conflict on 'score': stored Int64, patch has Utf8",
    });
    expect(byRef.get('C2')).toEqual({ ref: 'C2', value: 1.5, fill: null, comment: null });
    expect(byRef.get('D2')?.value).toBe('\'=HYPERLINK("x")');
    expect(byRef.get('E2')?.value).toBe(true);
    expect(byRef.get('F2')?.value).toBe('Type conflict on score');
    expect(byRef.get('B3')).toBeUndefined();
    expect(byRef.get('F3')?.value).toBe('No span <b> & more');
    expect(
      sheet?.cells.filter((cell) => cell.fill !== null || cell.comment !== null).map((cell) => cell.ref),
    ).toEqual(['B2']);
    // And it imports again as it is, to fix and submit.
    const again = await importFile('failed.xlsx', bytes);
    expect(again.ok && again.table.headers).toEqual([
      'span',
      'score',
      'score (raw)',
      'patch',
      'note',
      'Error',
    ]);
    expect(again.ok && again.table.rows[0]).toEqual([
      'a',
      'high',
      1.5,
      '\'=HYPERLINK("x")',
      true,
      'Type conflict on score',
    ]);
  });
});
