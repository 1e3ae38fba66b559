import { type Issue } from '@/core/issues';
import {
  checkSpan,
  computeRow,
  MAX_NAMED_ROWS,
  quietCheckedRowStatus,
  quietSingleRowStatus,
  RowChecker,
  type RowContext,
  type RowResult,
  SPAN_DUPLICATE,
  SPAN_EMPTY,
  SPAN_STATUSES,
  SPAN_TOO_LARGE,
  spanIdOfRow,
  spanIssuesOnRow,
  type SpanStatus,
} from '@/core/patch';
import {
  BLANK_FLAG,
  ERROR_FLAG,
  flagsOf,
  type PackedTallies,
  SheetTallies,
  WARNING_FLAG,
} from './sheet-tallies';
import { type PackedSpanIndex, SpanIndex, spanIndexTransferables } from './span-index';

/**
 * The spans that have rows, in the order of their first row, as the sheet is when it is taken (take another after
 * an edit): read a place at a time, so a page of a million spans makes no million strings.
 */
export interface SpanOrder {
  readonly length: number;
  /** The span ID at a place (0-based) of the order. */
  id(index: number): string;
  /** The status of the span at a place of the order. */
  status(index: number): SpanStatus | undefined;
  /** The IDs of the places from `start` up to `end` (not included), within the order. */
  ids(start: number, end: number): string[];
}

/** What a row's flags say: blank, or its worst issue (its own or its span's located on it). */
export type RowStatus = 'blank' | 'error' | 'warning' | 'ok';

/**
 * What the engine computed, in the form a worker posts: typed arrays only (and a few counts), so posting a sheet
 * of a million rows moves buffers and the page deserialises no object per row, span or issue.
 */
export interface PackedEngine {
  spans: PackedSpanIndex;
  ownFlags: Uint8Array;
  rowFlags: Uint8Array;
  /** Per span number: 0 for a span without rows, else 1 + its index in `SPAN_STATUSES`. */
  spanStatus: Uint8Array;
  /** Per span number: what is said about it as a whole, as `SPAN_*` bits (its issues are made when shown). */
  spanFindings: Uint8Array;
  /** Per span number: how many rows it had when its findings were made (to count them out). */
  findingRows: Int32Array;
  /** The spans whose merged patch is over the length limit, with that length: span, length, span, length… */
  tooLarge: Int32Array;
  tallies: PackedTallies;
}

/** The buffers of a packed engine, to post it without copying them. */
export function engineTransferables(packed: PackedEngine): ArrayBuffer[] {
  const arrays = [
    packed.ownFlags,
    packed.rowFlags,
    packed.spanStatus,
    packed.spanFindings,
    packed.findingRows,
    packed.tooLarge,
  ];
  const buffers = arrays.flatMap((array) => (array.buffer instanceof ArrayBuffer ? [array.buffer] : []));
  return [...spanIndexTransferables(packed.spans), ...buffers];
}

const NO_SPAN = -1;

function grownBytes(array: Uint8Array, length: number): Uint8Array {
  if (array.length >= length) return array;
  const next = new Uint8Array(Math.max(length, array.length * 2, 16));
  next.set(array);
  return next;
}

function grownInts(array: Int32Array, length: number): Int32Array {
  if (array.length >= length) return array;
  const next = new Int32Array(Math.max(length, array.length * 2, 16));
  next.set(array);
  return next;
}

/**
 * The incremental engine of a sheet: what is computed from its rows, kept as integers. Each row's span (a
 * `SpanIndex`) and its flag bits, each span's status, the span-wide issues of the few spans that have some, and
 * the summary's counts (`SheetTallies`). A row's or a span's result (its patch and issues) is never kept: it is
 * computed again when looked at. After an edit only the rows changed and their spans are computed again
 * (`recomputeRows`); `recomputeAll` is the from-scratch path, and the two always agree (the property test).
 */
export class SheetEngine {
  private spans: SpanIndex;
  /** Per row: the error, warning and blank bits of its own issues. */
  private ownFlags: Uint8Array;
  /** Per row: its own error and warning bits with those of its span's issues located on it. */
  private rowFlags: Uint8Array;
  /** Per span number: 0 without rows, else 1 + the index of its status in `SPAN_STATUSES`. */
  private spanStatusCodes: Uint8Array;
  /** Per span number: the `SPAN_*` bits of what is said about it as a whole; its issues are made when shown. */
  private spanFindings: Uint8Array;
  /** Per span number: its row count when its findings were made, to count its issues out of the tallies. */
  private findingRows: Int32Array;
  /** The length of each span's merged patch that is over the limit (a few spans at most). */
  private readonly tooLarge = new Map<number, number>();
  private context: RowContext = { mapped: [], spanColumn: null };
  private count = 0;
  readonly tallies: SheetTallies;

