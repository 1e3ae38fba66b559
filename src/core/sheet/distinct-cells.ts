import type { CellSource } from '@/core/columns';
import type { CellValue } from '@/core/import';
import type { DistinctCells } from '@/core/patch';

/** Most distinct cells a column is read by as a dictionary (`DistinctCells`); past it, it is read cell by cell. */
export const MAX_DISTINCT_CELLS = 4096;

/**
 * A column's cells as a dictionary, with how many rows hold each distinct cell, when it has few distinct cells
 * (at most a quarter of its rows, or 16, and `MAX_DISTINCT_CELLS`): booleans, tiers, reviewers, languages. Null
 * for a column of many distinct cells (IDs, notes, scores) or of typed values (JSON, Parquet), read cell by cell.
 */
export function distinctCellsOf(
  cells: CellSource,
  rowCount: number,
): { distinct: DistinctCells; rowsPerCell: Uint32Array } | null {
  const limit = Math.min(MAX_DISTINCT_CELLS, Math.max(16, rowCount >> 2));
  const index = new Map<string | undefined, number>();
  const values: CellValue[] = [];
  const ids = new Uint16Array(rowCount);
  for (let row = 0; row < rowCount; row++) {
    const cell = cells.get(row);
    if (typeof cell !== 'string' && cell !== undefined) return null;
    let id = index.get(cell);
    if (id === undefined) {
      if (values.length >= limit) return null;
      id = values.length;
      values.push(cell);
      index.set(cell, id);
    }
    ids[row] = id;
  }
  const rowsPerCell = new Uint32Array(values.length);
  for (let row = 0; row < rowCount; row++) {
    const id = ids[row] ?? 0;
    rowsPerCell[id] = (rowsPerCell[id] ?? 0) + 1;
  }
  return {
    distinct: { ids, values, reads: [], documents: [], prepared: [], preparedDocuments: [] },
    rowsPerCell,
  };
}
