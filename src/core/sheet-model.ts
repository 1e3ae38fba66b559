import { assertUnreachable } from './assert';
import {
  type CellValue,
  type ColumnReading,
  emptyKindCounts,
  type Inference,
  inferenceKind,
  infersType,
  inferType,
  type KindCounts,
  type ReadType,
} from './cell-reading';
import {
  type ColumnNotice,
  columnNoticesOf,
  findNoticeExample,
  type NoticeExample,
  NoticeTally,
} from './column-notices';
import { countsKinds, isDisplayOnlyChange, readingOf, sameCounts, sameInference } from './column-reading';
import type { ColumnSettings, ColumnSettingsPatch } from './columns';
import { type Issue, type IssueCode, makeIssue, type NoticeCode } from './issues';
import {
  BLANK_ROW,
  computeRow,
  type MappedColumn,
  type RowContext,
  type RowResult,
  spanIdOfRow,
} from './row-patch';
import { checkSheetColumns, type SheetIssue } from './sheet-issues';
import {
  computeSpan,
  isSubmittable,
  quietSingleRowStatus,
  SPAN_STATUSES,
  type SpanResult,
  type SpanStatus,
  storedPatch,
} from './span-patch';
import type { StoredValue } from './stored-form';

/** One row's cells by column id, as carried by row insertions and deletions. */
export type RowValues = Record<string, CellValue>;
/** One cell to set: 0-based row index and the column's id. */
export interface CellChange {
  row: number;
  columnId: string;
  value: CellValue;
}
export type ColumnChanges = ColumnSettingsPatch;

/** Every change a user can make to a sheet, as data: the inverse of each is an edit too (undo, redo). */
export type SheetEdit =
  | { kind: 'set_cells'; cells: CellChange[] }
  | { kind: 'insert_rows'; at: number; rows: RowValues[] }
  | { kind: 'delete_rows'; at: number; count: number }
  | { kind: 'add_column'; at: number; column: ColumnSettings; cells?: CellValue[] }
  | { kind: 'remove_column'; columnId: string }
  | { kind: 'update_column'; columnId: string; changes: ColumnChanges };

/** What an edit changed, so a view re-renders only that: 0-based row indexes, span IDs, column ids. */
export interface SheetChanges {
  rows: number[] | 'all';
  spans: string[] | 'all';
  columns: string[] | 'all';
}

export interface EditResult {
  inverse: SheetEdit;
  changes: SheetChanges;
}

/** The counts a summary shows, kept up to date edit by edit. */
export interface SheetSummary {
  rows: number;
  blankRows: number;
  spans: number;
  spansByStatus: Record<SpanStatus, number>;
  rowsWithErrors: number;
  rowsWithWarnings: number;
  errors: number;
  warnings: number;
  byCode: Partial<Record<IssueCode, number>>;
  sheetIssues: SheetIssue[];
  /**
   * Conversions of whole columns, one notice each instead of a warning per cell: not in `warnings` or
   * `byCode`. Those not accepted still need attention.
   */
  notices: ColumnNotice[];
}

/** How many spans a submit sends (`isSubmittable`): those ready or with warnings, none while the sheet is blocked. */
export function submittableCount(summary: SheetSummary): number {
  const sheetBlocked = summary.sheetIssues.length > 0;
  let count = 0;
  for (const status of SPAN_STATUSES) {
    if (isSubmittable(status, sheetBlocked)) count += summary.spansByStatus[status];
  }
  return count;
}

/** How a metadata column reads its cells, and what is said about the column as a whole. */
export interface ColumnInfo {
  readType: ReadType | 'typed';
  inference: Inference | null;
  issues: Issue[];
}

/** A span as it is submitted. */
export interface SubmittableSpan {
  span_id: string;
  patch_document: Record<string, StoredValue>;
}

export type RowStatus = 'blank' | 'error' | 'warning' | 'ok';

interface ColumnState {
  origin: ColumnSettings['origin'];
  counts: KindCounts;
  inference: Inference;
  reading: ColumnReading;
  issues: Issue[];
}

