import { useState, useSyncExternalStore } from 'react';
import type { ColumnSettings } from '@/core/columns';
import { describeSize } from '@/core/import';
import { ConfirmDialog } from '@/ui/components/modal';
import { MappingDialog } from './mapping-dialog';
import { isSheetEmpty } from './paste';
import { SAMPLES } from './samples';
import type { RowFilter } from './row-filter';
import { SheetGrid } from './sheet-grid';
import { emptySheet, type SheetStore } from './sheet-store';
import { SheetSummary } from './sheet-summary';
import { useSheetImport } from './use-sheet-import';

type PendingReplace = { kind: 'new' } | { kind: 'file'; file: File; sample: boolean };

let addedColumns = 0;

/** A column id not used by the sheet yet. */
function freshColumnId(columns: readonly ColumnSettings[]): string {
  const used = new Set(columns.map((column) => column.id));
  let id: string;
  do id = `n${++addedColumns}`;
  while (used.has(id));
  return id;
}

/** The Sheet tab: import, map, edit and check a sheet of span IDs and metadata. */
export function SheetView({ store, restoring }: { store: SheetStore; restoring: boolean }) {
  const version = useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
  const [filter, setFilter] = useState<RowFilter>('all');
  const [pending, setPending] = useState<PendingReplace | null>(null);
  const [dragging, setDragging] = useState(false);
  const importer = useSheetImport(store);
  const model = store.model;
  const summary = model.summary();
  const empty = isSheetEmpty(model);

  const replaceSheet = (request: PendingReplace) => {
    if (request.kind === 'new') {
      store.replace(emptySheet(), { name: 'New sheet', kind: 'new' });
      setFilter('all');
    } else {
      void importer.importFile(request.file, request.sample ? 'sample' : 'file');
    }
  };

  /** Asks first when the sheet holds edits that would be lost. */
  const requestReplace = (request: PendingReplace) => {
    if (store.dirty && !isSheetEmpty(store.model)) setPending(request);
    else replaceSheet(request);
  };

  const openSample = async (path: string, name: string) => {
    const response = await fetch(path);
    const blob = await response.blob();
    requestReplace({ kind: 'file', file: new File([blob], name, { type: blob.type }), sample: true });
  };

  const addRow = () => store.apply({ kind: 'insert_rows', at: model.rowCount, rows: [{}] }, 'Add row');

  const addColumn = () => {
    const key = `key_${model.columns.filter((column) => column.target.kind === 'metadata').length + 1}`;
    const patchIndex = model.columns.findIndex((column) => column.target.kind === 'patch_document');
    const column: ColumnSettings = {
      id: freshColumnId(model.columns),
      name: `attributes.metadata.${key}`,
      target: { kind: 'metadata', key },
      type: 'auto',
      blankPolicy: 'skip',
      origin: 'text',
    };
    store.apply(
      { kind: 'add_column', at: patchIndex === -1 ? model.columns.length : patchIndex, column },
      'Add column',
    );
  };

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
            accept=".csv,.tsv,.txt,.json,.jsonl,.ndjson,.parquet"
            disabled={busy || store.readOnly}
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) requestReplace({ kind: 'file', file, sample: false });
            }}
          />
        </label>
        <button
          type="button"
          disabled={busy || store.readOnly}
          onClick={() => requestReplace({ kind: 'new' })}
        >
          New sheet
        </button>
        <span className="toolbar-separator" />
        <button type="button" disabled={store.readOnly} onClick={addRow}>
          Add row
        </button>
        <button type="button" disabled={store.readOnly} onClick={addColumn}>
          Add column
        </button>
        <span className="toolbar-separator" />
        <button
          type="button"
          disabled={!store.canUndo}
          title={store.undoLabel ? `Undo: ${store.undoLabel} (Ctrl+Z)` : 'Undo (Ctrl+Z)'}
          onClick={() => store.undo()}
        >
          Undo
        </button>
        <button
          type="button"
          disabled={!store.canRedo}
          title={store.redoLabel ? `Redo: ${store.redoLabel} (Ctrl+Shift+Z)` : 'Redo (Ctrl+Shift+Z)'}
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
        <SheetSummary summary={summary} />
        <span className="sheet-source">
          {store.source.name}
          {store.readOnly && ' · read-only while a submission runs'}
        </span>
      </div>

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
            {importer.state.progress.rows > 0 &&
              `, ${importer.state.progress.rows.toLocaleString('en-US')} rows`}
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
          Checking {importer.state.rows.toLocaleString('en-US')} rows of {importer.state.fileName}…
        </div>
      )}

      {restoring ? (
        <p className="empty-state">Restoring your sheet…</p>
      ) : (
        <>
          {empty && store.source.kind === 'new' && (
            <div className="onboarding">
              <p>
                Type or paste span IDs and values below, paste a block copied from a spreadsheet, import a
                file (CSV, TSV, JSON, JSONL or Parquet), or drop one here.
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
          <SheetGrid store={store} version={version} filter={filter} />
        </>
      )}

      {importer.state.step === 'mapping' && (
        <MappingDialog
          fileName={importer.state.fileName}
          table={importer.state.table}
          initialColumns={importer.state.columns}
          onConfirm={importer.confirmMapping}
          onCancel={importer.cancel}
        />
      )}
      {pending && (
        <ConfirmDialog
          title="Replace the current sheet?"
          message={
            <p>
              The current sheet ({summary.rows.toLocaleString('en-US')} rows) has edits. Replacing it discards
              them; export or submit them first if you need them.
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
