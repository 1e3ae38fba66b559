import { useRef, useState } from 'react';
import { autoMapColumns, type ColumnSettings } from '@/core/columns';
import { describeSize, type ImportedTable } from '@/core/import';
import { SheetModel } from '@/core/sheet-model';
import type { ImportProgress } from './import-worker-protocol';
import { readFileInWorker } from './read-file';
import type { SheetSource, SheetStore } from './sheet-store';

/** Files above this size show a progress bar with Cancel while they are read. */
export const PROGRESS_THRESHOLD_BYTES = 1024 * 1024;

export type ImportState =
  | { step: 'idle' }
  | { step: 'reading'; fileName: string; progress: ImportProgress; showProgress: boolean }
  | {
      step: 'mapping';
      fileName: string;
      table: ImportedTable;
      columns: ColumnSettings[];
      source: SheetSource;
      /** True for a pasted block: the sheet it makes counts as edited (nothing else holds it). */
      dirty: boolean;
    }
  | { step: 'checking'; fileName: string; rows: number };

/** A problem that stopped an import, shown until dismissed; the sheet is left as it was. */
export interface ImportProblem {
  fileName: string;
  message: string;
}

/**
 * The import flow: read a file in a worker (progress and Cancel for large files), map its columns when some are
 * not recognised, then replace the sheet. A bad file only produces a message: the current sheet is untouched.
 * A block pasted with a header row takes the same mapping step. `knownKeys` are the project's metadata keys: a
 * header naming one is offered as that key.
 */
export function useSheetImport(store: SheetStore, knownKeys: readonly string[] = []) {
  const [state, setState] = useState<ImportState>({ step: 'idle' });
  const [problem, setProblem] = useState<ImportProblem | null>(null);
  const abort = useRef<AbortController | null>(null);

  const load = (table: ImportedTable, columns: ColumnSettings[], source: SheetSource, dirty = false) => {
    setState({ step: 'checking', fileName: source.name, rows: table.rows.length });
    // Let the "checking" message paint before the synchronous validation of every row.
    setTimeout(() => {
      store.replace(SheetModel.fromRows(columns, table.rows), source, dirty);
      setState({ step: 'idle' });
    }, 0);
  };

  /** Loads a table read from a file or pasted, through the mapping step when a column is not recognised. */
  const mapOrLoad = (table: ImportedTable, source: SheetSource, dirty: boolean) => {
    const { columns, allRecognized } = autoMapColumns(table.headers, table.origin, knownKeys);
    if (allRecognized) load(table, columns, source, dirty);
    else setState({ step: 'mapping', fileName: source.name, table, columns, source, dirty });
  };

  const importFile = async (file: File, kind: SheetSource['kind'] = 'file') => {
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
    try {
      const result = await readFileInWorker(
        file,
        (progress) =>
          setState((current) => (current.step === 'reading' ? { ...current, progress } : current)),
        controller.signal,
      );
      if (!result.ok) {
        setProblem({ fileName: file.name, message: result.error.message });
        setState({ step: 'idle' });
        return;
      }
      mapOrLoad(result.table, { name: file.name, kind }, false);
    } catch (error) {
      setState({ step: 'idle' });
      if (error instanceof DOMException && error.name === 'AbortError') return;
      const message = error instanceof Error ? error.message : String(error);
      setProblem({
        fileName: file.name,
        message: `${file.name} (${describeSize(file.size)}) could not be read: ${message}. If the file is very large, split it into smaller files.`,
      });
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
      mapOrLoad(table, { name: 'Pasted sheet', kind: 'paste' }, true);
    },
    dismissProblem: () => setProblem(null),
    cancel: () => {
      abort.current?.abort();
      setState({ step: 'idle' });
    },
    confirmMapping: (columns: ColumnSettings[]) => {
      if (state.step === 'mapping') load(state.table, columns, state.source, state.dirty);
    },
  };
}
