import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ColumnSettings } from '@/core/columns';
import { describeLocation, type Issue, issueMessage } from '@/core/issues';
import type { RowStatus } from '@/core/sheet-model';
import { parsePastedCells } from '@/core/import';
import { cellFromText, cellText } from '@/ui/shared/cell-text';
import { formatClipboardTable } from './clipboard';
import { ColumnHeader } from './column-header';
import { type CellPosition, historyShortcut, moveActiveCell, startsTyping } from './grid-navigation';
import { isSheetEmpty, pasteEdits, sheetFromPastedBlock } from './paste';
import { countText } from '@/ui/shared/format';
import { useStore } from '@/ui/shared/use-store';
import { filterRows, type RowFilter } from './row-filter';
import type { SheetStore } from './sheet-store';

const ROW_HEIGHT = 32;
const STATUS_WIDTH = 88;

interface GridRow {
  /** The row's index in the sheet (0-based). */
  index: number;
}

const features = tableFeatures({});
const columnHelper = createColumnHelper<typeof features, GridRow>();

declare module '@tanstack/react-table' {
  // Declaration merging types the metadata each grid column carries (TanStack's ColumnMeta).
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TFeatures, TData, TValue> {
    sheetColumn?: ColumnSettings;
  }
}

interface EditingState {
  position: CellPosition;
  text: string;
  /** True when typing started the edit: arrows then commit and move, as in a spreadsheet. */
  typed: boolean;
}

/**
 * The editable, virtualized grid of the sheet: one DOM row per visible row only, keyboard navigation, inline
 * editing, paste of a block, undo and redo. It renders what `src/core` computed for each cell.
 */
