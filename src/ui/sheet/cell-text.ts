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
