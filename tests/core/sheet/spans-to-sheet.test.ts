import { describe, expect, it } from 'vitest';
import { standardColumns } from '@/core/columns';
import {
  appendSheetEdits,
  newKeyProblems,
  SheetModel,
  type SpanForSheet,
  spanOrigins,
  spansToSheet,
} from '@/core/sheet';
import { columnTypeOf, storedValueCell } from '@/core/sheet/spans-to-sheet';
import { allIssues } from '../helpers';

const SPANS: SpanForSheet[] = [
  {
    span_id: 'aaaa000000000001',
    name: 'support_agent.run',
    kind: 'CHAIN',
    metadata: { user_id: 'user_0138', code: '007', flag: 'true', turn: 4, score: 0.25, note: null },
  },
  { span_id: 'aaaa000000000002', name: 'chat gpt-4o', kind: 'LLM', metadata: { turn: 12 } },
  { span_id: 'aaaa000000000003', name: null, kind: null, metadata: null },
];

const KEYS = [
  { key: 'user_id', type: 'Utf8' },
  { key: 'code', type: 'Utf8' },
  { key: 'flag', type: 'Utf8' },
  { key: 'turn', type: 'Int64' },
  { key: 'score', type: 'Float64' },
  { key: 'note', type: null },
] as const;

describe('spansToSheet', () => {
  it('puts the span ID, name and kind, each brought key and each new key in columns, values as text', () => {
    const sheet = spansToSheet(SPANS, KEYS, [{ key: 'reviewed', value: 'true', type: null }]);
    expect(sheet.columns.map((column) => [column.name, column.target.kind, column.type])).toEqual([
      ['context.span_id', 'span_id', 'auto'],
      ['name', 'ignore', 'auto'],
      ['span_kind', 'ignore', 'auto'],
      ['attributes.metadata.user_id', 'metadata', 'string'],
      ['attributes.metadata.code', 'metadata', 'string'],
      ['attributes.metadata.flag', 'metadata', 'string'],
      ['attributes.metadata.turn', 'metadata', 'number'],
      ['attributes.metadata.score', 'metadata', 'number'],
      ['attributes.metadata.note', 'metadata', 'auto'],
      ['attributes.metadata.reviewed', 'metadata', 'auto'],
    ]);
    expect(new Set(sheet.columns.map((column) => column.id)).size).toBe(sheet.columns.length);
    expect(sheet.rows).toEqual([
      [
        'aaaa000000000001',
        'support_agent.run',
        'CHAIN',
        'user_0138',
        '007',
        'true',
        '4',
        '0.25',
        undefined,
        'true',
      ],
      [
        'aaaa000000000002',
        'chat gpt-4o',
        'LLM',
        undefined,
        undefined,
        undefined,
        '12',
        undefined,
        undefined,
        'true',
      ],
      [
        'aaaa000000000003',
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        'true',
      ],
    ]);
  });

  it("reads back, untouched, as each span's current values in their stored types, without a warning; null is left as is", () => {
    const sheet = spansToSheet(SPANS.slice(0, 2), KEYS, []);
    const model = SheetModel.fromRows(sheet.columns, sheet.rows);
    expect(allIssues(model)).toEqual([]);
    expect(model.submittableSpans()).toEqual([
      {
        span_id: 'aaaa000000000001',
        patch_document: { user_id: 'user_0138', code: '007', flag: 'true', turn: 4, score: 0.25 },
      },
      { span_id: 'aaaa000000000002', patch_document: { turn: 12 } },
    ]);
  });

  it('reads a new key as its type in the project: "true" stays text in a Utf8 key, 3 is a number in a new one', () => {
    const sheet = spansToSheet(
      SPANS.slice(0, 1),
      [],
      [
        { key: 'reviewed', value: 'true', type: 'Utf8' },
        { key: 'quality', value: '3', type: null },
      ],
    );
    const model = SheetModel.fromRows(sheet.columns, sheet.rows);
    expect(model.submittableSpans()).toEqual([
      { span_id: 'aaaa000000000001', patch_document: { reviewed: 'true', quality: 3 } },
    ]);
  });

  it('lets a new key win over the same key brought in, and keeps one column per key', () => {
    const sheet = spansToSheet(
      SPANS.slice(0, 1),
      [
        { key: 'turn', type: 'Int64' },
        { key: 'turn', type: 'Int64' },
        { key: 'user_id', type: 'Utf8' },
      ],
      [{ key: 'user_id', value: 'user_9999', type: 'Utf8' }],
    );
    expect(sheet.columns.map((column) => column.name)).toEqual([
      'context.span_id',
      'name',
      'span_kind',
      'attributes.metadata.turn',
      'attributes.metadata.user_id',
    ]);
    expect(sheet.rows[0]?.slice(3)).toEqual(['4', 'user_9999']);
  });

  it('maps stored types to column types, and stored values to cells', () => {
    expect([
      columnTypeOf('Utf8'),
      columnTypeOf('Int64'),
      columnTypeOf('Float64'),
      columnTypeOf(null),
    ]).toEqual(['string', 'number', 'number', 'auto']);
    expect([
      storedValueCell(undefined),
      storedValueCell(null),
      storedValueCell(-1.5),
      storedValueCell(''),
    ]).toEqual([undefined, undefined, '-1.5', '']);
  });
});

