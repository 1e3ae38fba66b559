import { type SheetSummary as Summary, splitNotices } from '@/core/sheet';
import { countText } from '@/ui/shared/format';

/**
 * The sheet's counts, updated edit by edit from the engine's incremental results: what needs attention (errors,
 * warnings, column notices not accepted yet, keys not named) apart from the conversions accepted.
 */
export function SheetSummary({ summary, unnamedKeys = 0 }: { summary: Summary; unnamedKeys?: number }) {
  const dataRows = summary.rows - summary.blankRows;
  const { open, accepted } = splitNotices(summary.notices);
  const blocked = summary.spansByStatus.blocked;
  return (
    <div role="status" aria-label="Sheet summary" className="sheet-summary">
      <span>{countText(dataRows, 'row')}</span>
      <span>{countText(summary.spans, 'span')}</span>
      <span className={summary.errors > 0 ? 'summary-errors' : undefined}>
        {countText(summary.errors, 'error')}
      </span>
      {blocked > 0 && <span className="summary-errors">{countText(blocked, 'span')} blocked</span>}
      <span className={summary.warnings > 0 ? 'summary-warnings' : undefined}>
        {countText(summary.warnings, 'warning')}
      </span>
      {open.length > 0 && <span className="summary-warnings">{countText(open.length, 'column notice')}</span>}
      {unnamedKeys > 0 && (
        <span className="summary-errors">{countText(unnamedKeys, 'key', 'keys')} to name</span>
      )}
      {accepted.length > 0 && (
        <span className="summary-accepted">Accepted: {countText(accepted.length, 'conversion')}</span>
      )}
      {summary.sheetIssues.map((issue) => (
        <span key={issue.code} className="summary-errors">
          {issue.message}
        </span>
      ))}
    </div>
  );
}