  constructor(packed?: PackedEngine, rowCount = 0) {
    this.count = rowCount;
    if (packed) {
      this.spans = SpanIndex.unpack(packed.spans);
      this.ownFlags = packed.ownFlags;
      this.rowFlags = packed.rowFlags;
      this.spanStatusCodes = packed.spanStatus;
      this.spanFindings = packed.spanFindings;
      this.findingRows = packed.findingRows;
      for (let at = 0; at + 1 < packed.tooLarge.length; at += 2)
        this.tooLarge.set(packed.tooLarge[at] ?? 0, packed.tooLarge[at + 1] ?? 0);
      this.tallies = SheetTallies.unpack(packed.tallies);
    } else {
      this.spans = SpanIndex.empty(0);
      this.ownFlags = new Uint8Array(0);
      this.rowFlags = new Uint8Array(0);
      this.spanStatusCodes = new Uint8Array(0);
      this.spanFindings = new Uint8Array(0);
      this.findingRows = new Int32Array(0);
      this.tallies = new SheetTallies();
    }
  }

  /** The engine's arrays, to post to another thread (shared, not copied). */
  pack(): PackedEngine {
    return {
      spans: this.spans.pack(),
      ownFlags: this.ownFlags,
      rowFlags: this.rowFlags,
      spanStatus: this.spanStatusCodes,
      spanFindings: this.spanFindings,
      findingRows: this.findingRows,
      tooLarge: Int32Array.from([...this.tooLarge].flat()),
      tallies: this.tallies.pack(),
    };
  }

  /** Says which rows and columns the next computations read (after a change of columns or their reading). */
  useContext(context: RowContext): void {
    this.context = context;
  }

  // ---- what is known of rows and spans ----

  rowStatus(row: number): RowStatus {
    if (row < 0 || row >= this.count || (this.ownFlags[row] ?? BLANK_FLAG) & BLANK_FLAG) return 'blank';
    const flags = this.rowFlags[row] ?? 0;
    return flags & ERROR_FLAG ? 'error' : flags & WARNING_FLAG ? 'warning' : 'ok';
  }

  isBlankRow(row: number): boolean {
    return Boolean((this.ownFlags[row] ?? BLANK_FLAG) & BLANK_FLAG);
  }

  /** The issues of a row's span located on that row (duplicates, size, nothing to change), made now. */
  spanIssuesOnRow(row: number): Issue[] {
    const span = row >= 0 && row < this.count ? this.spans.spanOf(row) : NO_SPAN;
    const findings = span === NO_SPAN ? 0 : (this.spanFindings[span] ?? 0);
    const spanColumn = this.context.spanColumn?.column;
    if (findings === 0 || !spanColumn) return [];
    const firstRows = this.spans.rowsOf(span, MAX_NAMED_ROWS + 1);
    const found = {
      spanId: this.spans.id(span),
      findings,
      length: this.tooLarge.get(span) ?? 0,
      rowCount: this.spans.rowCount(span),
      firstRow: this.spans.first(span),
      firstRows,
    };
    return spanIssuesOnRow(found, row + 1, spanColumn);
  }

  /** A span's 0-based rows in sheet order; empty when the sheet does not have it. */
  rowsOfSpan(spanId: string): number[] {
    const span = this.spans.find(spanId);
    return span === NO_SPAN ? [] : this.spans.rowsOf(span);
  }

  statusOfSpan(spanId: string): SpanStatus | undefined {
    const span = this.spans.find(spanId);
    return span === NO_SPAN ? undefined : SPAN_STATUSES[(this.spanStatusCodes[span] ?? 0) - 1];
  }

  get spanCount(): number {
    return this.spans.liveCount;
  }

  /** The spans with rows in the order of their first row, read a place at a time (`SpanOrder`). */
  spanOrder(): SpanOrder {
    const order = this.spans.ordered();
    const spans = this.spans;
    const codes = this.spanStatusCodes;
    const at = (index: number) => order[index] ?? NO_SPAN;
    return {
      length: order.length,
      id: (index) => spans.id(at(index)),
      status: (index) => SPAN_STATUSES[(codes[at(index)] ?? 0) - 1],
      ids: (start, end) => {
        const ids: string[] = [];
        for (let index = Math.max(0, start); index < Math.min(end, order.length); index++)
          ids.push(spans.id(at(index)));
        return ids;
      },
    };
  }

