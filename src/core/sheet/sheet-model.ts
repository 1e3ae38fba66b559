import {
  checkSheetColumns,
  type ColumnSettings,
  type Inference,
  infersType,
  NO_PROJECT_TYPES,
  projectTypeOf,
  type ProjectTypes,
  type ReadType,
  type SheetIssue,
} from '@/core/columns';
import type { CellValue, TextColumn } from '@/core/import';
import type { Issue, NoticeCode } from '@/core/issues';
import {
  BLANK_ROW,
  computeRow,
  computeSpan,
  type MappedColumn,
  type RowContext,
  type RowResult,
  type SpanResult,
  type SpanStatus,
  type StoredSpanPatch,
} from '@/core/patch';
import { assertUnreachable } from '@/core/text';
import {
  type ColumnNotice,
  columnNoticesOf,
  findNoticeExample,
  type NoticeExample,
  noticeRowsOf,
} from './column-notices';
import { isDisplayOnlyChange } from './column-reading';
import { ColumnStates, type CountedCells } from './column-states';
import { isBulkCellEdit, needsFullRecheck } from './full-recheck';
import type { PackedSheet } from './packed-sheet';
import { ColumnCells, type PackedCells } from './sheet-cells';
import {
  ALL_CHANGED,
  type CellChange,
  type ColumnChanges,
  type EditResult,
  type RowValues,
  type SheetEdit,
} from './sheet-edits';
import { type RowStatus, SheetEngine, type SpanOrder } from './sheet-engine';
import type { SheetSummary } from './sheet-tallies';
import { submittableSpans } from './submittable-spans';

/** How a metadata column reads its cells, and what is said about the column as a whole. */
export interface ColumnInfo {
  readType: ReadType | 'typed';
  inference: Inference | null;
  issues: Issue[];
}

/**
 * The sheet and everything computed from it. Cells are kept per column (`ColumnCells`), spans as integers
 * (`SpanIndex`), and per row only flag bits: a row's or a span's result (its patch and issues) is computed when it
 * is looked at, never kept. After an edit of cells it recomputes only what changed: those rows, the spans they
 * belong to (before and after), a column's inferred type when it flips, and the summary counts. Row insertions or
 * deletions in the middle and column changes recompute the sheet, as they move every row.
 */
export class SheetModel {
  private columnList: ColumnSettings[];
  private readonly cellsById = new Map<string, ColumnCells>();
  private count: number;
  private readonly columnStates = new ColumnStates();
  private engine: SheetEngine;
  private sheetIssueList: SheetIssue[] = [];
  private context: RowContext;

  /**
   * @param columns the sheet's columns, left to right (ids unique)
   * @param columnCells one array of cells (or `ColumnCells`) per column, aligned with `columns`
   * @param rowCount number of rows; shorter cell arrays are padded with blanks
   * @param projectTypes the keys the project already types (SPEC §2); `computed` brings its own
   */
  constructor(
    columns: readonly ColumnSettings[],
    columnCells: readonly (readonly CellValue[] | ColumnCells)[],
    rowCount: number,
    computed?: PackedSheet,
    projectTypes: ProjectTypes = NO_PROJECT_TYPES,
  ) {
    const ids = new Set(columns.map((column) => column.id));
    if (ids.size !== columns.length) throw new Error('Column ids must be unique');
    this.columnList = [...columns];
    this.count = rowCount;
    columns.forEach((column, index) => {
      const given = columnCells[index];
      const cells = given instanceof ColumnCells ? given : ColumnCells.of(given ?? [], rowCount);
      cells.resize(rowCount);
      this.cellsById.set(column.id, cells);
    });
    this.columnStates.projectTypes = computed ? new Map(computed.projectTypes) : projectTypes;
    this.engine = new SheetEngine(computed, rowCount);
    this.context = this.makeContext();
    if (computed) this.restoreComputed(computed);
    else this.rebuild();
  }

  /** A model from rows of cells aligned with `columns` (the shape files are read in). */
  static fromRows(
    columns: readonly ColumnSettings[],
    rows: readonly (readonly CellValue[])[],
    projectTypes: ProjectTypes = NO_PROJECT_TYPES,
  ): SheetModel {
    return SheetModel.fromColumns(
      columns,
      columns.map((_, index) => rows.map((row) => row[index])),
      rows.length,
      projectTypes,
    );
  }

