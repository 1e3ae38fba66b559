import { parsePastedCells } from '@/core/import';
import { cellText } from '@/ui/shared/cell-text';
import { countText } from '@/ui/shared/format';
import type { SheetStore } from '@/ui/sheet/sheet-store';
import { formatClipboardTable } from './clipboard';
import { type CellPosition, HEADER_ROW } from './grid-navigation';
import { type CellRange, rangeCellCount, rangeTexts } from './grid-selection';
import { everyCellBlank, pasteEdits, tableFromPastedBlock } from './paste';
import type { RowFilter } from './row-filter';

/** The grid's copy and paste handlers. */
export interface GridClipboard {
  onCopy: (event: React.ClipboardEvent<HTMLElement>) => void;
  onPaste: (event: React.ClipboardEvent<HTMLElement>) => void;
}

/**
 * Copy and paste on the grid itself (an editor or the column menu keeps its own): Ctrl+C copies the selected
 * cells as a block, or the active cell (a header copies the column's name); Ctrl+V pastes a block at the active cell, adding rows as needed
 * (from a header, at the first row), or on an empty sheet makes a block with a header row the sheet.
 */
export function useGridClipboard({
  store,
  filter,
  visibleRows,
  active,
  range,
  readOnly,
  onPastedSheet,
}: {
  store: SheetStore;
  filter: RowFilter;
  /** The sheet rows the grid shows, in order. */
  visibleRows: ArrayLike<number>;
  active: CellPosition;
  /** The selected cells: more than one are copied as a block. */
  range: CellRange | null;
  readOnly: boolean;
  /** Called when a pasted block replaced the sheet. */
  onPastedSheet: () => void;
}): GridClipboard {
  return {
    onCopy: (event) => {
      if (event.target !== event.currentTarget) return;
      if (range && rangeCellCount(range) > 1) {
        event.preventDefault();
        const { model } = store;
        const grid = { visibleRows, columns: model.columns, cell: model.cell.bind(model) };
        event.clipboardData.setData('text/plain', formatClipboardTable(rangeTexts(range, grid, cellText)));
        return;
      }
      const column = store.model.columns[active.column];
      const row = visibleRows[active.row];
      if (!column || (active.row !== HEADER_ROW && row === undefined)) return;
      event.preventDefault();
      const text = row === undefined ? column.name : cellText(store.model.cell(row, column.id));
      event.clipboardData.setData('text/plain', formatClipboardTable([[text]]));
    },
    onPaste: (event) => {
      if (event.target !== event.currentTarget || readOnly) return;
      const text = event.clipboardData.getData('text/plain');
      if (!text) return;
      event.preventDefault();
      const { model } = store;
      const block = parsePastedCells(text);
      const pastedTable = everyCellBlank(model) ? tableFromPastedBlock(block) : null;
      if (pastedTable) {
        // It goes through the mapping step, as a file does (the Sheet tab takes it from the store).
        store.pasteSheet(pastedTable);
        onPastedSheet();
        return;
      }
      const edits = pasteEdits(
        block,
        { row: Math.max(0, active.row), column: active.column },
        model.columns,
        visibleRows,
        model.rowCount,
        filter === 'all',
      );
      const cellCount = block.reduce((count, row) => count + row.length, 0);
      store.applyAll(edits, `Paste ${countText(cellCount, 'cell')}`);
    },
  };
}
