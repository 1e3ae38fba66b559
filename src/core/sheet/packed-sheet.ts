import type { ColumnSettings, ProjectType } from '@/core/columns';
import type { PackedInference } from './column-states';
import { type PackedCells, transferablesOf } from './sheet-cells';
import { engineTransferables, type PackedEngine } from './sheet-engine';

/**
 * A sheet with everything computed from it, in the form a worker posts to the page: the cells packed per column,
 * the spans as integer arrays, per-row flags, span statuses and the summary's counts. The page opens it without
 * computing a row (`SheetModel.unpack`).
 */
export interface PackedSheet extends PackedEngine {
  columns: ColumnSettings[];
  rowCount: number;
  cells: PackedCells[];
  inferences: [string, PackedInference][];
  /** The keys the project types, as the sheet was read with them. */
  projectTypes: [string, ProjectType][];
}

/** The buffers of a packed sheet, to post it to another thread without copying them. */
export function packedSheetTransferables(sheet: PackedSheet): ArrayBuffer[] {
  return [...new Set([...transferablesOf(sheet.cells), ...engineTransferables(sheet)])];
}
