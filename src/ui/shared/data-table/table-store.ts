import { Store } from '@/ui/shared/store';

/** A cell of a table: its row (0-based among the rows listed, or -1 for the header row) and its column (0-based). */
export interface TablePosition {
  row: number;
  column: number;
}

/** The cell being edited and the text in its editor. */
export interface EditingCell {
  position: TablePosition;
  text: string;
  /** True when typing started the edit: ArrowLeft/ArrowRight then commit and move, as in a spreadsheet. */
  typed: boolean;
}

/** What a table keeps between renders that is not its rows: the selection's anchor, the row to focus, the edit. */
export interface TableState {
  /** The key of the row whose checkbox was used last: a Shift+click selects from there. */
  anchor: string | null;
  /** The row whose checkbox should have the focus once it is drawn (a keyboard move), or null. */
  focusRow: number | null;
  editing: EditingCell | null;
}

/**
 * The state beside a data table (Phoenix's table store): which row a Shift+click selects from, where the keyboard
 * moved, and the cell being edited. The table and its cells read it with `useStore`; event handlers read
 * `getState()`, which is current at once: the blur that follows Enter or Escape in an editor finds the edit already
 * ended, so nothing is committed twice.
 */
export class TableStore extends Store<TableState> {
  constructor() {
    super({ anchor: null, focusRow: null, editing: null });
  }

  setAnchor(anchor: string | null): void {
    if (this.getState().anchor !== anchor) this.setState({ ...this.getState(), anchor });
  }

  /** Asks for the focus on a row's checkbox once it is drawn (null once it has it). */
  setFocusRow(focusRow: number | null): void {
    if (this.getState().focusRow !== focusRow) this.setState({ ...this.getState(), focusRow });
  }

  /** Edits a cell: with `text` in its editor. */
  startEditing(position: TablePosition, text: string, typed: boolean): void {
    this.setState({ ...this.getState(), editing: { position, text, typed } });
  }

  /** The text in the editor now. */
  setEditingText(text: string): void {
    const { editing } = this.getState();
    if (editing && editing.text !== text)
      this.setState({ ...this.getState(), editing: { ...editing, text } });
  }

  /** Ends the edit and returns it (to keep its value, or not), or null when no cell was being edited. */
  stopEditing(): EditingCell | null {
    const { editing } = this.getState();
    if (editing) this.setState({ ...this.getState(), editing: null });
    return editing;
  }
}
