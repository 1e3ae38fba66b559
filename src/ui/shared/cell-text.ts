import { type CellValue, typedCellFromText } from '@/core/cell-reading';
import type { ColumnSettings } from '@/core/columns';

/** The text a cell shows and edits: text as is, typed values as JSON, a missing value as nothing. */
export function cellText(value: CellValue): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

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
