import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { autoMapColumns, type ColumnSettings } from '@/core/columns';
import { type CellValue, importFile } from '@/core/import';
import { NOTICE_CODES, type NoticeCode } from '@/core/issues';
import { storedPatch } from '@/core/patch';
import {
  acceptedAfter,
  type ColumnNotice,
  exampleText,
  noticeSummary,
  SheetModel,
  splitNotices,
} from '@/core/sheet';
import { allIssues, sheetOf } from '../helpers';

const ID = 'context.span_id';
const meta = (key: string) => `attributes.metadata.${key}`;
const A = '61dbffb32f20ddb6';
const B = '0123456789abcdef';
const C = 'fedcba9876543210';

/** The notices of a sheet reduced to what a person reads: column, conversion, cells, accepted. */
const noticesOf = (model: SheetModel) =>
  model.summary().notices.map(({ column, code, count, accepted }) => ({ column, code, count, accepted }));

interface NoticeCase {
  code: NoticeCode;
  headers: string[];
  rows: CellValue[][];
  settings?: Partial<Record<string, Partial<ColumnSettings>>>;
  origin?: ColumnSettings['origin'];
  notices: { column: string; count: number }[];
  /** The first notice's example, as `exampleText` says it. */
  example: string;
}

/** Every conversion a whole column can apply, as one column notice, with its count and an example. */
const noticeCases: NoticeCase[] = [
  {
    code: 'bool_to_string',
    headers: [ID, meta('reviewed'), meta('n')],
    rows: [
      [A, 'True', '1'],
      [B, 'False', '2'],
      [C, '', '3'],
    ],
    notices: [{ column: meta('reviewed'), count: 2 }],
    example: 'Row 1: True is stored as "true".',
  },
  {
    code: 'bool_to_string',
    headers: [ID, meta('reviewed')],
    rows: [
      [A, true],
      [B, false],
    ],
    origin: 'typed',
    notices: [{ column: meta('reviewed'), count: 2 }],
    example: 'Row 1: true is stored as "true".',
  },
  {
    code: 'looks_numeric_kept_text',
    headers: [ID, meta('zip'), meta('ticket_id')],
    rows: [
      [A, '02134', '17.0'],
      [B, '90210', '18.0'],
    ],
    notices: [
      { column: meta('zip'), count: 1 },
      { column: meta('ticket_id'), count: 2 },
    ],
    example: 'Row 1: 02134 is stored as "02134" (a leading zero).',
  },
  {
    code: 'json_to_string',
    headers: [ID, meta('tags')],
    rows: [
      [A, '["a", "b"]'],
      [B, '{"k": 1}'],
    ],
    notices: [{ column: meta('tags'), count: 2 }],
    example: 'Row 1: ["a", "b"] is stored as "[\\"a\\",\\"b\\"]".',
  },
  {
    code: 'null_not_removed',
    headers: [ID, meta('note'), meta('x')],
    rows: [
      [A, '', '1'],
      [B, 'checked', '2'],
      [C, 'NULL', '3'],
    ],
    settings: { [meta('note')]: { blankPolicy: 'null' } },
    notices: [{ column: meta('note'), count: 2 }],
    example: 'Row 1: a blank cell is stored as null.',
  },
  {
    code: 'null_not_removed',
    headers: [ID, meta('note'), meta('n')],
    rows: [
      [A, 'null', '1'],
      [B, '', '2'],
      [C, 'NULL', '3'],
    ],
    notices: [{ column: meta('note'), count: 2 }],
    example: 'Row 1: null is stored as null.',
  },
];

