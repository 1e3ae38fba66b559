import type { CellValue } from '@/core/import';

/** The text a cell shows, edits and is exported as: text as is, typed values as JSON, a missing value as nothing. */
export function cellText(value: CellValue): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
