import { type ColumnSettings, isUnnamedKeyColumn } from './columns';

/** Problems with the sheet as a whole: nothing can be submitted until they are fixed. */
export type SheetIssue =
  | { code: 'no_span_id_column'; message: string }
  | { code: 'several_span_id_columns'; columns: string[]; message: string }
  | { code: 'no_metadata_columns'; message: string }
  | { code: 'unnamed_key'; columns: string[]; message: string };

/** Checks that a sheet has exactly one span ID column and at least one metadata or patch_document column. */
export function checkSheetColumns(columns: readonly ColumnSettings[]): SheetIssue[] {
  const issues: SheetIssue[] = [];
  const spanColumns = columns.filter((column) => column.target.kind === 'span_id');
  if (spanColumns.length === 0) {
    issues.push({
      code: 'no_span_id_column',
      message: 'No span ID column found: name a column context.span_id, or map one to the span ID.',
    });
  } else if (spanColumns.length > 1) {
    const names = spanColumns.map((column) => column.name);
    issues.push({
      code: 'several_span_id_columns',
      columns: names,
      message: `Several columns are mapped to the span ID (${names.join(', ')}): keep one and ignore the others.`,
    });
  }
  if (
    !columns.some((column) => column.target.kind === 'metadata' || column.target.kind === 'patch_document')
  ) {
    issues.push({
      code: 'no_metadata_columns',
      message:
        'No metadata fields found: add columns named attributes.metadata.<key> or a patch_document column',
    });
  }
  return issues;
}

/**
 * The metadata columns whose key is not named, as one problem: the mapping step asks for their keys before it
 * imports (in the sheet, each value of such a column blocks its span instead: `unnamed_key`).
 */
export function checkColumnKeys(columns: readonly ColumnSettings[]): SheetIssue[] {
  const unnamed = columns.flatMap((column, index) =>
    isUnnamedKeyColumn(column) ? [column.name.trim() || `column ${index + 1}`] : [],
  );
  if (unnamed.length === 0) return [];
  return [
    {
      code: 'unnamed_key',
      columns: unnamed,
      message: `Name the key of ${unnamed.length === 1 ? 'column' : 'columns'} ${unnamed.join(', ')}: a column mapped to a metadata key needs one.`,
    },
  ];
}
