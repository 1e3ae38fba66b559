import { useEffect, useRef, useState } from 'react';
import { isUnnamedKeyColumn } from '@/core/columns';
import { describeSize } from '@/core/import';
import { countText } from '@/ui/shared/format';
import { ConfirmDialog } from '@/ui/shared/modal';
import { useStore } from '@/ui/shared/use-store';
import { RestoreFailedNotice } from '@/ui/sheet/autosave/restore-failed-notice';
import { ColumnNotices } from '@/ui/sheet/columns/column-notices';
import { AddColumnDialog } from '@/ui/sheet/columns/key-field';
import { newMetadataColumn } from '@/ui/sheet/columns/new-column';
import { everyCellBlank } from '@/ui/sheet/grid/paste';
import type { RowFilter } from '@/ui/sheet/grid/row-filter';
import { SheetGrid } from '@/ui/sheet/grid/sheet-grid';
import { MappingDialog } from '@/ui/sheet/import/mapping-dialog';
import { SheetPickerDialog } from '@/ui/sheet/import/sheet-picker-dialog';
import { SAMPLES } from '@/ui/sheet/import/samples';
import { useSheetImport } from '@/ui/sheet/import/use-sheet-import';
import { emptySheet, type SheetStore } from './sheet-store';
import { SheetSummary } from './sheet-summary';
import type { UnrestoredDrafts } from './use-autosave';
import { useProjectKeys } from './use-project-keys';

type PendingReplace = { kind: 'new' } | { kind: 'file'; file: File; sample: boolean };

