import { useRef, useState } from 'react';
import { autoMapColumns, type ColumnSettings } from '@/core/columns';
import { checkColumnCount, describeSize, type ImportedTable } from '@/core/import';
import { SheetModel } from '@/core/sheet';
import type { SheetSource, SheetStore } from '@/ui/sheet/sheet-store';
import { readFileInWorker } from './import-worker-client';
import type { ImportProgress } from './import-worker-protocol';

/** Files above this size show a progress bar with Cancel while they are read. */
export const PROGRESS_THRESHOLD_BYTES = 1024 * 1024;

export type ImportState =
  | { step: 'idle' }
  | { step: 'reading'; fileName: string; progress: ImportProgress; showProgress: boolean }
  | {
      step: 'mapping';
      fileName: string;
      /** The rows shown to recognise the columns by (the first rows of a file). */
      table: ImportedTable;
      rowCount: number;
      columns: ColumnSettings[];
      source: SheetSource;
      /** True for a pasted block: the sheet it makes counts as edited (nothing else holds it). */
      dirty: boolean;
      /** Checks the rows with the columns mapped and returns the sheet. */
      finish: (columns: ColumnSettings[]) => Promise<SheetModel>;
    }
  | { step: 'checking'; fileName: string; rows: number }
  /** A workbook with several sheets of data: which one to import. */
  | { step: 'sheet'; fileName: string; file: File; kind: SheetSource['kind']; sheets: string[] };

/** A problem that stopped an import, shown until dismissed; the sheet is left as it was. */
export interface ImportProblem {
  fileName: string;
  message: string;
}

/**
 * The import flow: read and check a file in a worker (progress and Cancel for large files), map its columns when
 * some are not recognised, then replace the sheet with the one the worker checked. A bad file only produces a message: the current sheet is untouched.
 * A block pasted with a header row takes the same mapping step. `knownKeys` are the project's metadata keys: a
 * header naming one is offered as that key.
 */
export function useSheetImport(store: SheetStore, knownKeys: readonly string[] = []) {
  const [state, setState] = useState<ImportState>({ step: 'idle' });
  const [problem, setProblem] = useState<ImportProblem | null>(null);
  const abort = useRef<AbortController | null>(null);

  /** Checks the rows (in the worker for a file) and replaces the sheet; a failure leaves the sheet as it was. */
  const finishImport = async (
    fileName: string,
    rows: number,
    make: () => Promise<SheetModel>,
    source: SheetSource,
    dirty: boolean,
  ) => {
    setState({ step: 'checking', fileName, rows });
    try {
      const model = await make();
      store.replace(model, source, dirty);
      setState({ step: 'idle' });
    } catch (error) {
      failed(fileName, undefined, error);
    }
  };

  const failed = (fileName: string, size: number | undefined, error: unknown) => {
    setState({ step: 'idle' });
    if (error instanceof DOMException && error.name === 'AbortError') return;
    const message = error instanceof Error ? error.message : String(error);
    const sized = size === undefined ? fileName : `${fileName} (${describeSize(size)})`;
    setProblem({
      fileName,
      message: `${sized} could not be read: ${message}. If the file is very large, split it into smaller files.`,
    });
  };

  /** A table pasted with a header row: small, checked here, through the mapping step when a column is not recognised. */
  const pasted = (table: ImportedTable, source: SheetSource) => {
    const tooWide = checkColumnCount(table.headers.length, 'The pasted block');
    if (tooWide !== null) {
      setProblem({ fileName: source.name, message: tooWide.message });
      return;
    }
    const { columns, allRecognized } = autoMapColumns(table.headers, table.origin, knownKeys, {
      plainHeadersAsKeys: true,
    });
    const finish = (mapped: ColumnSettings[]) => {
      // Let the "checking" message paint before the synchronous validation of every row.
      return new Promise<SheetModel>((resolve) =>
        setTimeout(() => resolve(SheetModel.fromRows(mapped, table.rows)), 0),
      );
    };
    if (allRecognized) void finishImport(source.name, table.rows.length, () => finish(columns), source, true);
    else
      setState({
        step: 'mapping',
        fileName: source.name,
        table,
        rowCount: table.rows.length,
        columns,
        source,
        dirty: true,
        finish,
      });
  };

  const importFile = async (file: File, kind: SheetSource['kind'] = 'file', sheet?: string) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setProblem(null);
    const showProgress = file.size > PROGRESS_THRESHOLD_BYTES;
    setState({
      step: 'reading',
      fileName: file.name,
      progress: { bytesRead: 0, totalBytes: file.size, rows: 0 },
      showProgress,
    });
    const source: SheetSource = { name: file.name, kind };
    try {
      const read = await readFileInWorker(
        file,
        knownKeys,
        {
          onProgress: (progress) =>
            setState((current) => (current.step === 'reading' ? { ...current, progress } : current)),
          onChecking: (rows) => setState({ step: 'checking', fileName: file.name, rows }),
        },
        controller.signal,
        sheet,
      );
      const sheets = read.kind === 'rejected' ? read.error.sheets : undefined;
      if (
        read.kind === 'rejected' &&
        read.error.code === 'choose_sheet' &&
        sheets !== undefined &&
        sheet === undefined
      ) {
        setState({ step: 'sheet', fileName: file.name, file, kind, sheets });
      } else if (read.kind === 'rejected') {
        setProblem({ fileName: file.name, message: read.error.message });
        setState({ step: 'idle' });
      } else if (read.kind === 'sheet') {
        store.replace(SheetModel.unpack(read.sheet), source, false);
        setState({ step: 'idle' });
      } else {
        setState({
          step: 'mapping',
          fileName: file.name,
          table: read.preview,
          rowCount: read.rowCount,
          columns: read.columns,
          source,
          dirty: false,
          finish: async (columns) => SheetModel.unpack(await read.build(columns)),
        });
      }
    } catch (error) {
      failed(file.name, file.size, error);
    }
  };

  return {
    state,
    problem,
    importFile,
    /** A block pasted with a header row: the sheet it makes once its columns are mapped. */
    importPasted: (table: ImportedTable) => {
      abort.current?.abort();
      setProblem(null);
      pasted(table, { name: 'Pasted sheet', kind: 'paste' });
    },
    dismissProblem: () => setProblem(null),
    /** Imports the sheet picked of the workbook that has several. */
    chooseSheet: (sheet: string) => {
      if (state.step !== 'sheet') return;
      void importFile(state.file, state.kind, sheet);
    },
    cancel: () => {
      abort.current?.abort();
      setState({ step: 'idle' });
    },
    confirmMapping: (columns: ColumnSettings[]) => {
      if (state.step !== 'mapping') return;
      const { fileName, rowCount, finish, source, dirty } = state;
      void finishImport(fileName, rowCount, () => finish(columns), source, dirty);
    },
  };
}