const ERROR_FLAG = 1;
const WARNING_FLAG = 2;
const BLANK_FLAG = 4;

/** A span's status and span-wide issues: what the counts need, without its patch. */
type SpanTally = Pick<SpanResult, 'status' | 'issues'>;

/** Shared tallies of spans without span-wide issues: most spans, so no object each. */
const QUIET_TALLIES: Record<SpanStatus, SpanTally> = {
  ready: Object.freeze({ status: 'ready', issues: [] }),
  warnings: Object.freeze({ status: 'warnings', issues: [] }),
  blocked: Object.freeze({ status: 'blocked', issues: [] }),
  empty: Object.freeze({ status: 'empty', issues: [] }),
};

/** The flag bits of a row's own issues. */
function flagsOf(result: RowResult): number {
  if (result.blank) return BLANK_FLAG;
  return (result.errorCount > 0 ? ERROR_FLAG : 0) | (result.warningCount > 0 ? WARNING_FLAG : 0);
}

function emptyStatusCounts(): Record<SpanStatus, number> {
  return { ready: 0, warnings: 0, blocked: 0, empty: 0 };
}

/** Flags (0-based row → error/warning bits) of the issues located on rows. */
function issueFlagsByRow(issues: readonly Issue[]): Map<number, number> {
  const flags = new Map<number, number>();
  for (const issue of issues) {
    if (issue.row === null) continue;
    const flag = issue.severity === 'error' ? ERROR_FLAG : WARNING_FLAG;
    flags.set(issue.row - 1, (flags.get(issue.row - 1) ?? 0) | flag);
  }
  return flags;
}

/**
 * The sheet and everything computed from it. After an edit of cells it recomputes only what changed: those rows,
 * the spans they belong to (before and after), a column's inferred type when it flips, and the summary counts.
 * Row insertions or deletions in the middle and column changes recompute the sheet, as they move every row.
 */
export class SheetModel {
  private columnList: ColumnSettings[];
  private readonly cellsById = new Map<string, CellValue[]>();
  private count: number;
  private readonly columnStates = new Map<string, ColumnState>();
  /** Per row: its span ID, null when blank or without one. Row results are computed on demand, not kept. */
  private rowSpanIds: (string | null)[] = [];
  /** Per row: the error, warning and blank bits of its own issues. */
  private ownFlags: number[] = [];
  /** Per row: its own error and warning bits with those of its span's issues located on it. */
  private rowFlags: number[] = [];
  private readonly spanRows = new Map<string, number[]>();
  /** Per span: its status and span-wide issues, enough to keep the counts; the patch is computed on demand. */
  private readonly spanTallies = new Map<string, SpanTally>();
  private sheetIssueList: SheetIssue[] = [];
  private context: RowContext;
  private errors = 0;
  private warnings = 0;
  private readonly byCode = new Map<IssueCode, number>();
  private readonly notices = new NoticeTally();
  private spansByStatus = emptyStatusCounts();
  private rowsWithErrors = 0;
  private rowsWithWarnings = 0;
  private blankRows = 0;

  /**
   * @param columns the sheet's columns, left to right (ids unique)
   * @param columnCells one array of cells per column, aligned with `columns`
   * @param rowCount number of rows; shorter cell arrays are padded with blanks
   */
  constructor(columns: readonly ColumnSettings[], columnCells: readonly CellValue[][], rowCount: number) {
    const ids = new Set(columns.map((column) => column.id));
    if (ids.size !== columns.length) throw new Error('Column ids must be unique');
    this.columnList = [...columns];
    this.count = rowCount;
    columns.forEach((column, index) => {
      const cells = columnCells[index]?.slice(0, rowCount) ?? [];
      cells.length = rowCount;
      this.cellsById.set(column.id, cells);
    });
    this.context = this.makeContext();
    this.rebuild();
  }

  /** A model from rows of cells aligned with `columns` (the shape files are read in). */
  static fromRows(columns: readonly ColumnSettings[], rows: readonly (readonly CellValue[])[]): SheetModel {
    const columnCells = columns.map((_, index) => rows.map((row) => row[index]));
    return new SheetModel(columns, columnCells, rows.length);
  }

