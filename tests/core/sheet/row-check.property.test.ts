import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColumnSettings } from '@/core/columns';
import type { CellValue } from '@/core/import';
import {
  computeRow,
  type MappedColumn,
  quietSingleRowStatus,
  type RowContext,
  RowChecker,
} from '@/core/patch';
import { quietCheckedRowStatus } from '@/core/patch';
import { ColumnCells, SheetModel } from '@/core/sheet';
import { distinctCellsOf } from '@/core/sheet/distinct-cells';

const column = (id: string, target: ColumnSettings['target'], blankPolicy: 'skip' | 'null' = 'skip') =>
  ({ id, name: id, target, type: 'auto', blankPolicy, origin: 'text' }) as ColumnSettings;

const columns: ColumnSettings[] = [
  column('id', { kind: 'span_id' }),
  column('m0', { kind: 'metadata', key: 'm0' }),
  column('m1', { kind: 'metadata', key: 'm1' }, 'null'),
  column('again', { kind: 'metadata', key: 'm0' }),
  column('bad', { kind: 'metadata', key: '' }),
  column('doc', { kind: 'patch_document' }),
];
const pools: Record<string, CellValue[]> = {
  id: ['61dbffb32f20ddb6', '0123456789ABCDEF', ' 0123456789abcdef', '', 'not-otel'],
  m0: ['', ' ', '1', '007', 'true', 'N/A', 'null', '{"a":1}', '[1,[2]]', '1e999', '12345678901234567890'],
  doc: ['', '{"m0":"doc"}', '{"x":1,"m1":null}', '[1]', '{bad', '{"m2":true,"m0":{"d":[1]}}', '"s"'],
};
const poolOf = (id: string) => pools[id] ?? pools.m0 ?? [];

describe('checking rows without making their patches', () => {
  it('says what computing them says, read cell by cell or by distinct cells', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat(), { minLength: columns.length, maxLength: columns.length }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.boolean(),
        (picks, distinct) => {
          const cells = columns.map((settings, index) =>
            picks.map((row) => poolOf(settings.id)[(row[index] ?? 0) % poolOf(settings.id).length]),
          );
          const rowCount = picks.length;
          // The columns' types, as the sheet infers them from these cells.
          const model = SheetModel.fromColumns(
            columns,
            cells.map((column) => [...column]),
            rowCount,
          );
          const mapped: MappedColumn[] = columns.map((settings, index) => {
            const columnCells = ColumnCells.of(cells[index] ?? [], rowCount);
            const info = model.columnInfo(settings.id);
            const reading =
              info === undefined
                ? null
                : {
                    type: info.readType,
                    keptNumericText: info.inference?.keptNumericText ?? false,
                    idLike: false,
                  };
            const found = distinct ? distinctCellsOf(columnCells, rowCount) : null;
            return { column: settings, cells: columnCells, reading, distinct: found?.distinct };
          });
          const context: RowContext = { mapped, spanColumn: mapped[0] ?? null };
          const checker = new RowChecker();
          for (let row = 0; row < rowCount; row++) {
            const plain: RowContext = {
              mapped: mapped.map(({ column: settings, cells: source, reading }) => ({
                column: settings,
                cells: source,
                reading,
              })),
              spanColumn: null,
            };
            plain.spanColumn = plain.mapped[0] ?? null;
            const result = computeRow(row, plain);
            const check = checker.check(row, context);
            const { entries, ...counts } = result;
            expect({
              spanId: check.spanId,
              blank: check.blank,
              issues: check.issues,
              notices: check.notices,
              errorCount: check.errorCount,
              warningCount: check.warningCount,
            }).toEqual(counts);
            expect(check.entryCount).toBe(entries.length);
            expect(quietCheckedRowStatus(check)).toBe(quietSingleRowStatus(result));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a column by its distinct cells only when it has few', () => {
    const few = ColumnCells.of(Array.from({ length: 1000 }, (_, row) => ['ana', 'bo', undefined][row % 3]));
    const found = distinctCellsOf(few, 1000);
    expect(found?.distinct.values).toEqual(['ana', 'bo', undefined]);
    expect([...(found?.rowsPerCell ?? [])]).toEqual([334, 333, 333]);
    expect(found?.distinct.ids.slice(0, 4)).toEqual(new Uint16Array([0, 1, 2, 0]));
    const many = ColumnCells.of(Array.from({ length: 1000 }, (_, row) => `T-${row}`));
    expect(distinctCellsOf(many, 1000)).toBeNull();
    const typed = ColumnCells.of([1, 2, 1]);
    expect(distinctCellsOf(typed, 3)).toBeNull();
  });
});
