import { type ColumnSettings, type ProjectTypes, standardColumns } from '@/core/columns';
import type { CellValue, ImportedTable } from '@/core/import';
import { type EditResult, type SheetEdit, SheetModel } from '@/core/sheet';
import { Store } from '@/ui/shared/store';

/** Where the sheet came from, shown to the user and kept with autosave. */
export interface SheetSource {
  name: string;
  kind: 'new' | 'file' | 'paste' | 'sample' | 'restored' | 'failed-rows' | 'spans';
}

interface HistoryEntry {
  /** Edits that take the step back, applied in order. */
  undo: SheetEdit[];
  label: string;
}

const MAX_HISTORY = 200;

/** From this many rows, an edit that rechecks every row is applied off the page (when the store can). */
export const OFF_PAGE_ROWS = 20_000;

/**
 * Applies edits to a copy of the sheet elsewhere (a worker) and returns the sheet after them, with their results;
 * with `projectTypes`, the copy is first read with the keys the project types (`SheetModel.setProjectTypes`).
 */
export type ApplyOffPage = (
  model: SheetModel,
  edits: readonly SheetEdit[],
  projectTypes?: ProjectTypes,
) => Promise<{ model: SheetModel; results: EditResult[] }>;

/** What views read of the sheet store; a new object after every change. */
export interface SheetState {
  /** The sheet. NOTE: edits change it in place (for speed), so `version` says when to read it again. */
  model: SheetModel;
  /** Changes with every edit, so views re-read the model. */
  version: number;
  /** Changes when rows or columns are added, removed or reconfigured, so row lists are rebuilt. */
  structureVersion: number;
  source: SheetSource;
  /** True once the user changed something since the last import, new sheet or restore. */
  dirty: boolean;
  /** True while a submission runs: edits, undo and redo are refused. */
  readOnly: boolean;
  /**
   * True while an edit that rechecks every row of a large sheet is applied off the page (`applyOffPage`): the
   * sheet shows as it was, and further edits, undo, redo and Submit wait.
   */
  checking: boolean;
  canUndo: boolean;
  canRedo: boolean;
  /** What the next undo would take back, for the button's title. */
  undoLabel: string | null;
  redoLabel: string | null;
  /**
   * A block pasted with a header row onto an empty sheet, waiting for the mapping step a file goes through (the
   * Sheet tab takes it); null when none waits.
   */
  pastedTable: ImportedTable | null;
  /**
   * A cell the grid makes active and focuses once the sheet has its row (rows added from the Spans tab: the
   * first new cell); null when none waits. Row and column are the sheet's, counted from 0.
   */
  focusRequest: { row: number; column: number } | null;
}

/**
 * The sheet the user works on, with undo and redo of every edit. Views read it with `useStore(store, selector)`,
 * usually selecting `version` (any edit) or `structureVersion` (rows and columns) and then reading the model.
 */
export class SheetStore extends Store<SheetState> {
  private undoStack: HistoryEntry[] = [];
  private redoStack: HistoryEntry[] = [];
  /** Every edit applied since the sheet was last replaced (undo and redo apply edits too), for autosave's log. */
  private journal: SheetEdit[] = [];
  private replaced = 0;

  /** Where edits that recheck a large sheet are applied (the import worker, in the app); null: on the page. */
  applyOffPage: ApplyOffPage | null = null;

  constructor(model: SheetModel = emptySheet(), source: SheetSource = { name: 'New sheet', kind: 'new' }) {
    super({
      model,
      version: 0,
      structureVersion: 0,
      source,
      dirty: false,
      readOnly: false,
      checking: false,
      canUndo: false,
      canRedo: false,
      undoLabel: null,
      redoLabel: null,
      pastedTable: null,
      focusRequest: null,
    });
  }

  get model(): SheetModel {
    return this.getState().model;
  }

  /** Changes each time the whole sheet is replaced (import, new sheet, restore): the edits start afresh. */
  get generation(): number {
    return this.replaced;
  }

  /** How many edits were applied since the sheet was replaced. */
  get editCount(): number {
    return this.journal.length;
  }

  /** The edits applied since the sheet was replaced, from the `from`-th on, in order. */
  editsSince(from: number): SheetEdit[] {
    return this.journal.slice(from);
  }

