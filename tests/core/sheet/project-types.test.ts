import { describe, expect, it } from 'vitest';
import { autoMapColumns, emptyKindCounts, inferType, projectTypesOf } from '@/core/columns';
import type { CellValue } from '@/core/import';
import { issueMessage } from '@/core/issues';
import { storedPatch } from '@/core/patch';
import { SheetModel } from '@/core/sheet';
import { allIssues, located } from '../helpers';

const ID = 'context.span_id';
const SCORE = 'attributes.metadata.score';
const span = (index: number) => index.toString(16).padStart(16, '0');

function sheetOf(rows: CellValue[][], types: [string, 'Utf8' | 'Int64' | 'Float64'][] = []): SheetModel {
  const { columns } = autoMapColumns([ID, SCORE]);
  return SheetModel.fromRows(columns, rows, new Map(types));
}

/** The stored patch of the sheet's span numbered `index`. */
function patchOf(model: SheetModel, index: number): Record<string, unknown> {
  return storedPatch(model.span(span(index))?.patch ?? []);
}

/** 2,000 rows of scores, one of them `N/A`, as a nightly job writes them. */
function nightlyRows(): CellValue[][] {
  return Array.from({ length: 2_000 }, (_, index) => [
    span(index + 1),
    index === 7 ? 'N/A' : String(index % 5),
  ]);
}

describe('auto typing that knows the project (SPEC §2)', () => {
  it('reads a column of a key the project types Int64 as numbers: the one text cell is an error on that cell', () => {
    const model = sheetOf(nightlyRows(), [['score', 'Int64']]);
    expect(located(model, 'not_a_number')).toEqual([{ row: 8, column: SCORE }]);
    expect(located(model, 'mixed_types_as_text')).toEqual([]);
    const summary = model.summary();
    expect(summary.spansByStatus.blocked).toBe(1);
    expect(summary.spansByStatus.ready).toBe(1_999);
    expect(patchOf(model, 1)).toEqual({ score: 0 });
    const issue = allIssues(model).find((candidate) => candidate.code === 'not_a_number');
    expect(issue && issueMessage(issue)).toMatch(
      /project already stores this key as whole numbers \(Int64\)/,
    );
  });

  it("keeps today's rule for a new key: one text value turns the column into text", () => {
    const model = sheetOf(nightlyRows(), [['other', 'Int64']]);
    expect(located(model, 'not_a_number')).toEqual([]);
    expect(located(model, 'mixed_types_as_text')).toEqual([{ row: null, column: SCORE }]);
    expect(patchOf(model, 1)).toEqual({ score: '0' });
  });

  it('makes a fraction in an Int64 key an error, and takes it in a Float64 key', () => {
    const rows = [
      [span(1), '3'],
      [span(2), '3.5'],
    ];
    expect(located(sheetOf(rows, [['score', 'Int64']]), 'not_a_number')).toEqual([{ row: 2, column: SCORE }]);
    const float = sheetOf(rows, [['score', 'Float64']]);
    expect(located(float, 'not_a_number')).toEqual([]);
    expect(patchOf(float, 2)).toEqual({ score: 3.5 });
  });

  it('reads a key the project types Utf8 as text, numbers included, without a warning', () => {
    const model = sheetOf(
      [
        [span(1), '007'],
        [span(2), '12'],
      ],
      [['score', 'Utf8']],
    );
    expect(patchOf(model, 1)).toEqual({ score: '007' });
    expect(patchOf(model, 2)).toEqual({ score: '12' });
    expect(model.summary().warnings).toBe(0);
  });

  it('keeps a true/false column of a key the project types Utf8 as it was: stored as "true"/"false" text', () => {
    const model = sheetOf([[span(1), 'True']], [['score', 'Utf8']]);
    expect(patchOf(model, 1)).toEqual({ score: 'true' });
    expect(model.summary().errors).toBe(0);
  });

  it('leaves an explicit type alone', () => {
    const { columns } = autoMapColumns([ID, SCORE]);
    const text = columns.map((column) =>
      column.name === SCORE ? { ...column, type: 'string' as const } : column,
    );
    const model = SheetModel.fromRows(text, [[span(1), 'N/A']], new Map([['score', 'Int64']]));
    expect(patchOf(model, 1)).toEqual({ score: 'N/A' });
  });

  it('reads typed cells (JSON, Parquet) of an Int64 key as numbers too', () => {
    const { columns } = autoMapColumns([ID, SCORE], 'typed');
    const model = SheetModel.fromRows(
      columns,
      [
        [span(1), 4],
        [span(2), 'N/A'],
        [span(3), true],
      ],
      new Map([['score', 'Int64']]),
    );
    expect(located(model, 'not_a_number')).toEqual([
      { row: 2, column: SCORE },
      { row: 3, column: SCORE },
    ]);
    expect(patchOf(model, 1)).toEqual({ score: 4 });
  });

  it('rechecks the sheet when the project types arrive, and again when they go', () => {
    const model = sheetOf(nightlyRows());
    expect(model.summary().spansByStatus.blocked ?? 0).toBe(0);
    expect(model.projectTypesChange(new Map([['score', 'Int64']]))).toBe(true);
    expect(model.setProjectTypes(new Map([['score', 'Int64']]))).toBe(true);
    expect(model.summary().spansByStatus.blocked).toBe(1);
    expect(model.setProjectTypes(new Map([['score', 'Int64']]))).toBe(false);
    expect(
      model.setProjectTypes(
        new Map([
          ['score', 'Int64'],
          ['unrelated', 'Utf8'],
        ]),
      ),
    ).toBe(false);
    expect(model.summary().spansByStatus.blocked).toBe(1);
    model.setProjectTypes(new Map());
    expect(model.summary().spansByStatus.blocked ?? 0).toBe(0);
  });

  it('keeps the project types when a sheet is packed and opened, and edits read with them', () => {
    const opened = SheetModel.unpack(sheetOf(nightlyRows(), [['score', 'Int64']]).pack());
    expect(opened.projectTypes.get('score')).toBe('Int64');
    const column = opened.columns[1]?.id ?? '';
    const result = opened.apply({ kind: 'set_cells', cells: [{ row: 0, columnId: column, value: 'oops' }] });
    expect(result.changes.rows).toEqual([0]);
    expect(located(opened, 'not_a_number')).toEqual([
      { row: 1, column: SCORE },
      { row: 8, column: SCORE },
    ]);
  });

  it('infers the project type whatever the counts, and lists the typed fields', () => {
    const counts = { ...emptyKindCounts(), number: 3, text: 1 };
    expect(inferType(counts).type).toBe('string');
    expect(inferType(counts, 'Int64')).toMatchObject({ type: 'number', mixed: null, projectType: 'Int64' });
    expect(inferType(counts, 'Utf8').type).toBe('string');
    expect([
      ...projectTypesOf([
        { key: 'a', type: 'Int64' },
        { key: 'b', type: null },
      ]),
    ]).toEqual([['a', 'Int64']]);
  });
});