  get columns(): readonly ColumnSettings[] {
    return this.columnList;
  }

  get rowCount(): number {
    return this.count;
  }

  /** The cell at a 0-based row of a column. */
  cell(row: number, columnId: string): CellValue {
    return this.cellsById.get(columnId)?.[row];
  }

  /** All cells of one column, top to bottom (read-only: edit through `apply`). */
  columnCells(columnId: string): readonly CellValue[] {
    return this.cellsById.get(columnId) ?? [];
  }

  /** The result of a 0-based row (its patch entries and issues), computed from its cells. */
  rowResult(row: number): RowResult {
    if (row < 0 || row >= this.count) return BLANK_ROW;
    return computeRow(row, this.context);
  }

  /** Everything said about a 0-based row: its own issues and those of its span located on it. */
  rowIssues(row: number): Issue[] {
    const result = this.rowResult(row);
    const span = result.spanId === null ? undefined : this.spanTallies.get(result.spanId);
    const spanIssues = span ? span.issues.filter((issue) => issue.row === row + 1) : [];
    return spanIssues.length === 0 ? result.issues : [...result.issues, ...spanIssues];
  }

  /** The issues shown on one cell. */
  cellIssues(row: number, columnId: string): Issue[] {
    return this.rowIssues(row).filter((issue) => issue.columnId === columnId);
  }

  rowStatus(row: number): RowStatus {
    if ((this.ownFlags[row] ?? BLANK_FLAG) & BLANK_FLAG) return 'blank';
    const flags = this.rowFlags[row] ?? 0;
    return flags & ERROR_FLAG ? 'error' : flags & WARNING_FLAG ? 'warning' : 'ok';
  }

  /** One span's merged patch, computed from its rows. */
  span(spanId: string): SpanResult | undefined {
    const rows = this.spanRows.get(spanId);
    const spanColumn = this.context.spanColumn?.column;
    if (!rows || rows.length === 0 || !spanColumn) return undefined;
    return computeSpan(spanId, rows, (index) => this.rowResult(index), spanColumn);
  }

  /** The span IDs of the sheet, in the order of their first row. */
  spanIds(): string[] {
    return [...this.spanRows].sort((a, b) => (a[1][0] ?? 0) - (b[1][0] ?? 0)).map(([spanId]) => spanId);
  }

  /** The 1-based rows of a span, in sheet order. */
  spanRowNumbers(spanId: string): number[] {
    return (this.spanRows.get(spanId) ?? []).map((index) => index + 1);
  }

  /** A span's status without computing its patch. */
  spanStatus(spanId: string): SpanStatus | undefined {
    return this.spanTallies.get(spanId)?.status;
  }

  /** All spans, in the order of their first row (computes every patch: for a whole-sheet view or a submit). */
  spans(): SpanResult[] {
    return this.spanIds().flatMap((spanId) => this.span(spanId) ?? []);
  }

  columnInfo(columnId: string): ColumnInfo | undefined {
    const state = this.columnStates.get(columnId);
    if (!state) return undefined;
    const column = this.columnList.find((candidate) => candidate.id === columnId);
    return {
      readType: state.reading.type,
      inference: column && infersType(column) ? state.inference : null,
      issues: state.issues,
    };
  }

  get sheetIssues(): readonly SheetIssue[] {
    return this.sheetIssueList;
  }

  summary(): SheetSummary {
    return {
      rows: this.count,
      blankRows: this.blankRows,
      spans: this.spanTallies.size,
      spansByStatus: { ...this.spansByStatus },
      rowsWithErrors: this.rowsWithErrors,
      rowsWithWarnings: this.rowsWithWarnings,
      errors: this.errors,
      warnings: this.warnings,
      byCode: Object.fromEntries(this.byCode),
      sheetIssues: this.sheetIssueList,
      notices: this.columnNotices(),
    };
  }