  /**
   * A model from one array of cells per column, aligned with `columns`; the arrays become the sheet's (no copy).
   * NOTE: computed from the cells as they are (reading a slice of packed text per cell would make a string per
   * cell to collect), then packed: a million text cells become one string per column.
   */
  static fromColumns(
    columns: readonly ColumnSettings[],
    cells: CellValue[][],
    rowCount: number,
    projectTypes: ProjectTypes = NO_PROJECT_TYPES,
  ): SheetModel {
    const columnCells = columns.map((_, index) => ColumnCells.loose(cells[index] ?? [], rowCount));
    const model = new SheetModel(columns, columnCells, rowCount, undefined, projectTypes);
    for (const column of columnCells) column.compact();
    return model;
  }

  /**
   * A model from CSV/TSV read straight into columns (`ImportedTable.columns`), aligned with `columns`: each kept
   * as it was read, one string and offsets, never a string per cell.
   */
  static fromTextColumns(
    columns: readonly ColumnSettings[],
    textColumns: readonly TextColumn[],
    rowCount: number,
    projectTypes: ProjectTypes = NO_PROJECT_TYPES,
  ): SheetModel {
    const cells = columns.map((_, index) => {
      const column = textColumns[index];
      return column === undefined
        ? ColumnCells.of([], rowCount)
        : ColumnCells.unpack(
            { kind: 'text', text: column.text, offsets: column.offsets, changed: [] },
            rowCount,
          );
    });
    return new SheetModel(columns, cells, rowCount, undefined, projectTypes);
  }

  /** A sheet a worker computed and packed (`pack`), opened without computing a row. */
  static unpack(packed: PackedSheet): SheetModel {
    const cells = packed.cells.map((column) => ColumnCells.unpack(column, packed.rowCount));
    return new SheetModel(packed.columns, cells, packed.rowCount, packed);
  }

  /**
   * The sheet with everything computed, to post to another thread (with `packedSheetTransferables`). NOTE: the
   * arrays are shared, not copied: once they are transferred this model must not be used again.
   */
  pack(): PackedSheet {
    return {
      columns: [...this.columnList],
      rowCount: this.count,
      cells: this.packColumns(),
      ...this.engine.pack(),
      inferences: this.columnStates.pack(),
      projectTypes: [...this.columnStates.projectTypes],
    };
  }

  /** The keys the project already types, as the sheet reads them (SPEC §2). */
  get projectTypes(): ProjectTypes {
    return this.columnStates.projectTypes;
  }

  /**
   * Whether reading the sheet with these project types would read a column otherwise: then `setProjectTypes`
   * rechecks every row (on a large sheet, off the page).
   */
  projectTypesChange(types: ProjectTypes): boolean {
    const before = this.columnStates.projectTypes;
    return this.columnList.some((column) => projectTypeOf(column, before) !== projectTypeOf(column, types));
  }

  /**
   * Reads the sheet with the keys the project already types (SPEC §2): an `auto` column of such a key reads as
   * the project's type. Rechecks every row when a column reads otherwise; says whether it did.
   */
  setProjectTypes(types: ProjectTypes): boolean {
    const changed = this.projectTypesChange(types);
    this.columnStates.projectTypes = types;
    if (changed) this.rebuild();
    return changed;
  }

  /** Each column's cells packed, left to right (what autosave writes; shared, not copied). */
  packColumns(): PackedCells[] {
    return this.columnList.map((column) => this.cellsOf(column.id).pack());
  }

  get columns(): readonly ColumnSettings[] {
    return this.columnList;
  }

  get rowCount(): number {
    return this.count;
  }

  /** The cell at a 0-based row of a column. */
  cell(row: number, columnId: string): CellValue {
    return this.cellsById.get(columnId)?.get(row);
  }

  /** All cells of one column, top to bottom: a copy, for exports and drafts (views read `cell`). */
  columnCells(columnId: string): CellValue[] {
    return this.cellsById.get(columnId)?.toArray() ?? [];
  }

