import type { ColumnSettings, ProjectType } from '@/core/columns';
import type { SheetDraftSource } from '@/core/draft';
import type { ImportError, ImportedTable } from '@/core/import';
import type { EditResult, PackedSheet, SheetEdit } from '@/core/sheet';
import type { UnrestoredDraft } from '@/ui/sheet/autosave/autosave';

/** How far the import worker has read a file. */
export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

/** How long the worker took to read and parse a file, to check it, and to pack it (milliseconds). */
export interface ImportTimings {
  readMs: number;
  checkMs: number;
  packMs: number;
}

/** How many rows of a file the mapping step is shown, to recognise its columns by. */
export const MAPPING_PREVIEW_ROWS = 100;

/** What the page asks the import worker. */
export type ImportWorkerRequest =
  /**
   * Read a file (`sheet`: the sheet of a workbook); map its columns by their headers and the project's keys, and
   * check it if they all map.
   */
  | { type: 'import'; file: File; knownKeys: readonly string[]; sheet?: string }
  /** Check the file just read with the columns the user mapped. */
  | { type: 'build'; columns: ColumnSettings[] }
  /** Open the sheet autosave kept (reading IndexedDB, computing the sheet and replaying its edits here). */
  | { type: 'restore' }
  /**
   * Apply edits that recheck every row of a large sheet to this copy of it; with `projectTypes`, read it first
   * with the keys the project types.
   */
  | {
      type: 'apply';
      sheet: PackedSheet;
      edits: readonly SheetEdit[];
      projectTypes?: [string, ProjectType][];
    };

/** The sheet autosave kept, opened in the worker: packed, with where it came from and its log. */
export interface RestoredInWorker {
  sheet: PackedSheet;
  source: SheetDraftSource;
  dirty: boolean;
  repairs: string[];
  log: { id: string; logLength: number } | null;
}

/** What the import worker tells the page. */
export type ImportWorkerMessage =
  | ({ type: 'progress' } & ImportProgress)
  /** The file is read; its rows are being checked. */
  | { type: 'checking'; rows: number }
  /** Some columns were not recognised: the first rows, to map them; the worker waits for `build`. */
  | { type: 'mapping'; preview: ImportedTable; rowCount: number; columns: ColumnSettings[] }
  /** The checked sheet, its buffers transferred, and how long each step took in the worker. */
  | { type: 'done'; sheet: PackedSheet; timings: ImportTimings }
  | { type: 'rejected'; error: ImportError }
  /** The sheet after the edits asked, its buffers transferred, and each edit's result (its inverse). */
  | { type: 'applied'; sheet: PackedSheet; results: EditResult[] }
  /** What a reload finds in IndexedDB: the sheet (null when none) and the drafts set aside. */
  | { type: 'restored'; restored: RestoredInWorker | null; unrestored: UnrestoredDraft[] }
  | { type: 'failed'; message: string };