  /** The sheet's column notices, left to right: conversions of whole columns, accepted or not. */
  columnNotices(): ColumnNotice[] {
    return columnNoticesOf(this.columnList, (columnId, code) => this.notices.count(columnId, code));
  }

  /** The first cell a column notice applies to, to show what it does (read on demand: one pass at most). */
  noticeExample(columnId: string, code: NoticeCode): NoticeExample | null {
    const column = this.columnList.find((candidate) => candidate.id === columnId);
    const state = this.columnStates.get(columnId);
    if (!column || !state) return null;
    return findNoticeExample(code, this.columnCells(columnId), column, state.reading, (row) =>
      Boolean((this.ownFlags[row] ?? BLANK_FLAG) & BLANK_FLAG),
    );
  }

  /** The spans that will be submitted (`isSubmittable`): no errors, something to change, and a sheet not blocked. */
  submittableSpans(): SubmittableSpan[] {
    if (submittableCount(this.summary()) === 0) return [];
    const sheetBlocked = this.sheetIssueList.length > 0;
    const spans: SubmittableSpan[] = [];
    for (const spanId of this.spanIds()) {
      const status = this.spanTallies.get(spanId)?.status;
      if (status === undefined || !isSubmittable(status, sheetBlocked)) continue;
      const span = this.span(spanId);
      if (span) spans.push({ span_id: spanId, patch_document: storedPatch(span.patch) });
    }
    return spans;
  }

  /** The sheet's raw cells, row by row, aligned with `columns`. */
  rowCells(): CellValue[][] {
    const columns = this.columnList.map((column) => this.cellsById.get(column.id) ?? []);
    return Array.from({ length: this.count }, (_, row) => columns.map((cells) => cells[row]));
  }

  /** Applies an edit; returns its inverse (for undo) and what changed (for rendering). */
  apply(edit: SheetEdit): EditResult {
    switch (edit.kind) {
      case 'set_cells':
        return this.setCells(edit.cells);
      case 'insert_rows':
        return this.insertRows(edit.at, edit.rows);
      case 'delete_rows':
        return this.deleteRows(edit.at, edit.count);
      case 'add_column':
        return this.addColumn(edit.at, edit.column, edit.cells);
      case 'remove_column':
        return this.removeColumn(edit.columnId);
      case 'update_column':
        return this.updateColumn(edit.columnId, edit.changes);
      default:
        return assertUnreachable(edit);
    }
  }

  // ---- edits ----

  private setCells(cells: readonly CellChange[]): EditResult {
    for (const change of cells) this.checkCell(change.row, change.columnId);
    // The rows' results before the change, to take their counts back: results are not kept.
    const before = new Map<number, RowResult>();
    for (const change of cells)
      if (!before.has(change.row)) before.set(change.row, this.rowResult(change.row));
    const previous: CellChange[] = [];
    const countedColumns = new Set<string>();
    for (const change of cells) {
      const columnCells = this.cellsById.get(change.columnId) ?? [];
      const old = columnCells[change.row];
      previous.push({ row: change.row, columnId: change.columnId, value: old });
      columnCells[change.row] = change.value;
      const state = this.columnStates.get(change.columnId);
      if (state && this.countsInference(change.columnId)) {
        this.countKind(state, old, -1);
        this.countKind(state, change.value, 1);
        countedColumns.add(change.columnId);
      }
    }
    const inverse: SheetEdit = { kind: 'set_cells', cells: previous.reverse() };

    const changedColumns: string[] = [];
    let flipped = false;
    for (const columnId of countedColumns) {
      const state = this.columnStates.get(columnId);
      if (!state) continue;
      const inference = inferType(state.counts);
      if (!sameInference(inference, state.inference)) flipped = true;
      if (!sameInference(inference, state.inference) || !sameCounts(inference.mixed, state.inference.mixed)) {
        changedColumns.push(columnId);
      }
      this.setColumnState(columnId, inference);
    }
    if (flipped) {
      this.context = this.makeContext();
      this.recomputeAll();
      return { inverse, changes: { rows: 'all', spans: 'all', columns: changedColumns } };
    }
    const spans = this.recomputeRows(before);
    return { inverse, changes: { rows: [...before.keys()], spans, columns: changedColumns } };
  }