  /** True when every cell of a column is blank. */
  isColumnBlank(columnId: string): boolean {
    return this.cellsById.get(columnId)?.isBlank() ?? true;
  }

  /** The result of a 0-based row (its patch entries and issues), computed from its cells. */
  rowResult(row: number): RowResult {
    if (row < 0 || row >= this.count) return BLANK_ROW;
    return computeRow(row, this.context);
  }

  /** Everything said about a 0-based row: its own issues and those of its span located on it. */
  rowIssues(row: number): Issue[] {
    const result = this.rowResult(row);
    const spanIssues = this.engine.spanIssuesOnRow(row);
    return spanIssues.length === 0 ? result.issues : [...result.issues, ...spanIssues];
  }

  /** The issues shown on one cell. */
  cellIssues(row: number, columnId: string): Issue[] {
    return this.rowIssues(row).filter((issue) => issue.columnId === columnId);
  }

  rowStatus(row: number): RowStatus {
    return this.engine.rowStatus(row);
  }

  /** One span's merged patch, computed from its rows. */
  span(spanId: string): SpanResult | undefined {
    const rows = this.engine.rowsOfSpan(spanId);
    const spanColumn = this.context.spanColumn?.column;
    if (rows.length === 0 || !spanColumn) return undefined;
    return computeSpan(spanId, rows, (index) => this.rowResult(index), spanColumn);
  }

  /** How many spans the sheet has. */
  get spanCount(): number {
    return this.engine.spanCount;
  }

  /** The span IDs of the sheet, in the order of their first row. */
  spanIds(): string[] {
    return this.engine.spanIds();
  }

  /**
   * The spans in the order of their first row, read a place at a time: for a page of a large sheet's spans (a
   * million IDs made at once would hold the page). Valid until the next edit.
   */
  spanOrder(): SpanOrder {
    return this.engine.spanOrder();
  }

  /** The IDs of the spans whose status passes `test`, in the order of their first row. */
  spanIdsWhere(test: (status: SpanStatus) => boolean): string[] {
    return this.engine.spanIdsWhere(test);
  }

  /** The 1-based rows of a span, in sheet order. */
  spanRowNumbers(spanId: string): number[] {
    return this.engine.rowsOfSpan(spanId).map((index) => index + 1);
  }

  /** A span's status without computing its patch. */
  spanStatus(spanId: string): SpanStatus | undefined {
    return this.engine.statusOfSpan(spanId);
  }

  /** All spans, in the order of their first row (computes every patch: for a small sheet or a command line). */
  spans(): SpanResult[] {
    return this.spanIds().flatMap((spanId) => this.span(spanId) ?? []);
  }