  /** The span IDs, in the order of their first row. */
  spanIds(): string[] {
    return Array.from(this.spans.ordered(), (span) => this.spans.id(span));
  }

  /** The IDs of the spans whose status passes `test`, in the order of their first row (no lookup by ID). */
  spanIdsWhere(test: (status: SpanStatus) => boolean): string[] {
    const passes = SPAN_STATUSES.map(test);
    const spanIds: string[] = [];
    for (const span of this.spans.ordered()) {
      if (passes[(this.spanStatusCodes[span] ?? 0) - 1]) spanIds.push(this.spans.id(span));
    }
    return spanIds;
  }

  // ---- rows added and dropped at the bottom ----

  /** Rows added at the bottom, blank until set. */
  appendRows(count: number): void {
    const first = this.count;
    this.count += count;
    this.spans.resizeRows(this.count);
    this.ownFlags = grownBytes(this.ownFlags, this.count);
    this.rowFlags = grownBytes(this.rowFlags, this.count);
    this.ownFlags.fill(BLANK_FLAG, first, this.count);
    this.rowFlags.fill(0, first, this.count);
    this.tallies.blankRows += count;
  }

  /** Rows dropped at the bottom, from `at` on; they were made blank first (so they are in no span). */
  dropRows(at: number): void {
    this.tallies.blankRows -= this.count - at;
    this.count = at;
  }

  // ---- computation ----

  /** Recomputes every row and span from the current column states, and the summary counts with them. */
  recomputeAll(context: RowContext, rowCount: number, columnIssues: Iterable<readonly Issue[]>): void {
    this.context = context;
    this.count = rowCount;
    this.tallies.clear();
    for (const issues of columnIssues) this.tallies.issues(issues, 1);
    this.tooLarge.clear();
    this.spans = SpanIndex.empty(this.count);
    this.ownFlags = new Uint8Array(this.count);
    this.rowFlags = new Uint8Array(this.count);
    // First the span of every row, cheaply, so each span's rows are known before it is merged.
    for (let row = 0; row < this.count; row++) {
      const spanId = spanIdOfRow(row, this.context);
      if (spanId !== null) this.spans.addRow(this.spans.intern(spanId), row);
    }
    this.spanStatusCodes = new Uint8Array(Math.max(16, this.spans.numbered));
    this.spanFindings = new Uint8Array(this.spanStatusCodes.length);
    this.findingRows = new Int32Array(this.spanStatusCodes.length);
    // Then every row once: alone, or with the other rows of its span when its first row comes up. A row alone
    // is checked without making its patch, unless its span needs the patch to be told (`checkSpan`).
    const checker = new RowChecker();
    for (let row = 0; row < this.count; row++) {
      const span = this.spans.spanOf(row);
      if (span === NO_SPAN) {
        const check = checker.check(row, this.context);
        this.tallies.row(check, 1);
        this.ownFlags[row] = flagsOf(check);
        this.setRowFlag(row, flagsOf(check) & (ERROR_FLAG | WARNING_FLAG));
        continue;
      }
      if (this.spans.first(span) !== row) continue;
      if (this.spans.rowCount(span) === 1) {
        const check = checker.check(row, this.context);
        const quiet = this.context.spanColumn ? quietCheckedRowStatus(check) : null;
        if (quiet !== null) {
          this.tallies.row(check, 1);
          this.ownFlags[row] = flagsOf(check);
          this.spanStatusCodes[span] = SPAN_STATUSES.indexOf(quiet) + 1;
          this.tallies.span(quiet, 0, 1, 1);
          this.setRowFlag(row, flagsOf(check) & (ERROR_FLAG | WARNING_FLAG));
          continue;
        }
        // NOTE: most spans have one row; they skip the map (100,000 maps are a noticeable share of a rebuild).
        const result = computeRow(row, this.context);
        this.tallies.row(result, 1);
        this.ownFlags[row] = flagsOf(result);
        this.recomputeSpan(span, () => result);
        this.refreshFlags([row]);
        continue;
      }
      const rows = this.spans.rowsOf(span);
      const results = new Map<number, RowResult>();
      for (const index of rows) {
        const result = computeRow(index, this.context);
        results.set(index, result);
        this.tallies.row(result, 1);
        this.ownFlags[index] = flagsOf(result);
      }
      this.recomputeSpan(span, (index) => results.get(index));
      this.refreshFlags(rows);
    }
  }