  private checkCell(row: number, columnId: string): void {
    if (!this.cellsById.has(columnId)) throw new Error(`Unknown column ${columnId}`);
    if (!Number.isInteger(row) || row < 0 || row >= this.count)
      throw new Error(`Row ${row} is outside the sheet`);
  }

  private insertRows(at: number, rows: readonly RowValues[]): EditResult {
    if (!Number.isInteger(at) || at < 0 || at > this.count) throw new Error(`Cannot insert rows at ${at}`);
    for (const values of rows) {
      for (const columnId of Object.keys(values)) {
        if (!this.cellsById.has(columnId)) throw new Error(`Unknown column ${columnId}`);
      }
    }
    const inverse: SheetEdit = { kind: 'delete_rows', at, count: rows.length };
    if (at === this.count) {
      // Appending is the common case (a new row typed at the bottom): keep it incremental.
      const first = this.count;
      this.count += rows.length;
      for (const [columnId, cells] of this.cellsById) {
        cells.length = this.count;
        const state = this.columnStates.get(columnId);
        if (state && this.countsInference(columnId)) state.counts.blank += rows.length;
      }
      for (let index = first; index < this.count; index++) {
        this.rowSpanIds.push(null);
        this.ownFlags.push(BLANK_FLAG);
        this.rowFlags.push(0);
      }
      this.blankRows += rows.length;
      const changes = rows.flatMap((values, offset) =>
        Object.entries(values).map(([columnId, value]) => ({ row: first + offset, columnId, value })),
      );
      const result = this.setCells(changes);
      const added = Array.from({ length: rows.length }, (_, offset) => first + offset);
      const resultRows =
        result.changes.rows === 'all' ? 'all' : [...new Set([...result.changes.rows, ...added])];
      return { inverse, changes: { ...result.changes, rows: resultRows } };
    }
    for (const [columnId, cells] of this.cellsById) {
      cells.splice(at, 0, ...rows.map((values) => values[columnId]));
    }
    this.count += rows.length;
    this.rebuild();
    return { inverse, changes: { rows: 'all', spans: 'all', columns: 'all' } };
  }

  private deleteRows(at: number, count: number): EditResult {
    if (!Number.isInteger(at) || at < 0 || count < 0 || at + count > this.count) {
      throw new Error(`Cannot delete ${count} rows at ${at}`);
    }
    const removed: RowValues[] = Array.from({ length: count }, (_, offset) => {
      const values: RowValues = {};
      for (const [columnId, cells] of this.cellsById) values[columnId] = cells[at + offset];
      return values;
    });
    const inverse: SheetEdit = { kind: 'insert_rows', at, rows: removed };
    if (at + count === this.count) {
      // Deleting at the bottom: blank the rows incrementally, then drop them.
      const blanks = removed.flatMap((values, offset) =>
        Object.keys(values).map((columnId) => ({ row: at + offset, columnId, value: undefined })),
      );
      const result = this.setCells(blanks);
      for (const [columnId, cells] of this.cellsById) {
        cells.length = at;
        const state = this.columnStates.get(columnId);
        if (state && this.countsInference(columnId)) state.counts.blank -= count;
      }
      this.rowSpanIds.length = at;
      this.ownFlags.length = at;
      this.rowFlags.length = at;
      this.blankRows -= count;
      this.count = at;
      const rows = result.changes.rows === 'all' ? 'all' : result.changes.rows.filter((row) => row < at);
      return { inverse, changes: { ...result.changes, rows } };
    }
    for (const cells of this.cellsById.values()) cells.splice(at, count);
    this.count -= count;
    this.rebuild();
    return { inverse, changes: { rows: 'all', spans: 'all', columns: 'all' } };
  }