describe('conversions of a whole column are one column notice each (issue 12)', () => {
  it.each(noticeCases)('$code', ({ code, headers, rows, settings, origin, notices, example }) => {
    const model = sheetOf(headers, rows, settings, origin);
    expect(noticesOf(model)).toEqual(notices.map((notice) => ({ ...notice, code, accepted: false })));
    // No cell carries the conversion as a warning: it is said once, for the column.
    expect(allIssues(model).filter((issue) => issue.code === code)).toEqual([]);
    expect(model.summary().byCode[code]).toBeUndefined();
    expect(model.summary().warnings).toBe(0);
    for (let row = 0; row < model.rowCount; row++) expect(model.rowStatus(row)).not.toBe('warning');
    const first = model.summary().notices[0];
    const found = first && model.noticeExample(first.columnId, first.code);
    expect(found && exampleText(found)).toBe(example);
  });

  it('covers every conversion that can be a column notice', () => {
    expect(new Set(noticeCases.map((c) => c.code))).toEqual(new Set(NOTICE_CODES));
  });

  it('says what happens, to how many cells', () => {
    const say = (code: NoticeCode, count: number) => noticeSummary({ code, count, key: 'reviewed' });
    expect(say('bool_to_string', 41_892)).toBe(
      '41,892 true/false values are stored as the text "true" or "false": metadata holds text, numbers and null only.',
    );
    expect(say('looks_numeric_kept_text', 1)).toMatch(/^Read as text: 1 value looks like a number/);
    expect(say('json_to_string', 2)).toBe('2 objects or lists are stored as JSON text.');
    expect(say('null_not_removed', 3)).toMatch(/^3 cells set "reviewed" to null: the key stays/);
  });

  it('keeps the markers of cells that differ from the rest of their column', () => {
    const model = sheetOf(
      [ID, meta('reviewed'), meta('tags')],
      [
        [A, 'True', '["a"]'],
        [B, 'null', 'true'],
        [C, 'oops', '{"k":1}'],
      ],
      { [meta('reviewed')]: { type: 'boolean' }, [meta('tags')]: { type: 'json' } },
    );
    expect(noticesOf(model)).toEqual([
      { column: meta('reviewed'), code: 'bool_to_string', count: 1, accepted: false },
      { column: meta('tags'), code: 'json_to_string', count: 2, accepted: false },
    ]);
    // The null of a true/false column, the true of a JSON column and a value that is not true/false stay marked.
    expect(allIssues(model).map(({ code, row, column }) => ({ code, row, column }))).toEqual([
      { code: 'null_not_removed', row: 2, column: meta('reviewed') },
      { code: 'bool_to_string', row: 2, column: meta('tags') },
      { code: 'not_a_boolean', row: 3, column: meta('reviewed') },
    ]);
    expect([0, 1, 2].map((row) => model.rowStatus(row))).toEqual(['ok', 'warning', 'error']);
  });

  it('follows the column: a notice appears and goes as its cells change', () => {
    const model = sheetOf(
      [ID, meta('reviewed')],
      [
        [A, 'True'],
        [B, 'False'],
      ],
    );
    expect(noticesOf(model)).toHaveLength(1);
    // One cell that is not true/false makes the column text: no conversion any more, and a column warning.
    model.apply({ kind: 'set_cells', cells: [{ row: 1, columnId: 'c1', value: 'maybe' }] });
    expect(noticesOf(model)).toEqual([]);
    expect(model.columnInfo('c1')?.issues.map((issue) => issue.code)).toEqual(['mixed_types_as_text']);
    model.apply({ kind: 'set_cells', cells: [{ row: 1, columnId: 'c1', value: 'FALSE' }] });
    expect(noticesOf(model)).toEqual([
      { column: meta('reviewed'), code: 'bool_to_string', count: 2, accepted: false },
    ]);
  });
});

describe('accepting a column notice (issue 12)', () => {
  const reviewed = () =>
    sheetOf(
      [ID, meta('reviewed'), meta('ticket_id')],
      [
        [A, 'True', '000123'],
        [B, 'False', '104233'],
        [C, 'True', '000007'],
      ],
    );

  it('moves it to the accepted conversions, changing what is shown and never what is stored', () => {
    const model = reviewed();
    const before = model.submittableSpans();
    expect(before.map((span) => span.patch_document)).toEqual([
      { reviewed: 'true', ticket_id: '000123' },
      { reviewed: 'false', ticket_id: '104233' },
      { reviewed: 'true', ticket_id: '000007' },
    ]);
    const column = model.columns[1];
    if (!column) throw new Error('no column');
    const { inverse, changes } = model.apply({
      kind: 'update_column',
      columnId: column.id,
      changes: acceptedAfter(column, 'bool_to_string', true),
    });
    // Nothing is recomputed: no row, no span changes.
    expect(changes).toMatchObject({ rows: [], spans: [] });
    expect(model.submittableSpans()).toEqual(before);
    expect(model.span(A)?.patch.find((entry) => entry.key === 'reviewed')?.stored).toBe('true');
    const { open, accepted } = splitNotices(model.summary().notices);
    expect(accepted.map((notice) => notice.code)).toEqual(['bool_to_string']);
    expect(open.map((notice) => notice.code)).toEqual(['looks_numeric_kept_text']);

    model.apply(inverse);
    expect(splitNotices(model.summary().notices).accepted).toEqual([]);
  });

  it('takes an acceptance back, and keeps the others of the column', () => {
    const column: ColumnSettings = {
      ...(autoMapColumns([ID, meta('x')]).columns[1] as ColumnSettings),
      acceptedNotices: ['null_not_removed'],
    };
    expect(acceptedAfter(column, 'bool_to_string', true)).toEqual({
      acceptedNotices: ['bool_to_string', 'null_not_removed'],
    });
    expect(acceptedAfter(column, 'null_not_removed', false)).toEqual({ acceptedNotices: [] });
    expect(acceptedAfter(column, 'null_not_removed', true)).toEqual({
      acceptedNotices: ['null_not_removed'],
    });
  });

  it('remembers the acceptance in the column settings, so a sheet built from them has it', () => {
    const model = reviewed();
    const column = model.columns[1];
    if (!column) throw new Error('no column');
    model.apply({
      kind: 'update_column',
      columnId: column.id,
      changes: acceptedAfter(column, 'bool_to_string', true),
    });
    const again = SheetModel.fromRows(model.columns, model.rowCells());
    expect(noticesOf(again)).toEqual(noticesOf(model));
    expect(noticesOf(again)[0]).toMatchObject({ code: 'bool_to_string', accepted: true });
  });
});