  get source(): SheetSource {
    return this.getState().source;
  }

  get dirty(): boolean {
    return this.getState().dirty;
  }

  get readOnly(): boolean {
    return this.getState().readOnly;
  }

  get canUndo(): boolean {
    return this.getState().canUndo;
  }

  get canRedo(): boolean {
    return this.getState().canRedo;
  }

  get undoLabel(): string | null {
    return this.getState().undoLabel;
  }

  get redoLabel(): string | null {
    return this.getState().redoLabel;
  }

  /** Applies an edit the user made; it can be undone. */
  apply(edit: SheetEdit, label: string): void {
    this.applyAll([edit], label);
  }

  /** Applies several edits as one step of undo (a paste that adds rows and fills cells). */
  applyAll(edits: readonly SheetEdit[], label: string): void {
    if (this.readOnly || this.getState().checking || edits.length === 0) return;
    if (this.offPage(edits, (results) => this.recordEdit(edits, results, label))) return;
    const model = this.model;
    const shape = shapeOf(model);
    const results = edits.map((edit) => model.apply(edit));
    this.recordEdit(edits, results, label);
    this.edited(shape, results);
  }

  /** Keeps an edit the user made: in the journal, and as a step of undo (which clears redo). */
  private recordEdit(edits: readonly SheetEdit[], results: readonly EditResult[], label: string): void {
    this.journal.push(...edits);
    this.undoStack.push({ undo: results.map((result) => result.inverse).reverse(), label });
    if (this.undoStack.length > MAX_HISTORY) this.undoStack.shift();
    this.redoStack = [];
  }

  /**
   * Applies edits off the page when they recheck every row of a large sheet: the sheet shows as it was until the
   * result comes back, then it takes its place (`done` records the edit). False when they are applied here.
   * Should the worker fail, they are applied here after all.
   */
  private offPage(edits: readonly SheetEdit[], done: (results: readonly EditResult[]) => void): boolean {
    const apply = this.applyOffPage;
    const model = this.model;
    if (apply === null || model.rowCount < OFF_PAGE_ROWS) return false;
    if (!edits.some((edit) => model.needsFullRecheck(edit))) return false;
    const generation = this.replaced;
    const shape = shapeOf(model);
    this.setState({ ...this.getState(), checking: true });
    const settle = (next: SheetModel, results: readonly EditResult[]) => {
      // A sheet replaced meanwhile (an import) makes the result moot.
      if (this.replaced !== generation) return;
      done(results);
      this.setState({ ...this.getState(), model: next, checking: false });
      this.edited(shape, results);
    };
    apply(model, edits).then(
      ({ model: next, results }) => settle(next, results),
      () =>
        settle(
          model,
          edits.map((edit) => model.apply(edit)),
        ),
    );
    return true;
  }

  /**
   * Reads the sheet with the keys the project already types (SPEC §2), once they are known or when they change:
   * a column read otherwise rechecks every row, off the page on a large sheet. Not an edit: nothing to undo, and
   * the sheet is not marked changed. Waits (false) while a submission runs or a recheck is under way; the caller
   * asks again once they end.
   */
  setProjectTypes(types: ProjectTypes): boolean {
    const state = this.getState();
    const model = state.model;
    if (state.readOnly || state.checking) return false;
    if (!model.projectTypesChange(types)) {
      model.setProjectTypes(types);
      return true;
    }
    const reread = (next: SheetModel) => {
      const current = this.getState();
      this.setState(
        this.withHistory({
          ...current,
          model: next,
          checking: false,
          version: current.version + 1,
          structureVersion: current.structureVersion + 1,
        }),
      );
    };
    const apply = this.applyOffPage;
    if (apply === null || model.rowCount < OFF_PAGE_ROWS) {
      model.setProjectTypes(types);
      reread(model);
      return true;
    }
    const generation = this.replaced;
    this.setState(this.withHistory({ ...state, checking: true }));
    const settle = (next: SheetModel) => {
      // A sheet replaced meanwhile (an import) makes the result moot; it is read with the types anew.
      if (this.replaced === generation) reread(next);
    };
    apply(model, [], types).then(
      ({ model: next }) => settle(next),
      () => {
        model.setProjectTypes(types);
        settle(model);
      },
    );
    return true;
  }

  undo(): void {
    this.step(this.undoStack, this.redoStack);
  }