  private addColumn(at: number, column: ColumnSettings, cells: readonly CellValue[] = []): EditResult {
    if (this.cellsById.has(column.id)) throw new Error(`Column id ${column.id} is already used`);
    if (!Number.isInteger(at) || at < 0 || at > this.columnList.length)
      throw new Error(`Cannot add a column at ${at}`);
    const columnCells = cells.slice(0, this.count);
    columnCells.length = this.count;
    this.columnList.splice(at, 0, { ...column });
    this.cellsById.set(column.id, columnCells);
    this.rebuild();
    return {
      inverse: { kind: 'remove_column', columnId: column.id },
      changes: { rows: 'all', spans: 'all', columns: 'all' },
    };
  }

  private removeColumn(columnId: string): EditResult {
    const at = this.columnList.findIndex((column) => column.id === columnId);
    const column = this.columnList[at];
    const cells = this.cellsById.get(columnId);
    if (!column || !cells) throw new Error(`Unknown column ${columnId}`);
    this.columnList.splice(at, 1);
    this.cellsById.delete(columnId);
    this.rebuild();
    return {
      inverse: { kind: 'add_column', at, column, cells },
      changes: { rows: 'all', spans: 'all', columns: 'all' },
    };
  }

  private updateColumn(columnId: string, changes: ColumnChanges): EditResult {
    const at = this.columnList.findIndex((column) => column.id === columnId);
    const column = this.columnList[at];
    if (!column) throw new Error(`Unknown column ${columnId}`);
    const previous: ColumnChanges = {};
    for (const key of Object.keys(changes) as (keyof ColumnChanges)[]) {
      Object.assign(previous, { [key]: column[key] });
    }
    this.columnList[at] = { ...column, ...changes };
    const inverse: SheetEdit = { kind: 'update_column', columnId, changes: previous };
    const onlyName = Object.keys(changes).every((key) => key === 'name');
    if (onlyName && column.target.kind === 'ignore') {
      return { inverse, changes: { rows: [], spans: [], columns: [columnId] } };
    }
    if (isDisplayOnlyChange(changes)) {
      // NOTE: the column's settings object is new: views holding the old one re-read the columns.
      this.context = this.makeContext();
      return { inverse, changes: { rows: [], spans: [], columns: 'all' } };
    }
    this.rebuild();
    return { inverse, changes: { rows: 'all', spans: 'all', columns: 'all' } };
  }

  // ---- computation ----

  private makeContext(): RowContext {
    const mapped: MappedColumn[] = this.columnList
      .filter((column) => column.target.kind !== 'ignore')
      .map((column) => ({
        column,
        cells: this.cellsById.get(column.id) ?? [],
        reading: this.columnStates.get(column.id)?.reading ?? null,
      }));
    return { mapped, spanColumn: mapped.find(({ column }) => column.target.kind === 'span_id') ?? null };
  }

  private countsInference(columnId: string): boolean {
    const column = this.columnList.find((candidate) => candidate.id === columnId);
    return column !== undefined && countsKinds(column);
  }

  private countKind(state: ColumnState, cell: CellValue, sign: 1 | -1): void {
    const kind = inferenceKind(cell, state.reading.idLike, state.origin);
    if (kind !== null) state.counts[kind] += sign;
  }

  private setColumnState(columnId: string, inference: Inference): void {
    const state = this.columnStates.get(columnId);
    const column = this.columnList.find((candidate) => candidate.id === columnId);
    if (!state || !column) return;
    this.tallyIssues(state.issues, -1);
    state.inference = inference;
    state.reading = readingOf(column, inference);
    state.issues =
      inference.mixed && infersType(column)
        ? [makeIssue({ code: 'mixed_types_as_text', counts: inference.mixed }, null, column)]
        : [];
    this.tallyIssues(state.issues, 1);
  }

