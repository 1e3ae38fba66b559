import { autoMapColumns, type ColumnSettings } from '@/core/columns';
import type { CellValue } from '@/core/import';
import type { Issue, IssueCode } from '@/core/issues';
import { SheetModel } from '@/core/sheet';

/** A sheet from a header row and rows of cells, mapped as an import would map it. */
export function sheetOf(
  headers: string[],
  rows: CellValue[][],
  settings: Partial<Record<string, Partial<ColumnSettings>>> = {},
  origin: ColumnSettings['origin'] = 'text',
): SheetModel {
  const { columns } = autoMapColumns(headers, origin);
  const adjusted = columns.map((column) => ({ ...column, ...settings[column.name] }));
  return SheetModel.fromRows(adjusted, rows);
}

/** Every issue of the sheet: row issues with span issues, then column issues. */
export function allIssues(model: SheetModel): Issue[] {
  const issues: Issue[] = [];
  for (let row = 0; row < model.rowCount; row++) issues.push(...model.rowIssues(row));
  for (const column of model.columns) issues.push(...(model.columnInfo(column.id)?.issues ?? []));
  return issues;
}

/** The issues with one code, reduced to where they are. */
export function located(model: SheetModel, code: IssueCode): { row: number | null; column: string }[] {
  return allIssues(model)
    .filter((issue) => issue.code === code)
    .map(({ row, column }) => ({ row, column }));
}
