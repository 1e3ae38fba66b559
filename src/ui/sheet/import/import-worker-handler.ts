// What the import worker (import-worker.ts) does with each request of the page: reads a dropped or chosen file as
// its bytes stream in from `file.stream()`, `src/core/import` parsing them, posting progress as it goes; then
// checks the sheet here too (`SheetModel`, every row and span) and posts it packed, its buffers transferred: the
// page opens it without computing a row. After a reload it opens the sheet autosave kept, the same way; and it
// applies the edits of a large sheet that recheck every row (a column whose type changes, rows added in the
// middle). Kept apart from the worker's global scope so the component tests run it in-process.
import { autoMapColumns, type ColumnSettings, type ProjectType } from '@/core/columns';
import { createFileImporter, type ImportedTable, tablePreview, tableRowCount } from '@/core/import';
import { type PackedSheet, packedSheetTransferables, type SheetEdit, SheetModel } from '@/core/sheet';
import { loadSavedSheets } from '@/ui/sheet/autosave/autosave';
import {
  type ImportWorkerMessage,
  type ImportWorkerRequest,
  MAPPING_PREVIEW_ROWS,
} from './import-worker-protocol';

const PROGRESS_INTERVAL_MS = 100;

/** Posts a message to the page, moving (not copying) the buffers in `transfer`. */
export type PostToPage = (message: ImportWorkerMessage, transfer: Transferable[]) => void;

/**
 * The import worker's handler of the page's requests, posting its answers through `postToPage`: one per worker, as
 * it keeps the file read last while its columns are mapped. Each call settles once its request is answered.
 */
export function createImportWorkerHandler(
  postToPage: PostToPage,
): (request: ImportWorkerRequest) => Promise<void> {
  /** The file read last, kept while its columns are mapped. */
  let table: ImportedTable | null = null;
  /** How long reading and parsing the file read last took. */
  let readMs = 0;

  const post = (message: ImportWorkerMessage, transfer: Transferable[] = []) => postToPage(message, transfer);

  async function readFile(file: File, knownKeys: readonly string[], sheet?: string): Promise<void> {
    const started = performance.now();
    try {
      const importer = createFileImporter(file.name, file.size, sheet === undefined ? {} : { sheet });
      if (!importer.error) {
        const reader = file.stream().getReader();
        let lastReport = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          importer.push(value);
          if (importer.error) {
            await reader.cancel();
            break;
          }
          const now = performance.now();
          if (now - lastReport > PROGRESS_INTERVAL_MS) {
            lastReport = now;
            post({
              type: 'progress',
              bytesRead: importer.bytesRead,
              totalBytes: file.size,
              rows: importer.rowCount,
            });
          }
        }
      }
      post({ type: 'progress', bytesRead: file.size, totalBytes: file.size, rows: importer.rowCount });
      const result = await importer.finish();
      readMs = performance.now() - started;
      if (!result.ok) {
        post({ type: 'rejected', error: result.error });
        return;
      }
      const { columns, allRecognized } = autoMapColumns(
        result.table.headers,
        result.table.origin,
        knownKeys,
        {
          plainHeadersAsKeys: true,
        },
      );
      if (allRecognized) {
        check(result.table, columns);
        return;
      }
      table = result.table;
      const preview = tablePreview(result.table, MAPPING_PREVIEW_ROWS);
      post({ type: 'mapping', preview, rowCount: tableRowCount(result.table), columns });
    } catch (error) {
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Checks every row and span of the table and posts the packed sheet, its buffers moved, not copied. */
  function check(read: ImportedTable, columns: ColumnSettings[]): void {
    try {
      const started = performance.now();
      const rowCount = tableRowCount(read);
      post({ type: 'checking', rows: rowCount });
      table = null;
      let model: SheetModel;
      // CSV/TSV read straight into columns is checked as it is; other rows become columns and go: a million row
      // arrays less to carry while the sheet is checked.
      if (read.columns !== undefined) model = SheetModel.fromTextColumns(columns, read.columns, rowCount);
      else {
        const cells = columns.map((_, index) => read.rows.map((row) => row[index]));
        read.rows.length = 0;
        model = SheetModel.fromColumns(columns, cells, rowCount);
      }
      const checked = performance.now();
      const packed = model.pack();
      const timings = { readMs, checkMs: checked - started, packMs: performance.now() - checked };
      post({ type: 'done', sheet: packed, timings }, packedSheetTransferables(packed));
    } catch (error) {
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Opens the sheet autosave kept: the whole sheet computed and its edits replayed here, posted packed. */
  async function restore(): Promise<void> {
    try {
      const { sheet, unrestored } = await loadSavedSheets(indexedDB);
      if (sheet === null) {
        post({ type: 'restored', restored: null, unrestored });
        return;
      }
      const packed = sheet.model.pack();
      const { source, dirty, repairs, log } = sheet;
      post(
        { type: 'restored', restored: { sheet: packed, source, dirty, repairs, log }, unrestored },
        packedSheetTransferables(packed),
      );
    } catch (error) {
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Applies edits that recheck every row to the sheet posted, and posts it back packed with the edits' results. */
  function applyEdits(
    sheet: PackedSheet,
    edits: readonly SheetEdit[],
    projectTypes: [string, ProjectType][] | undefined,
  ): void {
    try {
      const model = SheetModel.unpack(sheet);
      if (projectTypes) model.setProjectTypes(new Map(projectTypes));
      const results = edits.map((edit) => model.apply(edit));
      const packed = model.pack();
      post({ type: 'applied', sheet: packed, results }, packedSheetTransferables(packed));
    } catch (error) {
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  return async (request) => {
    if (request.type === 'import') await readFile(request.file, request.knownKeys, request.sheet);
    else if (request.type === 'restore') await restore();
    else if (request.type === 'apply') applyEdits(request.sheet, request.edits, request.projectTypes);
    else if (table !== null) check(table, request.columns);
    else post({ type: 'failed', message: 'There is no file to check: import it again.' });
  };
}