  /** Recomputes everything from the cells: the from-scratch path, also used after structural edits. */
  private rebuild(): void {
    this.sheetIssueList = checkSheetColumns(this.columnList);
    this.columnStates.clear();
    for (const column of this.columnList) {
      if (column.target.kind !== 'metadata') continue;
      const counts = emptyKindCounts();
      const idLike = readingOf(column, inferType(counts)).idLike;
      if (countsKinds(column)) {
        for (const cell of this.cellsById.get(column.id) ?? []) {
          const kind = inferenceKind(cell, idLike, column.origin);
          if (kind !== null) counts[kind]++;
        }
      }
      const inference = inferType(counts);
      this.columnStates.set(column.id, {
        origin: column.origin,
        counts,
        inference,
        reading: readingOf(column, inference),
        issues: [],
      });
      this.setColumnState(column.id, inference);
    }
    this.context = this.makeContext();
    this.recomputeAll();
  }

  /** Recomputes every row and span from the current column states, and the summary counts with them. */
  private recomputeAll(): void {
    this.errors = 0;
    this.warnings = 0;
    this.byCode.clear();
    this.notices.clear();
    this.spansByStatus = emptyStatusCounts();
    this.rowsWithErrors = 0;
    this.rowsWithWarnings = 0;
    this.blankRows = 0;
    for (const state of this.columnStates.values()) this.tallyIssues(state.issues, 1);
    this.spanTallies.clear();
    this.spanRows.clear();
    this.rowSpanIds = new Array<string | null>(this.count).fill(null);
    this.ownFlags = new Array<number>(this.count).fill(0);
    this.rowFlags = new Array<number>(this.count).fill(0);
    // First the span of every row, cheaply, so each span's rows are known before it is merged.
    for (let row = 0; row < this.count; row++) {
      const spanId = spanIdOfRow(row, this.context);
      this.rowSpanIds[row] = spanId;
      if (spanId === null) continue;
      const rows = this.spanRows.get(spanId);
      if (rows) rows.push(row);
      else this.spanRows.set(spanId, [row]);
    }
    // Then every row once: alone, or with the other rows of its span when its first row comes up.
    for (let row = 0; row < this.count; row++) {
      const spanId = this.rowSpanIds[row] ?? null;
      if (spanId === null) {
        const result = computeRow(row, this.context);
        this.tallyRow(result, 1);
        this.ownFlags[row] = flagsOf(result);
        this.setRowFlag(row, this.ownFlags[row] ?? 0);
        continue;
      }
      const rows = this.spanRows.get(spanId);
      if (!rows || rows[0] !== row) continue;
      const results = new Map<number, RowResult>();
      let only: RowResult | undefined;
      for (const index of rows) {
        const result = computeRow(index, this.context);
        if (rows.length === 1) only = result;
        else results.set(index, result);
        this.tallyRow(result, 1);
        this.ownFlags[index] = flagsOf(result);
      }
      // NOTE: most spans have one row; they skip the map (100,000 maps are a noticeable share of a rebuild).
      this.recomputeSpan(spanId, (index) => only ?? results.get(index));
      this.refreshFlags(rows);
    }
  }

  /**
   * Recomputes edited rows, given their results from before the edit, and the spans they left or joined;
   * returns the span IDs whose results changed.
   */
  private recomputeRows(before: ReadonlyMap<number, RowResult>): string[] {
    const dirtySpans = new Set<string>();
    const fresh = new Map<number, RowResult>();
    const affectedRows = new Set<number>();
    for (const [row, old] of before) {
      affectedRows.add(row);
      const next = computeRow(row, this.context);
      fresh.set(row, next);
      this.tallyRow(old, -1);
      this.tallyRow(next, 1);
      this.ownFlags[row] = flagsOf(next);
      if (old.spanId !== next.spanId) {
        if (old.spanId !== null) this.removeFromSpan(old.spanId, row);
        if (next.spanId !== null) this.addToSpan(next.spanId, row);
        this.rowSpanIds[row] = next.spanId;
      }
      if (old.spanId !== null) dirtySpans.add(old.spanId);
      if (next.spanId !== null) dirtySpans.add(next.spanId);
    }
    for (const spanId of dirtySpans) {
      for (const issue of this.spanTallies.get(spanId)?.issues ?? [])
        if (issue.row !== null) affectedRows.add(issue.row - 1);
      this.recomputeSpan(spanId, (index) => fresh.get(index));
      for (const row of this.spanRows.get(spanId) ?? []) affectedRows.add(row);
    }
    this.refreshFlags(affectedRows);
    return [...dirtySpans];
  }