/** The Sheet tab: import, map, edit and check a sheet of span IDs and metadata. */
export function SheetView({
  store,
  restoring,
  unrestored,
}: {
  store: SheetStore;
  restoring: boolean;
  /** Saved drafts that could not be restored, from `useAutosave`. */
  unrestored?: UnrestoredDrafts;
}) {
  // The Sheet tab shows all of the store (summary, toolbar, source line): it follows every change.
  const state = useStore(store, (current) => current);
  const { model, source, canUndo, canRedo, undoLabel, redoLabel, checking } = state;
  // Edits wait while a submission runs, and while a change is rechecked off the page.
  const readOnly = state.readOnly || checking;
  const [filter, setFilter] = useState<RowFilter>('all');
  const [pending, setPending] = useState<PendingReplace | null>(null);
  const [dragging, setDragging] = useState(false);
  const [addingColumn, setAddingColumn] = useState(false);
  /** Set by New sheet: once it shows, the focus goes to the new sheet's key, which the sheet asks for. */
  const askKey = useRef(false);
  const keyInputRef = useRef<HTMLDivElement>(null);
  const knownKeys = useProjectKeys();
  const importer = useSheetImport(store, knownKeys);
  const summary = model.summary();
  const empty = everyCellBlank(model);

  // A block pasted with a header row onto the empty sheet goes through the mapping step, as a file does.
  const pastedTable = useStore(store, (state) => state.pastedTable);
  const { importPasted } = importer;
  useEffect(() => {
    if (pastedTable === null) return;
    const table = store.takePastedTable();
    if (table) importPasted(table);
  }, [pastedTable, store, importPasted]);

  useEffect(() => {
    if (!askKey.current) return;
    askKey.current = false;
    keyInputRef.current?.querySelector('input')?.focus();
  });

  const replaceSheet = (request: PendingReplace) => {
    if (request.kind === 'new') {
      store.replace(emptySheet(), { name: 'New sheet', kind: 'new' });
      setFilter('all');
      askKey.current = true;
    } else {
      void importer.importFile(request.file, request.sample ? 'sample' : 'file');
    }
  };

  /** Asks first when the sheet holds edits that would be lost. */
  const requestReplace = (request: PendingReplace) => {
    if (store.dirty && !everyCellBlank(store.model)) setPending(request);
    else replaceSheet(request);
  };

  const openSample = async (path: string, name: string) => {
    const response = await fetch(path);
    const blob = await response.blob();
    requestReplace({ kind: 'file', file: new File([blob], name, { type: blob.type }), sample: true });
  };

  const addRow = () => store.apply({ kind: 'insert_rows', at: model.rowCount, rows: [{}] }, 'Add row');

  const addColumn = (key: string) => {
    setAddingColumn(false);
    const { column, at } = newMetadataColumn(model.columns, key);
    store.apply({ kind: 'add_column', at, column }, `Add column ${column.name}`);
  };
  const usedKeys = model.columns.flatMap((column) =>
    column.target.kind === 'metadata' ? [column.target.key] : [],
  );

  const busy = importer.state.step !== 'idle';

  return (
    <div
      className={`sheet-view${dragging ? ' sheet-view-dragging' : ''}`}
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setDragging(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        const file = event.dataTransfer.files[0];
        if (file) requestReplace({ kind: 'file', file, sample: false });
      }}
    >
      <div className="sheet-toolbar" role="toolbar" aria-label="Sheet">
        <label className="button primary file-button">
          Import file
          <input
            type="file"
            aria-label="Import file"
            accept=".csv,.tsv,.txt,.json,.jsonl,.ndjson,.parquet,.xlsx,.xlsm"
            disabled={busy || readOnly}
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) requestReplace({ kind: 'file', file, sample: false });
            }}
          />
        </label>
        <button
          type="button"
          disabled={busy || readOnly || restoring}
          onClick={() => requestReplace({ kind: 'new' })}
        >
          New sheet
        </button>
        <span className="toolbar-separator" />
        <button type="button" disabled={readOnly} onClick={addRow}>
          Add row
        </button>
        <button type="button" disabled={readOnly} onClick={() => setAddingColumn(true)}>
          Add column
        </button>
        <span className="toolbar-separator" />
        <button
          type="button"
          disabled={!canUndo}
          title={undoLabel ? `Undo: ${undoLabel} (Ctrl+Z)` : 'Undo (Ctrl+Z)'}
          onClick={() => store.undo()}
        >
          Undo
        </button>
        <button
          type="button"
          disabled={!canRedo}
          title={redoLabel ? `Redo: ${redoLabel} (Ctrl+Shift+Z)` : 'Redo (Ctrl+Shift+Z)'}
          onClick={() => store.redo()}
        >
          Redo
        </button>
        <span className="toolbar-spacer" />
        <label className="filter-label">
          Show
          <select value={filter} onChange={(event) => setFilter(event.target.value as RowFilter)}>
            <option value="all">All rows</option>
            <option value="errors">
              Rows with errors ({summary.rowsWithErrors.toLocaleString('en-US')})
            </option>
            <option value="warnings">
              Rows with warnings ({summary.rowsWithWarnings.toLocaleString('en-US')})
            </option>
          </select>
        </label>
      </div>

      <div className="sheet-status-line">
        <SheetSummary summary={summary} unnamedKeys={model.columns.filter(isUnnamedKeyColumn).length} />
        <span className="sheet-source">
          {source.name}
          {state.readOnly && ' · read-only while a submission runs'}
        </span>
      </div>
      {checking && (
        <p className="banner" role="status">
          Checking {countText(model.rowCount, 'row')} after this change… The sheet shows as it was until then.
        </p>
      )}

      {!restoring && <ColumnNotices store={store} knownKeys={knownKeys} keyInputRef={keyInputRef} />}

      {unrestored && <RestoreFailedNotice drafts={unrestored.drafts} onDiscard={unrestored.discard} />}

      {importer.problem && (
        <div role="alert" className="banner banner-error">
          <p>
            <strong>{importer.problem.fileName} was not imported.</strong> {importer.problem.message} Your
            sheet is unchanged.
          </p>
          <button type="button" onClick={importer.dismissProblem}>
            Dismiss
          </button>
        </div>
      )}

      {importer.state.step === 'reading' && importer.state.showProgress && (
        <div className="banner import-progress">
          <label>
            Reading {importer.state.fileName}: {describeSize(importer.state.progress.bytesRead)} of{' '}
            {describeSize(importer.state.progress.totalBytes)}
            {importer.state.progress.rows > 0 && `, ${countText(importer.state.progress.rows, 'row')}`}
            <progress
              aria-label={`Importing ${importer.state.fileName}`}
              max={importer.state.progress.totalBytes}
              value={importer.state.progress.bytesRead}
            />
          </label>
          <button type="button" onClick={importer.cancel}>
            Cancel import
          </button>
        </div>
      )}
      {importer.state.step === 'checking' && (
        <div className="banner" role="status">
          Checking {countText(importer.state.rows, 'row')} of {importer.state.fileName}…
        </div>
      )}

      {restoring ? (
        <p className="empty-state">Restoring your sheet…</p>
      ) : (
        <>
          {empty && source.kind === 'new' && (
            <div className="onboarding">
              <p>
                Type or paste span IDs and values below, paste a block copied from a spreadsheet, import a
                file (CSV, TSV, JSON, JSONL, Parquet or Excel .xlsx), or drop one here.
              </p>
              <div className="samples">
                <span>Try a sample:</span>
                {SAMPLES.map((sample) => (
                  <button
                    key={sample.path}
                    type="button"
                    title={sample.description}
                    onClick={() => void openSample(sample.path, sample.fileName)}
                  >
                    {sample.title}
                  </button>
                ))}
              </div>
            </div>
          )}
          <SheetGrid store={store} filter={filter} />
        </>
      )}

      {importer.state.step === 'sheet' && (
        <SheetPickerDialog
          fileName={importer.state.fileName}
          sheets={importer.state.sheets}
          onPick={importer.chooseSheet}
          onCancel={importer.cancel}
        />
      )}
      {importer.state.step === 'mapping' && (
        <MappingDialog
          fileName={importer.state.source.kind === 'paste' ? 'the pasted block' : importer.state.fileName}
          table={importer.state.table}
          rowCount={importer.state.rowCount}
          initialColumns={importer.state.columns}
          knownKeys={knownKeys}
          onConfirm={importer.confirmMapping}
          onCancel={importer.cancel}
        />
      )}
      {addingColumn && (
        <AddColumnDialog
          knownKeys={knownKeys}
          usedKeys={usedKeys}
          onAdd={addColumn}
          onCancel={() => setAddingColumn(false)}
        />
      )}
      {pending && (
        <ConfirmDialog
          title="Replace the current sheet?"
          message={
            <p>
              The current sheet ({countText(summary.rows, 'row')}) has edits. Replacing it discards them;
              export or submit them first if you need them.
            </p>
          }
          confirmLabel={pending.kind === 'new' ? 'Start a new sheet' : 'Replace the sheet'}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const request = pending;
            setPending(null);
            replaceSheet(request);
          }}
        />
      )}
    </div>
  );
}