  redo(): void {
    this.step(this.redoStack, this.undoStack);
  }

  private step(from: HistoryEntry[], to: HistoryEntry[]): void {
    if (this.readOnly || this.getState().checking) return;
    const entry = from.pop();
    if (!entry) return;
    const record = (results: readonly EditResult[]) => {
      this.journal.push(...entry.undo);
      to.push({ undo: results.map((result) => result.inverse).reverse(), label: entry.label });
    };
    if (this.offPage(entry.undo, record)) return;
    const model = this.model;
    const shape = shapeOf(model);
    const results = entry.undo.map((edit) => model.apply(edit));
    record(results);
    this.edited(shape, results);
  }

  /** Replaces the whole sheet (import, new sheet, restore); history starts afresh. */
  replace(model: SheetModel, source: SheetSource, dirty = false): void {
    this.undoStack = [];
    this.redoStack = [];
    this.journal = [];
    this.replaced++;
    const state = this.getState();
    this.setState(
      this.withHistory({
        ...state,
        model,
        source,
        dirty,
        checking: false,
        version: state.version + 1,
        structureVersion: state.structureVersion + 1,
      }),
    );
  }

  /**
   * Offers a pasted block with a header row to become the sheet: it goes through the mapping step, as a file
   * does, and replaces the sheet only once its columns are confirmed.
   */
  pasteSheet(table: ImportedTable): void {
    if (this.readOnly) return;
    this.setState({ ...this.getState(), pastedTable: table });
  }

  /** Takes the pasted block that waits for the mapping step, leaving none. */
  takePastedTable(): ImportedTable | null {
    const { pastedTable } = this.getState();
    if (pastedTable !== null) this.setState({ ...this.getState(), pastedTable: null });
    return pastedTable;
  }

  /** Asks the grid to make a cell active and focus it, once the sheet has its row (`focusRequest`). */
  requestFocus(cell: { row: number; column: number }): void {
    this.setState({ ...this.getState(), focusRequest: cell });
  }

  /** The grid took the cell it was asked to focus. */
  clearFocusRequest(): void {
    if (this.getState().focusRequest !== null) this.setState({ ...this.getState(), focusRequest: null });
  }

  /**
   * Makes the sheet read-only while a submission runs (edits, undo and redo are refused), or editable again. Not
   * a change of the data: `version` stays, so nothing computed from the sheet is computed again.
   */
  setReadOnly(readOnly: boolean): void {
    const state = this.getState();
    if (state.readOnly === readOnly) return;
    this.setState(this.withHistory({ ...state, readOnly }));
  }

  /** The state after edits of the model in place: a new version, and a new structure version if it reshaped. */
  private edited(before: { rows: number; columns: number }, results: readonly EditResult[]): void {
    const state = this.getState();
    const after = shapeOf(state.model);
    const reshaped =
      after.rows !== before.rows ||
      after.columns !== before.columns ||
      results.some((result) => result.changes.rows === 'all' || result.changes.columns === 'all');
    this.setState(
      this.withHistory({
        ...state,
        dirty: true,
        version: state.version + 1,
        structureVersion: state.structureVersion + (reshaped ? 1 : 0),
      }),
    );
  }

  /** The state with what undo and redo can do now. */
  private withHistory(state: SheetState): SheetState {
    return {
      ...state,
      canUndo: this.undoStack.length > 0 && !state.readOnly && !state.checking,
      canRedo: this.redoStack.length > 0 && !state.readOnly && !state.checking,
      undoLabel: this.undoStack.at(-1)?.label ?? null,
      redoLabel: this.redoStack.at(-1)?.label ?? null,
    };
  }
}

function shapeOf(model: SheetModel): { rows: number; columns: number } {
  return { rows: model.rowCount, columns: model.columns.length };
}

/**
 * A blank sheet with the three standard columns and a few empty rows to type into. Its metadata column has the
 * key given, or none yet: then it blocks the spans with a value in it until the key is named.
 */
export function emptySheet(rows = 5, metadataKey = ''): SheetModel {
  const columns: ColumnSettings[] = standardColumns(metadataKey);
  const cells: CellValue[][] = columns.map(() => new Array<CellValue>(rows).fill(undefined));
  return new SheetModel(columns, cells, rows);
}
