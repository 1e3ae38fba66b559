import {
  type CellSource,
  type ColumnReading,
  type ColumnSettings,
  emptyKindCounts,
  type Inference,
  inferenceKind,
  infersType,
  inferType,
  type KindCounts,
  NO_PROJECT_TYPES,
  projectTypeOf,
  type ProjectTypes,
} from '@/core/columns';
import type { CellValue } from '@/core/import';
import { type Issue, makeIssue } from '@/core/issues';
import type { DistinctCells } from '@/core/patch';
import { countsKinds, readingOf, sameCounts, sameInference } from './column-reading';
import { distinctCellsOf } from './distinct-cells';

/** How a metadata column reads its cells: the counts of its cells by kind, the type inferred, what is said. */
export interface ColumnState {
  counts: KindCounts;
  inference: Inference;
  reading: ColumnReading;
  issues: Issue[];
}

/** A column's counts and inference, as a worker posts them. */
export type PackedInference = { counts: KindCounts; inference: Inference };

/** What a column's new inference changed: its type (every row reads anew), or only its mix of kinds. */
export interface InferenceChange {
  flipped: boolean;
  changed: boolean;
}

/**
 * What counting a column's cells found that the recompute after it reads instead of the cells: the column's
 * distinct cells (`DistinctCells`), or its JSON cells parsed while they were counted (by row).
 */
export interface CountedCells {
  distinct?: DistinctCells;
  parsedJson?: Map<number, unknown>;
}

/** A column's state from its counts: how it reads its cells and what is said about it. */
function stateOf(column: ColumnSettings, counts: KindCounts, inference: Inference): ColumnState {
  const issues =
    inference.mixed && infersType(column)
      ? [makeIssue({ code: 'mixed_types_as_text', counts: inference.mixed }, null, column)]
      : [];
  return { counts, inference, reading: readingOf(column, inference), issues };
}

/**
 * The state of each metadata column of a sheet (SPEC §2): its cells counted by kind, kept up to date cell by cell,
 * and the type inferred from the counts. A change of inferred type means every row reads the column anew.
 */
export class ColumnStates {
  private readonly states = new Map<string, ColumnState>();
  /** The keys the project already types: an `auto` column of one reads as its type (SPEC §2). */
  projectTypes: ProjectTypes = NO_PROJECT_TYPES;

  /** A column's type inferred from its counts, or the project's type of its key. */
  private inferOf(column: ColumnSettings, counts: KindCounts): Inference {
    return inferType(counts, projectTypeOf(column, this.projectTypes));
  }

  get(columnId: string): ColumnState | undefined {
    return this.states.get(columnId);
  }

  /** Every column's issues (a mixed column read as text). */
  issues(): Issue[][] {
    return Array.from(this.states.values(), (state) => state.issues);
  }

  pack(): [string, PackedInference][] {
    return [...this.states].map(([id, state]) => [id, { counts: state.counts, inference: state.inference }]);
  }

