import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ColumnSettings } from '@/core/columns';
import { describeLocation } from '@/core/issues';
import { cellText } from '@/ui/shared/cell-text';
import { TableStore } from '@/ui/shared/data-table';
import { countText } from '@/ui/shared/format';
import { useStore } from '@/ui/shared/use-store';
import { useFixedRows } from '@/ui/shared/use-fixed-rows';
import { CellInspector } from './cell-inspector';
import { ColumnHeader } from './column-header';
import { FillDialog } from './fill-dialog';
import { GridCell, StatusBadge } from './grid-cell';
import { type CellPosition, clampPosition, gridKeyAction, HEADER_ROW } from './grid-navigation';
import { filterRows, type RowFilter } from './row-filter';
import type { SheetStore } from '@/ui/sheet/sheet-store';
import { type CellAt, useCellEditor } from './use-cell-editor';
import { inRange } from './grid-selection';
import { useGridClipboard } from './use-grid-clipboard';
import { useGridSelection } from './use-grid-selection';
import './sheet-grid.css';

const ROW_HEIGHT = 32;
const STATUS_WIDTH = 88;

/** A grid row for the table, which lays out the header only (`NO_ROWS`). */
interface GridRow {
  /** The row's index in the sheet (0-based). */
  index: number;
}

const NO_ROWS: GridRow[] = [];

const features = tableFeatures({});
const columnHelper = createColumnHelper<typeof features, GridRow>();

declare module '@tanstack/react-table' {
  // Declaration merging types the metadata each grid column carries (TanStack's ColumnMeta).
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TFeatures, TData, TValue> {
    sheetColumn?: ColumnSettings;
  }
}

/**
 * The editable, virtualized grid of the sheet (the WAI-ARIA data grid pattern): one Tab stop whose active cell,
 * the column headers included, moves with the arrow keys; one DOM row per visible row only. Editing lives in
 * `useCellEditor`, copy and paste in `useGridClipboard`, the keys in `grid-navigation.ts`; the grid renders what
 * `src/core` computed for each cell.
 */