describe('appendSheetEdits', () => {
  function existingSheet(): SheetModel {
    const columns = standardColumns('turn');
    return SheetModel.fromRows(columns, [
      ['bbbb000000000001', '1', '{"note": "kept"}'],
      ['bbbb000000000002', '2', ''],
    ]);
  }

  it('fills the columns the sheet has, adds the others at the end, and appends the rows as one undoable step', () => {
    const model = existingSheet();
    const before = model.rowCells();
    const sheet = spansToSheet(
      SPANS.slice(0, 2),
      [{ key: 'turn', type: 'Int64' }],
      [{ key: 'reviewed', value: 'true', type: null }],
    );
    const edits = appendSheetEdits(model, sheet);
    expect(edits.map((edit) => edit.kind)).toEqual(['add_column', 'add_column', 'add_column', 'insert_rows']);
    const inverses = edits.map((edit) => model.apply(edit).inverse);

    expect(model.columns.map((column) => column.name)).toEqual([
      'context.span_id',
      'attributes.metadata.turn',
      'patch_document',
      'name',
      'span_kind',
      'attributes.metadata.reviewed',
    ]);
    expect(new Set(model.columns.map((column) => column.id)).size).toBe(6);
    expect(model.rowCells().slice(2)).toEqual([
      ['aaaa000000000001', '4', undefined, 'support_agent.run', 'CHAIN', 'true'],
      ['aaaa000000000002', '12', undefined, 'chat gpt-4o', 'LLM', 'true'],
    ]);
    expect(model.spanIds()).toEqual([
      'bbbb000000000001',
      'bbbb000000000002',
      'aaaa000000000001',
      'aaaa000000000002',
    ]);

    for (const inverse of inverses.reverse()) model.apply(inverse);
    expect(model.rowCells()).toEqual(before);
    expect(model.columns.map((column) => column.name)).toEqual([
      'context.span_id',
      'attributes.metadata.turn',
      'patch_document',
    ]);
  });

  it('adds no column when the sheet has them all, and a second append reuses the name and kind columns', () => {
    const model = existingSheet();
    const first = spansToSheet(SPANS.slice(0, 1), [{ key: 'turn', type: 'Int64' }], []);
    for (const edit of appendSheetEdits(model, first)) model.apply(edit);
    const second = spansToSheet(SPANS.slice(1, 2), [{ key: 'turn', type: 'Int64' }], []);
    const edits = appendSheetEdits(model, second);
    expect(edits.map((edit) => edit.kind)).toEqual(['insert_rows']);
    for (const edit of edits) model.apply(edit);
    expect(model.rowCount).toBe(4);
    expect(model.rowCells()[3]).toEqual(['aaaa000000000002', '12', undefined, 'chat gpt-4o', 'LLM']);
  });
});

describe('spanOrigins', () => {
  it("gives each span's name and kind from the sheet's name and span_kind columns", () => {
    const sheet = spansToSheet(SPANS, [], [{ key: 'reviewed', value: 'true', type: null }]);
    const model = SheetModel.fromRows(sheet.columns, sheet.rows);
    expect([...spanOrigins(model)]).toEqual([
      ['aaaa000000000001', { name: 'support_agent.run', kind: 'CHAIN' }],
      ['aaaa000000000002', { name: 'chat gpt-4o', kind: 'LLM' }],
    ]);
  });

  it('is empty for a sheet without them', () => {
    expect(spanOrigins(SheetModel.fromRows(standardColumns(), [['aaaa000000000001', '1', '']])).size).toBe(0);
  });
});

describe('newKeyProblems', () => {
  it('names each new key without a name, with a name the store refuses, without a value, or repeated', () => {
    expect(
      newKeyProblems([
        { key: 'reviewed', value: 'true' },
        { key: ' ', value: 'x' },
        { key: '__proto__', value: '1' },
        { key: 'ticket', value: '  ' },
        { key: 'reviewed', value: 'false' },
        { key: 'k'.repeat(257), value: '1' },
        { key: 'a\u0000b', value: '1' },
      ]),
    ).toEqual([
      'New key 2 has no name.',
      "New key 3 cannot be named '__proto__'.",
      "New key 4 ('ticket') has no value.",
      "New key 5 repeats 'reviewed' (new key 1).",
      'New key 6 is longer than 256 characters.',
      'New key 7 holds a control character (U+0000), which a key cannot hold.',
    ]);
    expect(newKeyProblems([{ key: 'reviewed', value: 'true' }])).toEqual([]);
  });
});