export function SheetGrid({ store, filter }: { store: SheetStore; filter: RowFilter }) {
  const model = useStore(store, (state) => state.model);
  const version = useStore(store, (state) => state.version);
  const structureVersion = useStore(store, (state) => state.structureVersion);
  const readOnly = useStore(store, (state) => state.readOnly);
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<CellPosition>({ row: 0, column: 0 });
  const [editing, setEditing] = useState<EditingState | null>(null);
  /** Set while Escape closes the editor, so the blur that follows does not commit what was cancelled. */
  const cancelling = useRef(false);

  const filterVersion = filter === 'all' ? structureVersion : version;
  const visibleRows = useMemo(
    () => filterRows((row) => model.rowStatus(row), model.rowCount, filter),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the model mutates in place; versions say when
    [model, filter, filterVersion],
  );
  const data = useMemo<GridRow[]>(() => visibleRows.map((index) => ({ index })), [visibleRows]);
  const sheetColumns = model.columns;
  const columns = useMemo(
    () =>
      columnHelper.columns(
        sheetColumns.map((column) =>
          columnHelper.display({ id: column.id, header: column.name, meta: { sheetColumn: column } }),
        ),
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- columns change with the structure version
    [sheetColumns, structureVersion],
  );
  const table = useTable({ features, columns, data, getRowId: (row) => String(row.index) });
  const rows = table.getRowModel().rows;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // Render a first screenful before the scroll area is measured (and where it cannot be, as in jsdom).
    initialRect: { width: 1200, height: 640 },
  });

  const columnCount = sheetColumns.length;
  const activeRow = Math.min(active.row, Math.max(0, rows.length - 1));
  const activeColumn = Math.min(active.column, Math.max(0, columnCount - 1));
  const activeSheetRow = visibleRows[activeRow];
  const activeColumnSettings = sheetColumns[activeColumn];

  useEffect(() => {
    virtualizer.scrollToIndex(activeRow, { align: 'auto' });
  }, [activeRow, virtualizer]);

  // Fixed widths keep the sticky header aligned with the absolutely positioned rows.
  const template = `${STATUS_WIDTH}px ${sheetColumns
    .map((column) =>
      column.target.kind === 'patch_document'
        ? '340px'
        : column.target.kind === 'span_id'
          ? '190px'
          : '210px',
    )
    .join(' ')}`;

  const focusGrid = () => gridRef.current?.focus({ preventScroll: true });

  const commit = (state: EditingState) => {
    const row = visibleRows[state.position.row];
    const column = sheetColumns[state.position.column];
    setEditing(null);
    if (row === undefined || !column) return;
    const value = cellFromText(state.text, column);
    if (cellText(model.cell(row, column.id)) === state.text) return;
    store.apply({ kind: 'set_cells', cells: [{ row, columnId: column.id, value }] }, `Edit row ${row + 1}`);
  };

  const startEditing = (text: string | null, typed: boolean) => {
    if (readOnly || activeSheetRow === undefined || !activeColumnSettings) return;
    setEditing({
      position: { row: activeRow, column: activeColumn },
      text: text ?? cellText(model.cell(activeSheetRow, activeColumnSettings.id)),
      typed,
    });
  };

  const onGridKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (editing) return;
    const history = historyShortcut(event);
    if (history) {
      event.preventDefault();
      if (history === 'undo') store.undo();
      else store.redo();
      return;
    }
    if (event.key === 'F2' || event.key === 'Enter') {
      event.preventDefault();
      startEditing(null, false);
      return;
    }
    if (
      (event.key === 'Delete' || event.key === 'Backspace') &&
      activeSheetRow !== undefined &&
      activeColumnSettings
    ) {
      event.preventDefault();
      if (model.cell(activeSheetRow, activeColumnSettings.id) === undefined) return;
      store.apply(
        {
          kind: 'set_cells',
          cells: [{ row: activeSheetRow, columnId: activeColumnSettings.id, value: undefined }],
        },
        `Clear row ${activeSheetRow + 1}`,
      );
      return;
    }
    if (startsTyping(event)) {
      event.preventDefault();
      startEditing(event.key, true);
      return;
    }
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 320) / ROW_HEIGHT) - 1);
    const next = moveActiveCell({ row: activeRow, column: activeColumn }, event.key, event.shiftKey, {
      rows: rows.length,
      columns: columnCount,
      page,
    });
    if (next) {
      event.preventDefault();
      setActive(next);
    }
  };

  const onEditorKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (!editing) return;
    const arrows = editing.typed
      ? ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight']
      : ['ArrowUp', 'ArrowDown'];
    if (event.key === 'Escape') {
      event.preventDefault();
      cancelling.current = true;
      setEditing(null);
      focusGrid();
      cancelling.current = false;
      return;
    }
    if (event.key === 'Enter' || event.key === 'Tab' || arrows.includes(event.key)) {
      event.preventDefault();
      commit(editing);
      const next = moveActiveCell(editing.position, event.key, event.shiftKey, {
        rows: rows.length,
        columns: columnCount,
        page: 1,
      });
      if (next) setActive(next);
      focusGrid();
    }
  };

  const onPaste = (event: React.ClipboardEvent<HTMLDivElement>) => {
    if (editing || readOnly) return;
    const text = event.clipboardData.getData('text/plain');
    if (!text) return;
    event.preventDefault();
    const block = parsePastedCells(text);
    const pastedSheet = isSheetEmpty(model) ? sheetFromPastedBlock(block) : null;
    if (pastedSheet) {
      store.replace(pastedSheet, { name: 'Pasted sheet', kind: 'paste' }, true);
      setActive({ row: 0, column: 0 });
      return;
    }
    const edits = pasteEdits(
      block,
      { row: activeRow, column: activeColumn },
      sheetColumns,
      visibleRows,
      model.rowCount,
      filter === 'all',
    );
    const cellCount = block.reduce((count, row) => count + row.length, 0);
    store.applyAll(edits, `Paste ${countText(cellCount, 'cell')}`);
  };

  const onCopy = (event: React.ClipboardEvent<HTMLDivElement>) => {
    if (editing || activeSheetRow === undefined || !activeColumnSettings) return;
    event.preventDefault();
    event.clipboardData.setData(
      'text/plain',
      formatClipboardTable([[cellText(model.cell(activeSheetRow, activeColumnSettings.id))]]),
    );
  };

  const activeIssues =
    activeSheetRow !== undefined && activeColumnSettings
      ? model.cellIssues(activeSheetRow, activeColumnSettings.id)
      : [];
  const activeCellId = `cell-${activeRow}-${activeColumn}`;

  return (
    <div className="sheet-grid-frame">
      <div
        ref={gridRef}
        role="grid"
        aria-label="Sheet"
        aria-rowcount={rows.length + 1}
        aria-colcount={columnCount + 1}
        aria-readonly={readOnly || undefined}
        aria-activedescendant={rows.length > 0 ? activeCellId : undefined}
        tabIndex={0}
        className="sheet-grid"
        onKeyDown={onGridKeyDown}
        onPaste={onPaste}
        onCopy={onCopy}
      >
        <div ref={scrollRef} className="sheet-grid-scroll">
          <div role="rowgroup" className="sheet-grid-head">
            {table.getHeaderGroups().map((group) => (
              <div
                key={group.id}
                role="row"
                aria-rowindex={1}
                className="sheet-row"
                style={{ gridTemplateColumns: template }}
              >
                <div role="columnheader" aria-colindex={1} className="sheet-status-head">
                  Row
                </div>
                {group.headers.map((header, index) => {
                  const column = header.column.columnDef.meta?.sheetColumn;
                  return column ? (
                    <ColumnHeader key={header.id} store={store} column={column} columnIndex={index + 2} />
                  ) : null;
                })}
              </div>
            ))}
          </div>
          <div role="rowgroup" className="sheet-grid-body" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              const sheetRow = row.original.index;
              const status = model.rowStatus(sheetRow);
              const rowIssues = model.rowIssues(sheetRow);
              return (
                <div
                  key={row.id}
                  role="row"
                  aria-rowindex={item.index + 2}
                  className={`sheet-row sheet-row-${status}`}
                  style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)` }}
                >
                  <div role="rowheader" aria-colindex={1} className="sheet-status">
                    <span className="sheet-row-number">{sheetRow + 1}</span>
                    <StatusBadge status={status} issues={rowIssues} />
                    {!readOnly && (
                      <button
                        type="button"
                        className="row-delete"
                        aria-label={`Delete row ${sheetRow + 1}`}
                        title={`Delete row ${sheetRow + 1}`}
                        tabIndex={-1}
                        onClick={() =>
                          store.apply(
                            { kind: 'delete_rows', at: sheetRow, count: 1 },
                            `Delete row ${sheetRow + 1}`,
                          )
                        }
                      >
                        ×
                      </button>
                    )}
                  </div>
                  {row.getAllCells().map((cell, columnIndex) => {
                    const column = cell.column.columnDef.meta?.sheetColumn;
                    if (!column) return null;
                    const isActive = item.index === activeRow && columnIndex === activeColumn;
                    const isEditing =
                      editing !== null &&
                      editing.position.row === item.index &&
                      editing.position.column === columnIndex;
                    const issues = rowIssues.filter((issue) => issue.columnId === column.id);
                    return (
                      <GridCell
                        key={cell.id}
                        id={`cell-${item.index}-${columnIndex}`}
                        columnIndex={columnIndex + 2}
                        text={cellText(model.cell(sheetRow, column.id))}
                        issues={issues}
                        active={isActive}
                        editing={isEditing ? editing : null}
                        onEditText={(text) => setEditing((state) => (state ? { ...state, text } : state))}
                        onEditorKeyDown={onEditorKeyDown}
                        onEditorBlur={() => {
                          if (editing && isEditing && !cancelling.current) commit(editing);
                        }}
                        onSelect={() => {
                          setActive({ row: item.index, column: columnIndex });
                          focusGrid();
                        }}
                        onOpen={() => {
                          setActive({ row: item.index, column: columnIndex });
                          if (!readOnly) {
                            setEditing({
                              position: { row: item.index, column: columnIndex },
                              text: cellText(model.cell(sheetRow, column.id)),
                              typed: false,
                            });
                          }
                        }}
                      />
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
        {rows.length === 0 && (
          <p className="sheet-grid-empty">
            {filter === 'all' ? 'This sheet has no rows yet.' : `No rows with ${filter}.`}
          </p>
        )}
      </div>
      <CellInspector
        location={
          activeSheetRow !== undefined && activeColumnSettings
            ? describeLocation({ row: activeSheetRow + 1, column: activeColumnSettings.name })
            : null
        }
        issues={activeIssues}
      />
    </div>
  );
}

function StatusBadge({ status, issues }: { status: RowStatus; issues: readonly Issue[] }) {
  if (status === 'ok' || status === 'blank') {
    return <span className="visually-hidden">{status === 'ok' ? 'ready' : 'blank'}</span>;
  }
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  const warnings = issues.length - errors;
  const label =
    status === 'error'
      ? `${countText(errors, 'error')}${warnings > 0 ? `, ${countText(warnings, 'warning')}` : ''}`
      : countText(warnings, 'warning');
  return (
    <span className={`status-badge status-badge-${status}`} title={issues.map(issueMessage).join('\n')}>
      <span aria-hidden="true">{status === 'error' ? '✖' : '▲'}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

interface GridCellProps {
  id: string;
  columnIndex: number;
  text: string;
  issues: readonly Issue[];
  active: boolean;
  editing: EditingState | null;
  onEditText: (text: string) => void;
  onEditorKeyDown: (event: React.KeyboardEvent<HTMLInputElement>) => void;
  onEditorBlur: () => void;
  onSelect: () => void;
  onOpen: () => void;
}

function GridCell({
  id,
  columnIndex,
  text,
  issues,
  active,
  editing,
  onEditText,
  onEditorKeyDown,
  onEditorBlur,
  onSelect,
  onOpen,
}: GridCellProps) {
  const severity = issues.some((issue) => issue.severity === 'error')
    ? 'error'
    : issues.length > 0
      ? 'warning'
      : null;
  const messages = issues.map(issueMessage);
  const descriptionId = `${id}-issues`;
  return (
    <div
      id={id}
      role="gridcell"
      aria-colindex={columnIndex}
      aria-selected={active}
      aria-invalid={severity === 'error' || undefined}
      aria-describedby={messages.length > 0 ? descriptionId : undefined}
      className={`sheet-cell${active ? ' sheet-cell-active' : ''}${severity ? ` sheet-cell-${severity}` : ''}`}
      title={messages.length > 0 ? messages.join('\n') : undefined}
      onMouseDown={(event) => {
        if (editing) return;
        event.preventDefault();
        onSelect();
      }}
      onDoubleClick={onOpen}
    >
      {editing ? (
        <input
          className="sheet-cell-editor"
          aria-label="Cell value"
          autoFocus
          value={editing.text}
          onChange={(event) => onEditText(event.target.value)}
          onKeyDown={onEditorKeyDown}
          onBlur={onEditorBlur}
        />
      ) : (
        <>
          <span className="sheet-cell-text">{text}</span>
          {severity && (
            <span className={`cell-icon cell-icon-${severity}`} aria-hidden="true">
              {severity === 'error' ? '✖' : '▲'}
            </span>
          )}
        </>
      )}
      {messages.length > 0 && (
        <span id={descriptionId} hidden>
          {`${severity === 'error' ? 'Error' : 'Warning'}: ${messages.join(' ')}`}
        </span>
      )}
    </div>
  );
}

/** The active cell's location and what is said about it, readable without hovering. */
function CellInspector({ location, issues }: { location: string | null; issues: readonly Issue[] }) {
  return (
    <div className="cell-inspector" aria-live="polite">
      {location && <span className="cell-inspector-location">{location}</span>}
      {issues.length === 0 ? (
        <span className="cell-inspector-ok">{location ? 'No problems' : ''}</span>
      ) : (
        <ul className="cell-inspector-issues">
          {issues.map((issue, index) => (
            <li key={`${issue.code}-${index}`} className={`issue-${issue.severity}`}>
              <strong>{issue.severity === 'error' ? 'Error' : 'Warning'}:</strong> {issueMessage(issue)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