export function SheetGrid({ store, filter }: { store: SheetStore; filter: RowFilter }) {
  const model = useStore(store, (state) => state.model);
  const version = useStore(store, (state) => state.version);
  const structureVersion = useStore(store, (state) => state.structureVersion);
  const readOnly = useStore(store, (state) => state.readOnly || state.checking);
  const gridId = useId();
  /** The grid, which is its own scroll area. */
  const gridRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<CellPosition>({ row: 0, column: 0 });
  /** The state beside the grid: the cell being edited. */
  const [tableStore] = useState(() => new TableStore());
  /** The id of the column whose menu is open. */
  const [menuColumnId, setMenuColumnId] = useState<string | null>(null);

  const filterVersion = filter === 'all' ? structureVersion : version;
  const visibleRows = useMemo(
    () => filterRows((row) => model.rowStatus(row), model.rowCount, filter),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the model mutates in place; versions say when
    [model, filter, filterVersion],
  );
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
  // NOTE: the table lays out the header only: rows are drawn from `visibleRows` as they scroll into view, so a
  // million rows cost an integer each, not a row object each.
  const table = useTable({ features, columns, data: NO_ROWS });

  const virtualizer = useFixedRows({
    count: visibleRows.length,
    rowHeight: ROW_HEIGHT,
    scrollRef: gridRef,
    bodyRef,
  });

  const columnCount = sheetColumns.length;
  const bounds = { rows: visibleRows.length, columns: columnCount, page: 1 };
  const current = clampPosition(active, bounds);
  const activeSheetRow = visibleRows[current.row];
  const activeColumn = sheetColumns[current.column];
  const cellId = (position: CellPosition) =>
    position.row === HEADER_ROW
      ? `${gridId}-head-${position.column}`
      : `${gridId}-cell-${position.row}-${position.column}`;
  const activeId = columnCount > 0 ? cellId(current) : undefined;

  const cellAt: CellAt = (position) => {
    const row = visibleRows[position.row];
    const column = sheetColumns[position.column];
    return row === undefined || !column ? null : { row, column };
  };
  const focusGrid = () => gridRef.current?.focus({ preventScroll: true });
  const selection = useGridSelection({
    store,
    active: current,
    setActive,
    visibleRows,
    columns: sheetColumns,
    readOnly,
  });
  const editor = useCellEditor({
    store,
    tableStore,
    gridRef,
    cellAt,
    bounds,
    readOnly,
    onMove: selection.moveTo,
    onFillSelection: selection.fill,
  });
  const clipboard = useGridClipboard({
    store,
    filter,
    visibleRows,
    active: current,
    range: selection.range,
    readOnly,
    onPastedSheet: () => selection.moveTo({ row: 0, column: 0 }),
  });

  // The fill dialog gives the focus back to the grid, wherever it was opened from (after the dialog gave it back
  // to its opener: a parent's effects run after its child's clean-up).
  const asking = selection.asking;
  const wasAsking = useRef(false);
  useEffect(() => {
    if (wasAsking.current && !asking) focusGrid();
    wasAsking.current = asking;
  });

  useEffect(() => {
    if (current.row !== HEADER_ROW) virtualizer.scrollToIndex(current.row);
  }, [current.row, virtualizer]);

  // Rows added from the Spans tab: their first cell becomes active, with the focus, once the sheet has them.
  const visibleRowsRef = useRef(visibleRows);
  useEffect(() => {
    visibleRowsRef.current = visibleRows;
  }, [visibleRows]);
  useEffect(() => {
    const takeFocusRequest = () => {
      const request = store.getState().focusRequest;
      if (request === null || request.row >= store.model.rowCount) return;
      store.clearFocusRequest();
      setActive({ row: Math.max(0, visibleRowsRef.current.indexOf(request.row)), column: request.column });
      gridRef.current?.focus({ preventScroll: true });
    };
    takeFocusRequest();
    return store.subscribe(takeFocusRequest);
  }, [store]);

  // Bring the active cell into view sideways, clear of the row-number column. NOTE: measured on its column's header,
  // which is always drawn: a row far down (Ctrl+End) is drawn only once the grid has scrolled to it.
  const activeHeadId = columnCount > 0 ? cellId({ row: HEADER_ROW, column: current.column }) : undefined;
  useEffect(() => {
    const scroller = gridRef.current;
    const cell = activeHeadId ? document.getElementById(activeHeadId) : null;
    if (!scroller || !cell) return;
    const left = cell.offsetLeft;
    const right = left + cell.offsetWidth;
    if (left - STATUS_WIDTH < scroller.scrollLeft) scroller.scrollLeft = Math.max(0, left - STATUS_WIDTH);
    else if (right > scroller.scrollLeft + scroller.clientWidth)
      scroller.scrollLeft = right - scroller.clientWidth;
  }, [activeId, activeHeadId]);

  // Fixed widths keep the sticky header aligned with the absolutely positioned rows.
  const template = `${STATUS_WIDTH}px ${sheetColumns
    .map((column) =>
      column.target.kind === 'patch_document'
        ? '340px'
        : column.target.kind === 'span_id'
          ? '190px'
          : column.target.kind === 'ignore'
            ? '120px'
            : '210px',
    )
    .join(' ')}`;

  /** Rows a PageUp or PageDown moves: a screenful less one. */
  const pageSize = () => Math.max(1, Math.floor((gridRef.current?.clientHeight ?? 320) / ROW_HEIGHT) - 1);

  const onGridKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    // Keys in the cell editor and the column menu are theirs.
    if (event.target !== event.currentTarget || editor.editing) return;
    const action = gridKeyAction(current, event, { ...bounds, page: pageSize() });
    if (!action) return;
    event.preventDefault();
    switch (action.kind) {
      case 'undo':
        store.undo();
        return;
      case 'redo':
        store.redo();
        return;
      case 'move':
        selection.moveTo(action.to);
        return;
      case 'extend':
        selection.extendTo(action.to);
        return;
      case 'select_all':
        selection.selectAll();
        return;
      case 'fill_down':
        selection.fillDown();
        return;
      case 'open_menu':
        if (activeColumn) setMenuColumnId(activeColumn.id);
        return;
      case 'edit':
        editor.start(current, action.text, action.text !== null);
        return;
      case 'clear':
        selection.clear();
        return;
    }
  };

  const activeIssues =
    activeSheetRow !== undefined && activeColumn ? model.cellIssues(activeSheetRow, activeColumn.id) : [];

  return (
    <div className="sheet-grid-frame">
      <div className="sheet-grid">
        {/* NOTE: the grid is its own scroll area. A scroll area inside it would be a second, unnamed Tab stop:
            Chromium makes a scroll area focusable when nothing in it is. */}
        <div
          ref={gridRef}
          id={gridId}
          role="grid"
          aria-label="Sheet"
          aria-rowcount={visibleRows.length + 1}
          aria-colcount={columnCount + 1}
          aria-readonly={readOnly || undefined}
          aria-multiselectable
          aria-activedescendant={activeId}
          tabIndex={0}
          className="sheet-grid-scroll"
          onKeyDown={onGridKeyDown}
          onPaste={clipboard.onPaste}
          onCopy={clipboard.onCopy}
        >
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
                  if (!column) return null;
                  const position = { row: HEADER_ROW, column: index };
                  return (
                    <ColumnHeader
                      key={header.id}
                      id={cellId(position)}
                      store={store}
                      column={column}
                      columnIndex={index + 2}
                      active={current.row === HEADER_ROW && current.column === index}
                      menuOpen={menuColumnId === column.id}
                      onOpenMenu={() => {
                        selection.moveTo(position);
                        setMenuColumnId(column.id);
                      }}
                      onFillColumn={
                        readOnly || visibleRows.length === 0
                          ? undefined
                          : () => {
                              setMenuColumnId(null);
                              selection.selectColumnToFill(index);
                            }
                      }
                      onCloseMenu={(returnFocus) => {
                        setMenuColumnId(null);
                        if (returnFocus) focusGrid();
                      }}
                    />
                  );
                })}
              </div>
            ))}
          </div>
          <div
            ref={bodyRef}
            role="rowgroup"
            className="sheet-grid-body"
            style={{ height: virtualizer.totalSize }}
          >
            {virtualizer.rows.map((item) => {
              const sheetRow = visibleRows[item.index];
              if (sheetRow === undefined) return null;
              const status = model.rowStatus(sheetRow);
              const rowIssues = model.rowIssues(sheetRow);
              return (
                <div
                  key={sheetRow}
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
                  {sheetColumns.map((column, columnIndex) => {
                    const position = { row: item.index, column: columnIndex };
                    const editing = editor.editing;
                    const isEditing =
                      editing !== null &&
                      editing.position.row === item.index &&
                      editing.position.column === columnIndex;
                    return (
                      <GridCell
                        key={column.id}
                        id={cellId(position)}
                        columnIndex={columnIndex + 2}
                        text={cellText(model.cell(sheetRow, column.id))}
                        issues={rowIssues.filter((issue) => issue.columnId === column.id)}
                        active={item.index === current.row && columnIndex === current.column}
                        selected={inRange(selection.range, position)}
                        editing={isEditing ? editing : null}
                        onEditText={editor.setText}
                        onEditorKeyDown={editor.onKeyDown}
                        onEditorBlur={editor.onBlur}
                        onSelect={(extend) => {
                          if (extend) selection.extendTo(position);
                          else selection.moveTo(position);
                          focusGrid();
                        }}
                        onOpen={() => {
                          selection.moveTo(position);
                          editor.start(position, null, false);
                        }}
                      />
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
        {visibleRows.length === 0 && (
          <p className="sheet-grid-empty">
            {filter === 'all' ? 'This sheet has no rows yet.' : `No rows with ${filter}.`}
          </p>
        )}
      </div>
      <CellInspector
        location={
          !activeColumn
            ? null
            : describeLocation({
                row: activeSheetRow === undefined ? null : activeSheetRow + 1,
                column: activeColumn.name,
              })
        }
        issues={activeIssues}
        hint={current.row === HEADER_ROW ? "Enter opens the column's menu" : undefined}
      />
      {selection.cellCount > 1 && (
        <div className="selection-bar" role="group" aria-label="Selected cells">
          <span>{`${countText(selection.cellCount, 'cell')} selected: ${selection.where}`}</span>
          <button type="button" disabled={readOnly} onClick={() => selection.setAsking(true)}>
            Fill selected cells…
          </button>
          <button
            type="button"
            disabled={readOnly}
            title="Copies each column's first selected value down (Ctrl+D)"
            onClick={() => {
              selection.fillDown();
              focusGrid();
            }}
          >
            Fill down
          </button>
        </div>
      )}
      {selection.asking && selection.range && (
        <FillDialog
          cellCount={selection.cellCount}
          where={selection.where}
          onFill={selection.fill}
          onCancel={() => selection.setAsking(false)}
        />
      )}
    </div>
  );
}
