import { type ColumnSettings, METADATA_PREFIX } from '@/core/columns';

/** A column id not used by the sheet: `n` and one more than the highest number of the sheet's `n` ids. */
export function freshColumnId(columns: readonly ColumnSettings[]): string {
  const numbers = columns.map((column) => Number(/^n(\d+)$/.exec(column.id)?.[1]));
  return `n${Math.max(0, ...numbers.filter(Number.isFinite)) + 1}`;
}

/**
 * The column "Add column" adds, and where: a metadata column for the key the user named (its header is
 * `attributes.metadata.<key>`), placed before the patch_document column, or last when there is none.
 */
export function newMetadataColumn(
  columns: readonly ColumnSettings[],
  key: string,
): {
  column: ColumnSettings;
  at: number;
} {
  const named = key.trim();
  const patchIndex = columns.findIndex((column) => column.target.kind === 'patch_document');
  return {
    column: {
      id: freshColumnId(columns),
      name: METADATA_PREFIX + named,
      target: { kind: 'metadata', key: named },
      type: 'auto',
      blankPolicy: 'skip',
      origin: 'text',
    },
    at: patchIndex === -1 ? columns.length : patchIndex,
  };
}