  /**
   * Recomputes edited rows, given their results from before the edit, and the spans they left or joined;
   * returns the span IDs whose results changed.
   */
  recomputeRows(context: RowContext, before: ReadonlyMap<number, RowResult>): string[] {
    this.context = context;
    const dirtySpans = new Set<number>();
    const fresh = new Map<number, RowResult>();
    const affectedRows = new Set<number>();
    for (const [row, old] of before) {
      affectedRows.add(row);
      const next = computeRow(row, this.context);
      fresh.set(row, next);
      this.tallies.row(old, -1);
      this.tallies.row(next, 1);
      this.ownFlags[row] = flagsOf(next);
      const oldSpan = this.spans.spanOf(row);
      const newSpan = next.spanId === null ? NO_SPAN : this.spans.intern(next.spanId);
      this.spanStatusCodes = grownBytes(this.spanStatusCodes, this.spans.numbered);
      this.spanFindings = grownBytes(this.spanFindings, this.spans.numbered);
      this.findingRows = grownInts(this.findingRows, this.spans.numbered);
      if (oldSpan !== newSpan) {
        this.spans.removeRow(row);
        if (newSpan !== NO_SPAN) this.spans.addRow(newSpan, row);
      }
      if (oldSpan !== NO_SPAN) dirtySpans.add(oldSpan);
      if (newSpan !== NO_SPAN) dirtySpans.add(newSpan);
    }
    // NOTE: the rows a span's issues were on before are its rows now and those that left it (edited, so in
    // `before`): all of them get their flags again.
    for (const span of dirtySpans) {
      this.recomputeSpan(span, (index) => fresh.get(index));
      for (const row of this.spans.rowsOf(span)) affectedRows.add(row);
    }
    this.refreshFlags(affectedRows);
    return Array.from(dirtySpans, (span) => this.spans.id(span));
  }

  /** Recomputes one span from its rows (`known` gives results already computed) and updates its counts. */
  private recomputeSpan(span: number, known: (rowIndex: number) => RowResult | undefined): void {
    const oldCode = this.spanStatusCodes[span] ?? 0;
    const oldStatus = SPAN_STATUSES[oldCode - 1];
    if (oldStatus !== undefined)
      this.tallies.span(oldStatus, this.spanFindings[span] ?? 0, this.findingRows[span] ?? 0, -1);
    this.spanStatusCodes[span] = 0;
    this.spanFindings[span] = 0;
    this.findingRows[span] = 0;
    this.tooLarge.delete(span);
    if (this.spans.rowCount(span) === 0 || !this.context.spanColumn) return;
    const result = (index: number) => known(index) ?? computeRow(index, this.context);
    const rowCount = this.spans.rowCount(span);
    const quiet = rowCount === 1 ? quietSingleRowStatus(result(this.spans.first(span))) : null;
    let status: SpanStatus;
    let findings = 0;
    if (quiet !== null) status = quiet;
    else {
      const check = checkSpan(this.spans.rowsOf(span), result);
      status = check.status;
      findings = check.findings;
      if (findings & SPAN_TOO_LARGE) this.tooLarge.set(span, check.length);
    }
    this.spanStatusCodes[span] = SPAN_STATUSES.indexOf(status) + 1;
    this.spanFindings[span] = findings;
    this.findingRows[span] = findings === 0 ? 0 : rowCount;
    this.tallies.span(status, findings, rowCount, 1);
  }

  /** Sets each row's error and warning flags from its own issues and its span's issues located on it. */
  private refreshFlags(rows: Iterable<number>): void {
    for (const row of rows) {
      if (row >= this.count) continue;
      let flag = (this.ownFlags[row] ?? 0) & (ERROR_FLAG | WARNING_FLAG);
      const span = this.spans.spanOf(row);
      const findings = span === NO_SPAN ? 0 : (this.spanFindings[span] ?? 0);
      if (findings & (SPAN_DUPLICATE | SPAN_EMPTY)) flag |= WARNING_FLAG;
      if (findings & SPAN_TOO_LARGE && this.spans.first(span) === row) flag |= ERROR_FLAG;
      this.setRowFlag(row, flag);
    }
  }

  private setRowFlag(row: number, flag: number): void {
    const old = this.rowFlags[row] ?? 0;
    if (old === flag) return;
    this.tallies.rowFlags(old, flag);
    this.rowFlags[row] = flag;
  }
}
