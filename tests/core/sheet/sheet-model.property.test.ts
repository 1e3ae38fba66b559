import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColumnSettings, ColumnType } from '@/core/columns';
import type { CellValue } from '@/core/import';
import { NOTICE_CODES, type NoticeCode } from '@/core/issues';
import { computeSpan, quietSingleRowStatus, storedPatch, toStoredForm } from '@/core/patch';
import {
  acceptedAfter,
  BULK_EDIT_ROWS,
  packedSheetTransferables,
  type SheetEdit,
  SheetModel,
} from '@/core/sheet';
import { sheetOf } from '../helpers';

const A = '61dbffb32f20ddb6';
const B = '0123456789abcdef';

const spanIds = [A, B, A.toUpperCase(), ` ${B}`, '', 'not-otel', '  '];
const values = [
  '',
  ' ',
  '1',
  '2.5',
  '007',
  'true',
  'FALSE',
  'N/A',
  'null',
  '{"a":1}',
  '[1,[2]]',
  '1e999',
  '12345678901234567890',
  '17.0',
];
const documents = [
  '',
  '{"m0":"doc"}',
  '{"x":1,"m1":null}',
  '[1]',
  '{bad',
  '{"m2":true,"m0":{"d":[1]}}',
  '"s"',
  '{"__proto__":1}',
];
/** Values of a column read from JSON or Parquet: they keep their type. */
const typedValues: CellValue[] = [
  undefined,
  null,
  true,
  false,
  1,
  2.5,
  { a: 1 },
  [1],
  'text',
  '007',
  'null',
  '',
];
const types: ColumnType[] = ['auto', 'string', 'number', 'boolean', 'json'];

const baseColumns: ColumnSettings[] = [
  {
    id: 'id',
    name: 'context.span_id',
    target: { kind: 'span_id' },
    type: 'auto',
    blankPolicy: 'skip',
    origin: 'text',
  },
  {
    id: 'm0',
    name: 'attributes.metadata.m0',
    target: { kind: 'metadata', key: 'm0' },
    type: 'auto',
    blankPolicy: 'skip',
    origin: 'text',
  },
  {
    id: 'm1',
    name: 'attributes.metadata.m1',
    target: { kind: 'metadata', key: 'm1' },
    type: 'auto',
    blankPolicy: 'null',
    origin: 'text',
  },
  {
    id: 'm2',
    name: 'attributes.metadata.order_id',
    target: { kind: 'metadata', key: 'm2' },
    type: 'auto',
    blankPolicy: 'skip',
    origin: 'text',
  },
  {
    id: 'm3',
    name: 'attributes.metadata.typed',
    target: { kind: 'metadata', key: 'typed' },
    type: 'auto',
    blankPolicy: 'skip',
    origin: 'typed',
  },
  {
    id: 'doc',
    name: 'patch_document',
    target: { kind: 'patch_document' },
    type: 'auto',
    blankPolicy: 'skip',
    origin: 'text',
  },
  { id: 'note', name: 'note', target: { kind: 'ignore' }, type: 'auto', blankPolicy: 'skip', origin: 'text' },
];

const cellFor = (columnId: string, pick: number): CellValue => {
  const pool =
    columnId === 'id' ? spanIds : columnId === 'doc' ? documents : columnId === 'm3' ? typedValues : values;
  return pool[pick % pool.length];
};

const rowArbitrary = fc.array(fc.nat(), { minLength: baseColumns.length, maxLength: baseColumns.length });

/** Edits in terms that survive any sheet shape: fractions resolve to a row or column of the sheet at hand. */
type AbstractEdit =
  | { kind: 'set'; cells: { row: number; column: number; pick: number }[] }
  | { kind: 'insert'; at: number; rows: number[][] }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'retype'; column: number; type: ColumnType }
  | { kind: 'blanks'; column: number }
  | { kind: 'retarget'; column: number; key: string }
  | { kind: 'remove_add'; column: number }
  | { kind: 'accept'; column: number; code: NoticeCode; accepted: boolean };