describe("the analyst's pandas file (issue 12)", () => {
  async function load(): Promise<SheetModel> {
    const bytes = readFileSync('tests/fixtures/import/pandas-review.csv');
    const result = await importFile('pandas-review.csv', bytes);
    if (!result.ok) throw new Error(result.error.message);
    const { columns, allRecognized } = autoMapColumns(result.table.headers, result.table.origin);
    expect(allRecognized).toBe(true);
    expect(columns[0]?.target).toEqual({ kind: 'ignore' });
    return SheetModel.fromRows(columns, result.table.rows);
  }

  it('imports with column notices instead of a warning on every cell', async () => {
    const model = await load();
    expect(noticesOf(model)).toEqual([
      { column: meta('reviewed'), code: 'bool_to_string', count: 36, accepted: false },
      { column: meta('ticket_id'), code: 'looks_numeric_kept_text', count: 30, accepted: false },
    ]);
    expect(model.columnInfo('c3')?.readType).toBe('string');
    expect(model.columnInfo('c4')?.readType).toBe('number');
    // What is left needs attention: a blank span ID, a span on two rows, an uppercase span ID.
    const summary = model.summary();
    expect(summary.byCode).toEqual({ missing_span_id: 1, duplicate_span_id: 2, span_id_lowercased: 1 });
    expect(summary).toMatchObject({ errors: 1, warnings: 3, rowsWithErrors: 1, rowsWithWarnings: 3 });
  });

  it('is quiet after one Accept per column, and still stores "true"/"false" and the IDs as written', async () => {
    const model = await load();
    const before = model.submittableSpans();
    for (const notice of model.summary().notices) {
      const column = model.columns.find((candidate) => candidate.id === notice.columnId);
      if (!column) throw new Error('no column');
      model.apply({
        kind: 'update_column',
        columnId: column.id,
        changes: acceptedAfter(column, notice.code, true),
      });
    }
    const { open, accepted } = splitNotices(model.summary().notices);
    expect(open).toEqual([]);
    expect(accepted.map((notice: ColumnNotice) => notice.count)).toEqual([36, 30]);
    expect(model.submittableSpans()).toEqual(before);
    const first = model.span('44dcda6a797d76de');
    expect(first && storedPatch(first.patch)).toEqual({
      reviewed: 'false',
      ticket_id: '736945',
      score: 0.25,
      reviewer: 'chen',
    });
    const second = model.span('87751d4ca8501e2c');
    expect(second && storedPatch(second.patch)).toMatchObject({ reviewed: 'false', ticket_id: '062491' });
  });
});

describe('a column whose key was never named (issue 12)', () => {
  it('blocks the spans with a value in it, and only those, until it is named', () => {
    const model = sheetOf(
      [ID, meta(''), meta('x')],
      [
        [A, 'yes', '1'],
        [B, '', '2'],
      ],
    );
    expect(model.spanStatus(A)).toBe('blocked');
    expect(model.spanStatus(B)).toBe('ready');
    expect(model.cellIssues(0, 'c1').map((issue) => issue.code)).toEqual(['unnamed_key']);
    model.apply({
      kind: 'update_column',
      columnId: 'c1',
      changes: { name: meta('label'), target: { kind: 'metadata', key: 'label' } },
    });
    expect(model.spanStatus(A)).toBe('ready');
    expect(model.submittableSpans()[0]).toEqual({ span_id: A, patch_document: { label: 'yes', x: 1 } });
  });
});