  /**
   * Counts every cell of every metadata column again. Returns, per metadata or patch_document column, what the
   * count found for the recompute that follows: its distinct cells (each then read once) or, for a column of
   * many, its cells parsed as JSON while they were counted (by row), so a JSON cell is parsed once.
   */
  rebuild(
    columns: readonly ColumnSettings[],
    cellsOf: (columnId: string) => CellSource,
    rowCount: number,
  ): Map<string, CountedCells> {
    this.states.clear();
    const counted = new Map<string, CountedCells>();
    for (const column of columns) {
      const { kind } = column.target;
      if (kind !== 'metadata' && kind !== 'patch_document') continue;
      const cells = cellsOf(column.id);
      const found = distinctCellsOf(cells, rowCount);
      if (found !== null) counted.set(column.id, { distinct: found.distinct });
      if (kind !== 'metadata') continue;
      const counts = emptyKindCounts();
      const idLike = readingOf(column, inferType(counts)).idLike;
      const values = new Map<number, unknown>();
      const parsedByCell: unknown[] = [];
      if (countsKinds(column) && found !== null) {
        // Each distinct cell is classified once, counted as many times as rows hold it.
        const { distinct, rowsPerCell } = found;
        let id = 0;
        const keep = (value: unknown) => (parsedByCell[id] = value);
        for (; id < distinct.values.length; id++) {
          const cellKind = inferenceKind(distinct.values[id], idLike, column.origin, keep);
          if (cellKind !== null) counts[cellKind] += rowsPerCell[id] ?? 0;
        }
      } else if (countsKinds(column)) {
        let row = 0;
        // NOTE: one function per column, not one per cell: a million cells are counted here.
        const keep = (value: unknown) => values.set(row, value);
        for (; row < rowCount; row++) {
          const cellKind = inferenceKind(cells.get(row), idLike, column.origin, keep);
          if (cellKind !== null) counts[cellKind]++;
        }
      }
      const state = stateOf(column, counts, this.inferOf(column, counts));
      this.states.set(column.id, state);
      if (state.reading.type !== 'json') continue;
      if (found !== null && parsedByCell.length > 0) found.distinct.parsedJson = parsedByCell;
      else if (values.size > 0) counted.set(column.id, { parsedJson: values });
    }
    return counted;
  }

  /** The states a worker counted (`pack`), without reading a cell. */
  restore(columns: readonly ColumnSettings[], packed: readonly [string, PackedInference][]): void {
    this.states.clear();
    const known = new Map(packed);
    for (const column of columns) {
      const inference = known.get(column.id);
      if (column.target.kind !== 'metadata' || !inference) continue;
      this.states.set(column.id, stateOf(column, inference.counts, inference.inference));
    }
  }

  /** Counts a cell's change in its column (`old` out, `next` in); false when the column counts no cells. */
  countChange(column: ColumnSettings, old: CellValue, next: CellValue): boolean {
    const state = this.states.get(column.id);
    if (!state || !countsKinds(column)) return false;
    const out = inferenceKind(old, state.reading.idLike, column.origin);
    if (out !== null) state.counts[out]--;
    const into = inferenceKind(next, state.reading.idLike, column.origin);
    if (into !== null) state.counts[into]++;
    return true;
  }

  /**
   * Whether cells changing in a column (`[old, next]` pairs, in order) would change the type it is read as: then
   * every row reads it anew. Counts nothing.
   */
  wouldFlip(column: ColumnSettings, changes: readonly [CellValue, CellValue][]): boolean {
    const state = this.states.get(column.id);
    if (!state || !countsKinds(column)) return false;
    const counts = { ...state.counts };
    for (const [old, next] of changes) {
      const out = inferenceKind(old, state.reading.idLike, column.origin);
      if (out !== null) counts[out]--;
      const into = inferenceKind(next, state.reading.idLike, column.origin);
      if (into !== null) counts[into]++;
    }
    return !sameInference(this.inferOf(column, counts), state.inference);
  }

  /** Counts blank rows added (`rows` > 0) or dropped (< 0) at the bottom. */
  countBlankRows(columns: readonly ColumnSettings[], rows: number): void {
    for (const column of columns) {
      const state = this.states.get(column.id);
      if (state && countsKinds(column)) state.counts.blank += rows;
    }
  }

  /**
   * Infers a column's type again from its counts; `onIssues` counts its issues out (−1) and in (+1) of the
   * summary. Says whether the type flipped (every row reads the column anew) or only its mix of kinds changed.
   */
  infer(column: ColumnSettings, onIssues: (issues: readonly Issue[], sign: 1 | -1) => void): InferenceChange {
    const state = this.states.get(column.id);
    if (!state) return { flipped: false, changed: false };
    const inference = this.inferOf(column, state.counts);
    const flipped = !sameInference(inference, state.inference);
    const changed = flipped || !sameCounts(inference.mixed, state.inference.mixed);
    onIssues(state.issues, -1);
    const next = stateOf(column, state.counts, inference);
    this.states.set(column.id, next);
    onIssues(next.issues, 1);
    return { flipped, changed };
  }
}