const fraction = fc.double({ min: 0, max: 0.999, noNaN: true });
const editArbitrary: fc.Arbitrary<AbstractEdit> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      cells: fc.array(fc.record({ row: fraction, column: fraction, pick: fc.nat() }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      rows: fc.array(rowArbitrary, { minLength: 1, maxLength: 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: fraction,
      count: fc.integer({ min: 1, max: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('retype' as const),
      column: fraction,
      type: fc.constantFrom(...types),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('blanks' as const), column: fraction }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('retarget' as const),
      column: fraction,
      key: fc.constantFrom('m0', 'x', ''),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove_add' as const), column: fraction }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('accept' as const),
      column: fraction,
      code: fc.constantFrom(...NOTICE_CODES),
      accepted: fc.boolean(),
    }),
  },
);

function concrete(model: SheetModel, edit: AbstractEdit): SheetEdit | null {
  const columns = model.columns;
  const columnAt = (f: number) => columns[Math.floor(f * columns.length)];
  switch (edit.kind) {
    case 'set': {
      if (model.rowCount === 0) return null;
      const cells = edit.cells.flatMap(({ row, column, pick }) => {
        const target = columnAt(column);
        return target
          ? [{ row: Math.floor(row * model.rowCount), columnId: target.id, value: cellFor(target.id, pick) }]
          : [];
      });
      return { kind: 'set_cells', cells };
    }
    case 'insert': {
      const rows = edit.rows.map((picks) =>
        Object.fromEntries(
          columns.map((column, index) => [column.id, cellFor(column.id, picks[index] ?? 0)]),
        ),
      );
      return { kind: 'insert_rows', at: Math.round(edit.at * model.rowCount), rows };
    }
    case 'delete': {
      if (model.rowCount === 0) return null;
      const at = Math.floor(edit.at * model.rowCount);
      return { kind: 'delete_rows', at, count: Math.min(edit.count, model.rowCount - at) };
    }
    case 'retype': {
      const column = columnAt(edit.column);
      return column ? { kind: 'update_column', columnId: column.id, changes: { type: edit.type } } : null;
    }
    case 'blanks': {
      const column = columnAt(edit.column);
      if (!column) return null;
      return {
        kind: 'update_column',
        columnId: column.id,
        changes: { blankPolicy: column.blankPolicy === 'skip' ? 'null' : 'skip' },
      };
    }
    case 'retarget': {
      const column = columnAt(edit.column);
      if (!column || column.target.kind === 'span_id') return null;
      return {
        kind: 'update_column',
        columnId: column.id,
        changes: { target: { kind: 'metadata', key: edit.key } },
      };
    }
    case 'remove_add': {
      const column = columnAt(edit.column);
      return column && columns.length > 2 ? { kind: 'remove_column', columnId: column.id } : null;
    }
    case 'accept': {
      // Mostly a notice the sheet has, so acceptances are reached; else any conversion (accepted before it shows).
      const notice = model.columnNotices()[Math.floor(edit.column * 4)];
      const column = notice
        ? columns.find((candidate) => candidate.id === notice.columnId)
        : columnAt(edit.column);
      if (!column) return null;
      return {
        kind: 'update_column',
        columnId: column.id,
        changes: acceptedAfter(column, notice?.code ?? edit.code, edit.accepted),
      };
    }
  }
}

/** Everything the model answers, as plain data. */
function snapshot(model: SheetModel) {
  return {
    columns: model.columns.map((column) => ({ column, info: model.columnInfo(column.id) })),
    cells: model.rowCells(),
    rows: Array.from({ length: model.rowCount }, (_, row) => ({
      result: model.rowResult(row),
      issues: model.rowIssues(row),
      status: model.rowStatus(row),
    })),
    spans: model.spans(),
    summary: model.summary(),
    submittable: model.submittableSpans(),
    examples: model.columnNotices().map((notice) => model.noticeExample(notice.columnId, notice.code)),
  };
}

const fromScratch = (model: SheetModel) =>
  SheetModel.fromRows(model.columns, model.rowCells(), model.projectTypes);

/** Keys a project already types (SPEC §2), among the sheet's keys and one it does not have. */
const projectTypesArbitrary = fc
  .subarray([
    ['m0', 'Int64'],
    ['m1', 'Float64'],
    ['m2', 'Utf8'],
    ['typed', 'Int64'],
    ['x', 'Utf8'],
  ] as const)
  .map((entries) => new Map<string, 'Utf8' | 'Int64' | 'Float64'>(entries));

const initialRows = fc.array(rowArbitrary, { minLength: 0, maxLength: 7 });
const build = (rows: number[][]) =>
  SheetModel.fromRows(
    baseColumns,
    rows.map((picks) => baseColumns.map((column, index) => cellFor(column.id, picks[index] ?? 0))),
  );

describe('the incremental sheet model', () => {
  it('equals a from-scratch recompute after any sequence of edits', () => {
    // The states the runs went through, so the test says if it stopped reaching column notices.
    const seen = { notices: 0, accepted: 0, typedNotices: 0 };
    fc.assert(
      fc.property(initialRows, fc.array(editArbitrary, { minLength: 1, maxLength: 12 }), (rows, edits) => {
        const model = build(rows);
        for (const edit of edits) {
          const real = concrete(model, edit);
          if (real) model.apply(real);
          expect(snapshot(model)).toEqual(snapshot(fromScratch(model)));
          const notices = model.columnNotices();
          if (notices.length > 0) seen.notices++;
          if (notices.some((notice) => notice.accepted)) seen.accepted++;
          if (notices.some((notice) => notice.columnId === 'm3')) seen.typedNotices++;
        }
      }),
      { numRuns: 1000 },
    );
    expect(seen.notices).toBeGreaterThan(100);
    expect(seen.accepted).toBeGreaterThan(50);
    expect(seen.typedNotices).toBeGreaterThan(10);
  });

  it('reads the keys the project types as their type, after any edits and any change of the types', () => {
    const seen = { projectErrors: 0 };
    fc.assert(
      fc.property(
        initialRows,
        projectTypesArbitrary,
        fc.array(
          fc.oneof(
            editArbitrary.map((edit) => ({ edit })),
            projectTypesArbitrary.map((types) => ({ types })),
          ),
          {
            minLength: 1,
            maxLength: 10,
          },
        ),
        (rows, types, steps) => {
          const model = build(rows);
          model.setProjectTypes(types);
          expect(snapshot(model)).toEqual(snapshot(fromScratch(model)));
          for (const step of steps) {
            if ('types' in step) {
              const predicted = model.projectTypesChange(step.types);
              expect(model.setProjectTypes(step.types)).toBe(predicted);
            } else {
              const real = concrete(model, step.edit);
              if (real) {
                const predicted = model.needsFullRecheck(real);
                expect(predicted).toBe(model.apply(real).changes.rows === 'all');
              }
            }
            expect(snapshot(model)).toEqual(snapshot(fromScratch(model)));
            // Copied, not transferred: the model goes on being edited.
            const opened = SheetModel.unpack(structuredClone(model.pack()));
            expect(snapshot(opened)).toEqual(snapshot(fromScratch(model)));
            const summary = model.summary();
            if ((summary.byCode.not_a_number ?? 0) > 0) seen.projectErrors++;
          }
        },
      ),
      { numRuns: 500 },
    );
    expect(seen.projectErrors).toBeGreaterThan(50);
  });

  it('opens a packed sheet, as a worker posts it, to the same answers, and goes on editing it incrementally', () => {
    fc.assert(
      fc.property(
        initialRows,
        fc.array(editArbitrary, { maxLength: 6 }),
        fc.array(editArbitrary, { minLength: 1, maxLength: 6 }),
        (rows, before, after) => {
          const model = build(rows);
          for (const edit of before) {
            const real = concrete(model, edit);
            if (real) model.apply(real);
          }
          const expected = snapshot(model);
          // Through a structured clone with the buffers transferred, as postMessage does between threads.
          const packed = model.pack();
          const opened = SheetModel.unpack(
            structuredClone(packed, { transfer: packedSheetTransferables(packed) }),
          );
          expect(snapshot(opened)).toEqual(expected);
          for (const edit of after) {
            const real = concrete(opened, edit);
            if (real) opened.apply(real);
            expect(snapshot(opened)).toEqual(snapshot(fromScratch(opened)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads its spans a place at a time as it lists them: the same IDs, in order, with their statuses', () => {
    fc.assert(
      fc.property(initialRows, fc.array(editArbitrary, { maxLength: 8 }), (rows, edits) => {
        const model = build(rows);
        for (const edit of edits) {
          const real = concrete(model, edit);
          if (real) model.apply(real);
          const order = model.spanOrder();
          const spanIds = model.spanIds();
          expect(order.length).toBe(spanIds.length);
          expect(order.ids(0, order.length)).toEqual(spanIds);
          expect(order.ids(1, 3)).toEqual(spanIds.slice(1, 3));
          spanIds.forEach((spanId, index) => {
            expect(order.id(index)).toBe(spanId);
            expect(order.status(index)).toBe(model.spanStatus(spanId));
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('says beforehand exactly which edits recompute the whole sheet', () => {
    const seen = { full: 0, incremental: 0 };
    fc.assert(
      fc.property(initialRows, fc.array(editArbitrary, { minLength: 1, maxLength: 10 }), (rows, edits) => {
        const model = build(rows);
        for (const edit of edits) {
          const real = concrete(model, edit);
          if (!real) continue;
          const predicted = model.needsFullRecheck(real);
          const { changes } = model.apply(real);
          expect(predicted).toBe(changes.rows === 'all');
          seen[predicted ? 'full' : 'incremental']++;
        }
      }),
      { numRuns: 500 },
    );
    expect(seen.full).toBeGreaterThan(100);
    expect(seen.incremental).toBeGreaterThan(100);
  });

  it('restores the exact previous results when an edit is followed by its inverse', () => {
    fc.assert(
      fc.property(initialRows, fc.array(editArbitrary, { minLength: 1, maxLength: 8 }), (rows, edits) => {
        const model = build(rows);
        const before = snapshot(model);
        const inverses: SheetEdit[] = [];
        for (const edit of edits) {
          const real = concrete(model, edit);
          if (!real) continue;
          const step = snapshot(model);
          const { inverse } = model.apply(real);
          const { inverse: redo } = model.apply(inverse);
          expect(snapshot(model)).toEqual(step);
          inverses.push(model.apply(redo).inverse);
        }
        for (const inverse of inverses.reverse()) model.apply(inverse);
        expect(snapshot(model)).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('takes the quiet shortcut for a one-row span only when computeSpan would say nothing more', () => {
    fc.assert(
      fc.property(initialRows, (rows) => {
        const model = build(rows);
        const spanColumn = model.columns[0];
        if (!spanColumn) return;
        for (const spanId of model.spanIds()) {
          const rowNumbers = model.spanRowNumbers(spanId);
          if (rowNumbers.length !== 1) continue;
          const row = model.rowResult((rowNumbers[0] ?? 1) - 1);
          const quiet = quietSingleRowStatus(row);
          if (quiet === null) continue;
          const full = computeSpan(spanId, [(rowNumbers[0] ?? 1) - 1], () => row, spanColumn);
          expect({ status: quiet, issues: [] }).toEqual({ status: full.status, issues: full.issues });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reports the rows an edit of cells changed, and only those', () => {
    const model = build([
      [0, 1, 1, 1, 0, 0],
      [1, 2, 2, 2, 0, 0],
      [0, 1, 1, 1, 1, 0],
    ]);
    const { changes } = model.apply({
      kind: 'set_cells',
      cells: [{ row: 1, columnId: 'doc', value: '{"m0":"x"}' }],
    });
    expect(changes).toEqual({ rows: [1], spans: [B], columns: [] });
  });

  it('reports a column whose inferred type flips, and recomputes its rows', () => {
    const model = sheetOf(
      ['context.span_id', 'attributes.metadata.n'],
      [
        [A, '1'],
        [B, '2'],
      ],
    );
    expect(model.columnInfo('c1')?.readType).toBe('number');
    const { changes } = model.apply({ kind: 'set_cells', cells: [{ row: 1, columnId: 'c1', value: 'two' }] });
    expect(changes.columns).toEqual(['c1']);
    expect(model.columnInfo('c1')?.readType).toBe('string');
    expect(model.span(A)?.patch[0]?.stored).toBe('1');
  });
});

describe('properties of the merged patch', () => {
  const jsonScalar = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );

  it('lets patch_document win over a column for the same key', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.string(),
        jsonScalar,
        (key, columnValue, documentValue) => {
          fc.pre(!['__proto__', 'constructor', 'prototype'].includes(key) && key.trim() === key);
          fc.pre(toStoredForm(documentValue).ok);
          const model = sheetOf(
            ['context.span_id', `attributes.metadata.${key}`, 'patch_document'],
            [[A, columnValue, JSON.stringify({ [key]: documentValue })]],
            { [`attributes.metadata.${key}`]: { type: 'string' } },
          );
          const expected = toStoredForm(documentValue);
          const entry = model.span(A)?.patch.find((candidate) => candidate.key === key);
          expect(entry?.fromPatchDocument).toBe(true);
          expect(expected.ok && entry?.stored).toEqual(expected.ok && expected.stored);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never serializes NaN or Infinity: every stored number is finite and JSON round-trips', () => {
    const anyCell = fc.oneof(
      fc.constantFrom('NaN', 'Infinity', '-inf', '1e400', '-1e999', 'nan', '{"a": NaN}', '[Infinity]'),
      fc.string(),
      fc.double().map(String),
      fc.json(),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(anyCell, anyCell, fc.constantFrom<ColumnType>(...types)), {
          minLength: 1,
          maxLength: 6,
        }),
        (rows) => {
          for (const [value, document, type] of rows) {
            const model = sheetOf(
              ['context.span_id', 'attributes.metadata.v', 'patch_document'],
              [[A, value, document]],
              { 'attributes.metadata.v': { type } },
            );
            for (const span of model.submittableSpans()) {
              // JSON.stringify would silently turn NaN into null: a round trip that changes nothing proves none is there.
              expect(JSON.parse(JSON.stringify(span))).toEqual(span);
              for (const stored of Object.values(span.patch_document)) {
                if (typeof stored === 'number') expect(Number.isFinite(stored)).toBe(true);
              }
            }
            const span = model.span(A);
            if (span) expect(JSON.stringify(storedPatch(span.patch))).not.toMatch(/:(NaN|-?Infinity)\b/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('a bulk edit of cells (a fill down a large part of the sheet)', () => {
  it('recomputes every row once, says so beforehand, and gives the same answers as a sheet built from scratch', () => {
    const rows = BULK_EDIT_ROWS + 500;
    const model = build(Array.from({ length: rows }, (_, row) => baseColumns.map((_, index) => row + index)));
    const before = snapshot(model);
    const bulk: SheetEdit = {
      kind: 'set_cells',
      cells: Array.from({ length: BULK_EDIT_ROWS }, (_, row) => ({ row, columnId: 'm0', value: 'checked' })),
    };
    expect(model.needsFullRecheck(bulk)).toBe(true);
    const { changes, inverse } = model.apply(bulk);
    expect(changes.rows).toBe('all');
    expect(snapshot(model)).toEqual(snapshot(fromScratch(model)));
    model.apply(inverse);
    expect(snapshot(model)).toEqual(before);

    // Fewer rows than that, or only a small part of a larger sheet: row by row, as before.
    const small: SheetEdit = { ...bulk, cells: bulk.cells.slice(0, BULK_EDIT_ROWS - 1) };
    expect(model.needsFullRecheck(small)).toBe(false);
    expect(model.apply(small).changes.rows).not.toBe('all');
    expect(snapshot(model)).toEqual(snapshot(fromScratch(model)));
  });
});
