import type { CellValue } from '@/core/cell-reading';
import { type ColumnSettings, standardColumns } from '@/core/columns';
import { type EditResult, type SheetEdit, SheetModel } from '@/core/sheet-model';

/** Where the sheet came from, shown to the user and kept with autosave. */
export interface SheetSource {
  name: string;
  kind: 'new' | 'file' | 'paste' | 'sample' | 'restored' | 'failed-rows';
}

interface HistoryEntry {
  /** Edits that take the step back, applied in order. */
  undo: SheetEdit[];
  label: string;
}

const MAX_HISTORY = 200;

/**
 * The sheet the user works on, with undo and redo of every edit. React subscribes through `subscribe` and
 * `getVersion` (useSyncExternalStore); the model itself is mutated in place, so a change is a new version.
 */
export class SheetStore {
  private current: SheetModel;
  private undoStack: HistoryEntry[] = [];
  private redoStack: HistoryEntry[] = [];
  private readonly listeners = new Set<() => void>();
  private version = 0;
  private structureVersion = 0;
  private lastChange: EditResult['changes'] | null = null;
  private shape = { rows: 0, columns: 0 };
  /** True once the user changed something since the last import, new sheet or restore. */
  dirty = false;
  readOnly = false;
  source: SheetSource;

  constructor(model: SheetModel = emptySheet(), source: SheetSource = { name: 'New sheet', kind: 'new' }) {
    this.current = model;
    this.source = source;
    this.shape = { rows: model.rowCount, columns: model.columns.length };
  }

  get model(): SheetModel {
    return this.current;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0 && !this.readOnly;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0 && !this.readOnly;
  }

  /** What the next undo would take back, for the button's title. */
  get undoLabel(): string | null {
    return this.undoStack.at(-1)?.label ?? null;
  }

  get redoLabel(): string | null {
    return this.redoStack.at(-1)?.label ?? null;
  }

  /** Changes with every edit, so views re-read the model. */
  getVersion = (): number => this.version;

  /** Changes when rows or columns are added, removed or reconfigured, so row lists are rebuilt. */
  getStructureVersion = (): number => this.structureVersion;

  /** What the last edit changed, for views that update only that. */
  get changes(): EditResult['changes'] | null {
    return this.lastChange;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Applies an edit the user made; it can be undone. */
  apply(edit: SheetEdit, label: string): void {
    this.applyAll([edit], label);
  }

  /** Applies several edits as one step of undo (a paste that adds rows and fills cells). */
  applyAll(edits: readonly SheetEdit[], label: string): void {
    if (this.readOnly || edits.length === 0) return;
    const results = edits.map((edit) => this.current.apply(edit));
    this.undoStack.push({ undo: results.map((result) => result.inverse).reverse(), label });
    if (this.undoStack.length > MAX_HISTORY) this.undoStack.shift();
    this.redoStack = [];
    this.dirty = true;
    this.changed(mergeChanges(results.map((result) => result.changes)));
  }

  undo(): void {
    this.step(this.undoStack, this.redoStack);
  }

  redo(): void {
    this.step(this.redoStack, this.undoStack);
  }

  private step(from: HistoryEntry[], to: HistoryEntry[]): void {
    if (this.readOnly) return;
    const entry = from.pop();
    if (!entry) return;
    const results = entry.undo.map((edit) => this.current.apply(edit));
    to.push({ undo: results.map((result) => result.inverse).reverse(), label: entry.label });
    this.dirty = true;
    this.changed(mergeChanges(results.map((result) => result.changes)));
  }

  /** Replaces the whole sheet (import, new sheet, restore); history starts afresh. */
  replace(model: SheetModel, source: SheetSource, dirty = false): void {
    this.current = model;
    this.source = source;
    this.undoStack = [];
    this.redoStack = [];
    this.dirty = dirty;
    this.changed({ rows: 'all', spans: 'all', columns: 'all' });
  }

  setReadOnly(readOnly: boolean): void {
    this.readOnly = readOnly;
    this.changed(null);
  }

  private changed(changes: EditResult['changes'] | null): void {
    this.lastChange = changes;
    this.version++;
    const reshaped =
      this.current.rowCount !== this.shape.rows || this.current.columns.length !== this.shape.columns;
    if (reshaped || (changes && (changes.rows === 'all' || changes.columns === 'all')))
      this.structureVersion++;
    this.shape = { rows: this.current.rowCount, columns: this.current.columns.length };
    for (const listener of this.listeners) listener();
  }
}

function mergeChanges(all: readonly EditResult['changes'][]): EditResult['changes'] {
  const merge = <T>(parts: readonly (T[] | 'all')[]): T[] | 'all' =>
    parts.some((part) => part === 'all')
      ? 'all'
      : [...new Set(parts.flatMap((part) => (part === 'all' ? [] : part)))];
  return {
    rows: merge(all.map((changes) => changes.rows)),
    spans: merge(all.map((changes) => changes.spans)),
    columns: merge(all.map((changes) => changes.columns)),
  };
}

/** A blank sheet with the three standard columns and a few empty rows to type into. */
export function emptySheet(rows = 5): SheetModel {
  const columns: ColumnSettings[] = standardColumns();
  const cells: CellValue[][] = columns.map(() => new Array<CellValue>(rows).fill(undefined));
  return new SheetModel(columns, cells, rows);
}