  /** Recomputes one span from its rows (`known` gives results already computed) and updates its counts. */
  private recomputeSpan(spanId: string, known: (rowIndex: number) => RowResult | undefined): void {
    const old = this.spanTallies.get(spanId);
    if (old) this.tallySpan(old, -1);
    const rows = this.spanRows.get(spanId);
    const spanColumn = this.context.spanColumn?.column;
    if (!rows || rows.length === 0 || !spanColumn) {
      this.spanTallies.delete(spanId);
      this.spanRows.delete(spanId);
      return;
    }
    const result = (index: number) => known(index) ?? computeRow(index, this.context);
    const quiet = rows.length === 1 ? quietSingleRowStatus(result(rows[0] ?? 0)) : null;
    let tally: SpanTally;
    if (quiet !== null) tally = QUIET_TALLIES[quiet];
    else {
      const next = computeSpan(spanId, rows, result, spanColumn);
      tally = { status: next.status, issues: next.issues };
    }
    this.spanTallies.set(spanId, tally);
    this.tallySpan(tally, 1);
  }

  /** Sets each row's error and warning flags from its own issues and its span's issues located on it. */
  private refreshFlags(rows: Iterable<number>): void {
    const spanFlags = new Map<string, Map<number, number>>();
    for (const row of rows) {
      if (row >= this.count) continue;
      let flag = (this.ownFlags[row] ?? 0) & (ERROR_FLAG | WARNING_FLAG);
      const spanId = this.rowSpanIds[row] ?? null;
      const spanIssues = spanId === null ? undefined : this.spanTallies.get(spanId)?.issues;
      if (spanId !== null && spanIssues !== undefined && spanIssues.length > 0) {
        let flags = spanFlags.get(spanId);
        if (!flags) {
          flags = issueFlagsByRow(spanIssues);
          spanFlags.set(spanId, flags);
        }
        flag |= flags.get(row) ?? 0;
      }
      this.setRowFlag(row, flag);
    }
  }

  private setRowFlag(row: number, flag: number): void {
    const old = this.rowFlags[row] ?? 0;
    if (old === flag) return;
    this.rowsWithErrors += (flag & ERROR_FLAG ? 1 : 0) - (old & ERROR_FLAG ? 1 : 0);
    this.rowsWithWarnings +=
      (flag & WARNING_FLAG && !(flag & ERROR_FLAG) ? 1 : 0) -
      (old & WARNING_FLAG && !(old & ERROR_FLAG) ? 1 : 0);
    this.rowFlags[row] = flag;
  }

  private addToSpan(spanId: string, row: number): void {
    const rows = this.spanRows.get(spanId);
    if (!rows) {
      this.spanRows.set(spanId, [row]);
      return;
    }
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((rows[middle] ?? 0) < row) low = middle + 1;
      else high = middle;
    }
    rows.splice(low, 0, row);
  }

  private removeFromSpan(spanId: string, row: number): void {
    const rows = this.spanRows.get(spanId);
    if (!rows) return;
    const index = rows.indexOf(row);
    if (index >= 0) rows.splice(index, 1);
  }

  private tallyIssues(issues: readonly Issue[], sign: 1 | -1): void {
    for (const issue of issues) {
      if (issue.severity === 'error') this.errors += sign;
      else this.warnings += sign;
      const count = (this.byCode.get(issue.code) ?? 0) + sign;
      if (count === 0) this.byCode.delete(issue.code);
      else this.byCode.set(issue.code, count);
    }
  }

  private tallyRow(result: RowResult, sign: 1 | -1): void {
    if (result.blank) this.blankRows += sign;
    this.tallyIssues(result.issues, sign);
    if (result.notices.length > 0) this.notices.tally(result.notices, sign);
  }

  private tallySpan(span: SpanTally, sign: 1 | -1): void {
    this.spansByStatus[span.status] += sign;
    this.tallyIssues(span.issues, sign);
  }
}