describe('objects and lists in patch_document are one notice per key (issue 25)', () => {
  const PATCH = 'patch_document';
  /** 3,000 rows whose patch_document holds a list under "tags" and an object under "ctx" (and text under "n"). */
  const pandasRows = (): CellValue[][] =>
    Array.from({ length: 3000 }, (_, index) => [
      index.toString(16).padStart(16, '0'),
      JSON.stringify({ tags: ['a', `t${index}`], ctx: index % 2 === 0 ? { turn: index } : 'none', n: index }),
    ]);
  const keyNoticesOf = (model: SheetModel) =>
    model.summary().notices.map(({ column, key, code, count, accepted, fromPatchDocument }) => ({
      column,
      key,
      code,
      count,
      accepted,
      fromPatchDocument,
    }));

  it('says each key once, with how many cells, instead of a warning per cell', () => {
    const model = sheetOf([ID, PATCH], pandasRows());
    expect(keyNoticesOf(model)).toEqual([
      {
        column: PATCH,
        key: 'ctx',
        code: 'json_to_string',
        count: 1500,
        accepted: false,
        fromPatchDocument: true,
      },
      {
        column: PATCH,
        key: 'tags',
        code: 'json_to_string',
        count: 3000,
        accepted: false,
        fromPatchDocument: true,
      },
    ]);
    expect(allIssues(model).filter((issue) => issue.code === 'json_to_string')).toEqual([]);
    expect(model.summary().warnings).toBe(0);
    expect(model.summary().byCode.json_to_string).toBeUndefined();
    expect(model.summary().spansByStatus.ready).toBe(3000);
    const [ctx] = model.summary().notices;
    expect(ctx && noticeSummary(ctx)).toBe('1,500 objects or lists under "ctx" are stored as JSON text.');
    // What is stored does not change: the list is JSON text.
    expect(model.span('0000000000000001')?.patch.find((entry) => entry.key === 'tags')?.stored).toBe(
      '["a","t1"]',
    );
  });

  it('keeps the detail of each cell: an example and which rows', () => {
    const model = sheetOf([ID, PATCH], pandasRows());
    const [ctx, tags] = model.summary().notices;
    if (!ctx || !tags) throw new Error('no notices');
    const example = model.noticeExample(ctx.columnId, ctx.code, ctx.key);
    expect(example && exampleText(example)).toBe('Row 1: {"turn":0} is stored as "{\\"turn\\":0}".');
    expect(model.noticeRows(ctx, 4)).toEqual([1, 3, 5, 7]);
    expect(model.noticeRows(tags, 3)).toEqual([1, 2, 3]);
    expect(model.noticeRows(ctx, 10_000)).toHaveLength(1500);
  });

  it('follows the cells as they change, and is accepted for the patch_document column', () => {
    const model = sheetOf(
      [ID, PATCH],
      [
        [A, '{"tags":["a"]}'],
        [B, '{"tags":["b"],"ctx":{"k":1}}'],
      ],
    );
    model.apply({ kind: 'set_cells', cells: [{ row: 1, columnId: 'c1', value: '{"tags":"b"}' }] });
    expect(keyNoticesOf(model).map(({ key, count }) => [key, count])).toEqual([['tags', 1]]);
    model.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: '{"n":1}' }] });
    expect(keyNoticesOf(model)).toEqual([]);
    model.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: '{"tags":[1],"ctx":[2]}' }] });
    const column = model.columns[1];
    if (!column) throw new Error('no column');
    const { changes } = model.apply({
      kind: 'update_column',
      columnId: column.id,
      changes: acceptedAfter(column, 'json_to_string', true),
    });
    expect(changes).toMatchObject({ rows: [], spans: [] });
    expect(keyNoticesOf(model).map(({ key, accepted }) => [key, accepted])).toEqual([
      ['ctx', true],
      ['tags', true],
    ]);
  });

  it('leaves a value that is not an object or list as it was: true/false stays a warning on its cell', () => {
    const model = sheetOf([ID, PATCH], [[A, '{"reviewed":true,"tags":["x"]}']]);
    expect(allIssues(model).map(({ code, row, column }) => ({ code, row, column }))).toEqual([
      { code: 'bool_to_string', row: 1, column: PATCH },
    ]);
    expect(keyNoticesOf(model).map(({ key, count }) => [key, count])).toEqual([['tags', 1]]);
  });
});