  /** The spans that will be submitted (`isSubmittable`): no errors, something to change, and a sheet not blocked. */
  submittableSpans(): StoredSpanPatch[] {
    return submittableSpans(this);
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
      blankRows: this.engine.tallies.blankRows,
      spans: this.engine.spanCount,
      spansByStatus: { ...this.engine.tallies.spansByStatus },
      rowsWithErrors: this.engine.tallies.rowsWithErrors,
      rowsWithWarnings: this.engine.tallies.rowsWithWarnings,
      errors: this.engine.tallies.errors,
      warnings: this.engine.tallies.warnings,
      byCode: this.engine.tallies.codes(),
      sheetIssues: this.sheetIssueList,
      notices: this.columnNotices(),
    };
  }

  /** The sheet's column notices, left to right: conversions of whole columns, accepted or not. */
  columnNotices(): ColumnNotice[] {
    return columnNoticesOf(this.columnList, this.engine.tallies.notices);
  }

  /**
   * The first cell a column notice applies to, to show what it does (read on demand: one pass at most). `key` is
   * the key of a patch_document column's notice.
   */
  noticeExample(columnId: string, code: NoticeCode, key = ''): NoticeExample | null {
    const found = this.noticeSource(columnId);
    if (!found) return null;
    return findNoticeExample({ code, key }, found.cells, found.column, found.reading, (row) =>
      this.engine.isBlankRow(row),
    );
  }

  /** The 1-based rows of the first `limit` cells a column notice applies to: where its conversion happens. */
  noticeRows(notice: Pick<ColumnNotice, 'columnId' | 'code' | 'key'>, limit: number): number[] {
    const found = this.noticeSource(notice.columnId);
    if (!found) return [];
    return noticeRowsOf(
      notice,
      found.cells,
      found.column,
      found.reading,
      (row) => this.engine.isBlankRow(row),
      limit,
    );
  }

  private noticeSource(columnId: string) {
    const column = this.columnList.find((candidate) => candidate.id === columnId);
    if (!column) return null;
    const reading = this.columnStates.get(columnId)?.reading ?? null;
    if (column.target.kind === 'metadata' && reading === null) return null;
    return { column, reading, cells: this.cellsOf(columnId) };
  }

  /** The sheet's raw cells, row by row, aligned with `columns`. */
  rowCells(): CellValue[][] {
    const columns = this.columnList.map((column) => this.cellsOf(column.id));
    return Array.from({ length: this.count }, (_, row) => columns.map((cells) => cells.get(row)));
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

  /**
   * Whether applying an edit recomputes the whole sheet (`full-recheck.ts`): such an edit of a large sheet is
   * better applied off the page (`SheetStore`). The model is not changed.
   */
  needsFullRecheck(edit: SheetEdit): boolean {
    return needsFullRecheck(this, edit);
  }

  /** Whether cells changing in a column (`[old, next]` pairs, in order) would change the type it is read as. */
  columnWouldFlip(columnId: string, changes: readonly [CellValue, CellValue][]): boolean {
    const column = this.columnList.find((candidate) => candidate.id === columnId);
    return column !== undefined && this.columnStates.wouldFlip(column, changes);
  }

  // ---- edits ----

  private cellsOf(columnId: string): ColumnCells {
    const cells = this.cellsById.get(columnId);
    if (!cells) throw new Error(`Unknown column ${columnId}`);
    return cells;
  }

  private setCells(cells: readonly CellChange[]): EditResult {
    for (const change of cells) this.checkCell(change.row, change.columnId);
    // A bulk edit recomputes every row once; otherwise the rows' results before the change are kept, to take their
    // counts back (results are not kept).
    const bulk = isBulkCellEdit(this.count, cells);
    const before = new Map<number, RowResult>();
    if (!bulk)
      for (const change of cells)
        if (!before.has(change.row)) before.set(change.row, this.rowResult(change.row));
    const previous: CellChange[] = [];
    const countedColumns = new Set<ColumnSettings>();
    const columnsById = new Map(this.columnList.map((column) => [column.id, column]));
    for (const change of cells) {
      const columnCells = this.cellsOf(change.columnId);
      const old = columnCells.get(change.row);
      previous.push({ row: change.row, columnId: change.columnId, value: old });
      columnCells.set(change.row, change.value);
      const column = columnsById.get(change.columnId);
      if (column && this.columnStates.countChange(column, old, change.value)) countedColumns.add(column);
    }
    const inverse: SheetEdit = { kind: 'set_cells', cells: previous.reverse() };

    const changedColumns: string[] = [];
    let flipped = false;
    for (const column of countedColumns) {
      const change = this.columnStates.infer(column, (issues, sign) =>
        this.engine.tallies.issues(issues, sign),
      );
      if (change.flipped) flipped = true;
      if (change.changed) changedColumns.push(column.id);
    }
    if (flipped || bulk) {
      this.context = this.makeContext();
      this.recomputeAll();
      return { inverse, changes: { rows: 'all', spans: 'all', columns: changedColumns } };
    }
    const spans = this.engine.recomputeRows(this.context, before);
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
      for (const cells of this.cellsById.values()) cells.resize(this.count);
      this.columnStates.countBlankRows(this.columnList, rows.length);
      this.engine.appendRows(rows.length);
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
      cells.splice(
        at,
        0,
        rows.map((values) => values[columnId]),
      );
    }
    this.count += rows.length;
    this.rebuild();
    return { inverse, changes: ALL_CHANGED };
  }

  private deleteRows(at: number, count: number): EditResult {
    if (!Number.isInteger(at) || at < 0 || count < 0 || at + count > this.count) {
      throw new Error(`Cannot delete ${count} rows at ${at}`);
    }
    const removed: RowValues[] = Array.from({ length: count }, (_, offset) => {
      const values: RowValues = {};
      for (const [columnId, cells] of this.cellsById) values[columnId] = cells.get(at + offset);
      return values;
    });
    const inverse: SheetEdit = { kind: 'insert_rows', at, rows: removed };
    if (at + count === this.count) {
      // Deleting at the bottom: blank the rows incrementally, then drop them.
      const blanks = removed.flatMap((values, offset) =>
        Object.keys(values).map((columnId) => ({ row: at + offset, columnId, value: undefined })),
      );
      const result = this.setCells(blanks);
      for (const cells of this.cellsById.values()) cells.resize(at);
      this.columnStates.countBlankRows(this.columnList, -count);
      this.engine.dropRows(at);
      this.count = at;
      const rows = result.changes.rows === 'all' ? 'all' : result.changes.rows.filter((row) => row < at);
      return { inverse, changes: { ...result.changes, rows } };
    }
    for (const cells of this.cellsById.values()) cells.splice(at, count, []);
    this.count -= count;
    this.rebuild();
    return { inverse, changes: ALL_CHANGED };
  }

  private addColumn(at: number, column: ColumnSettings, cells: readonly CellValue[] = []): EditResult {
    if (this.cellsById.has(column.id)) throw new Error(`Column id ${column.id} is already used`);
    if (!Number.isInteger(at) || at < 0 || at > this.columnList.length)
      throw new Error(`Cannot add a column at ${at}`);
    this.columnList.splice(at, 0, { ...column });
    this.cellsById.set(column.id, ColumnCells.of(cells.slice(0, this.count), this.count));
    this.rebuild();
    return { inverse: { kind: 'remove_column', columnId: column.id }, changes: ALL_CHANGED };
  }

  private removeColumn(columnId: string): EditResult {
    const at = this.columnList.findIndex((column) => column.id === columnId);
    const column = this.columnList[at];
    const cells = this.cellsById.get(columnId);
    if (!column || !cells) throw new Error(`Unknown column ${columnId}`);
    this.columnList.splice(at, 1);
    this.cellsById.delete(columnId);
    this.rebuild();
    return { inverse: { kind: 'add_column', at, column, cells: cells.toArray() }, changes: ALL_CHANGED };
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
    return { inverse, changes: ALL_CHANGED };
  }

  // ---- computation ----

  private makeContext(counted?: ReadonlyMap<string, CountedCells>): RowContext {
    const mapped: MappedColumn[] = this.columnList
      .filter((column) => column.target.kind !== 'ignore')
      .map((column) => ({
        column,
        cells: this.cellsOf(column.id),
        reading: this.columnStates.get(column.id)?.reading ?? null,
        ...counted?.get(column.id),
      }));
    return { mapped, spanColumn: mapped.find(({ column }) => column.target.kind === 'span_id') ?? null };
  }

  /** Opens what a worker computed: column states, spans, flags and counts, without reading a cell. */
  private restoreComputed(packed: PackedSheet): void {
    this.sheetIssueList = checkSheetColumns(this.columnList);
    this.columnStates.restore(this.columnList, packed.inferences);
    this.context = this.makeContext();
    this.engine.useContext(this.context);
  }

  /** Recomputes everything from the cells: the from-scratch path, also used after structural edits. */
  private rebuild(): void {
    this.sheetIssueList = checkSheetColumns(this.columnList);
    const counted = this.columnStates.rebuild(
      this.columnList,
      (columnId) => this.cellsOf(columnId),
      this.count,
    );
    // The distinct cells and the JSON cells parsed while they were counted are read from there by the
    // recompute, then let go: an edit after it reads the cells.
    this.context = this.makeContext(counted);
    this.recomputeAll();
    this.context = this.makeContext();
    this.engine.useContext(this.context);
  }

  /** Recomputes every row and span from the current column states, and the summary counts with them. */
  private recomputeAll(): void {
    this.engine.recomputeAll(this.context, this.count, this.columnStates.issues());
  }
}
