import type { SheetSummary as Summary } from '@/core/sheet-model';
import { countText } from '@/ui/shared/format';

/** The sheet's counts, updated edit by edit from the engine's incremental results. */
export function SheetSummary({ summary }: { summary: Summary }) {
  const dataRows = summary.rows - summary.blankRows;
  return (
    <div role="status" aria-label="Sheet summary" className="sheet-summary">
      <span>{countText(dataRows, 'row')}</span>
      <span>{countText(summary.spans, 'span')}</span>
      <span className={summary.errors > 0 ? 'summary-errors' : undefined}>
        {countText(summary.errors, 'error')}
      </span>
      <span className={summary.warnings > 0 ? 'summary-warnings' : undefined}>
        {countText(summary.warnings, 'warning')}
      </span>
      {summary.sheetIssues.map((issue) => (
        <span key={issue.code} className="summary-errors">
          {issue.message}
        </span>
      ))}
    </div>
  );
}
