import { type ColumnSettings, typedCellFromText } from '@/core/columns';
import type { CellValue } from '@/core/import';

export { cellText } from '@/core/columns';

/** The cell value for text the user typed: text columns keep text; typed columns read JSON literals. */
export function cellFromText(text: string, column: ColumnSettings): CellValue {
  if (column.origin === 'typed') return typedCellFromText(text);
  return text === '' ? undefined : text;
}

/**
 * A value as the Preview and the History show it, read or stored: text in JSON quotes (so `"1"` and `1` differ),
 * numbers and booleans bare, `null`, objects and arrays as JSON, a missing value as nothing.
 */
export function valueText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
