import type { SheetSummary as Summary } from '@/core/sheet-model';

function count(value: number, one: string, many: string): string {
  return `${value.toLocaleString('en-US')} ${value === 1 ? one : many}`;
}

/** The sheet's counts, updated edit by edit from the engine's incremental results. */
export function SheetSummary({ summary }: { summary: Summary }) {
  const dataRows = summary.rows - summary.blankRows;
  return (
    <div role="status" aria-label="Sheet summary" className="sheet-summary">
      <span>{count(dataRows, 'row', 'rows')}</span>
      <span>{count(summary.spans, 'span', 'spans')}</span>
      <span className={summary.errors > 0 ? 'summary-errors' : undefined}>
        {count(summary.errors, 'error', 'errors')}
      </span>
      <span className={summary.warnings > 0 ? 'summary-warnings' : undefined}>
        {count(summary.warnings, 'warning', 'warnings')}
      </span>
      {summary.sheetIssues.map((issue) => (
        <span key={issue.code} className="summary-errors">
          {issue.message}
        </span>
      ))}
    </div>
  );
}
