import { useDeferredValue, useMemo, useState } from 'react';
import type { CellValue } from '@/core/cell-reading';
import type { ColumnSettings } from '@/core/columns';
import { countByErrorType, type ErrorType } from '@/core/error-types';
import { countText } from '@/ui/shared/format';
import { ConfirmDialog } from '@/ui/shared/modal';
import { connectionFailures, failedSpans, type SubmissionOutcome } from '@/ui/submission';
import { downloadText } from './download';
import { ErrorTypeFilter } from './error-type-filter';
import { FAILED_ROWS_FILE_NAME, failedRowsCsv } from './export-failed-rows';
import {
  failedRowCells,
  type FailedSpanFilter,
  filterFailedSpans,
  isFilterActive,
} from './failed-span-filter';
import { FailedSpansTable } from './failed-spans-table';
import { ResultsSummary } from './results-summary';
import './results.css';

/** What the Results tab is given: the last submission's outcome and what to do with its failures. */
export interface ResultsViewProps {
  outcome: SubmissionOutcome | null;
  /** Replaces the sheet with these rows, in these columns. */
  onFixInSheet: (columns: ColumnSettings[], rows: CellValue[][]) => void;
  /** Sends the `connection_failure` spans again. */
  onRetry: () => void;
  retrying: boolean;
}

/**
 * The Results tab: the submission's summary, the failed spans filtered by error type and searched by span ID
 * or message, and what to do next: export the failed rows, fix them in the sheet, or retry the undelivered.
 */
export function ResultsView({ outcome, onFixInSheet, onRetry, retrying }: ResultsViewProps) {
  if (!outcome) return <p className="empty-state">Submit the sheet to see per-span results here.</p>;
  // NOTE: a new submission starts with no filters; a retry (same start time) keeps them.
  return (
    <OutcomeResults
      key={outcome.startedAt}
      outcome={outcome}
      onFixInSheet={onFixInSheet}
      onRetry={onRetry}
      retrying={retrying}
    />
  );
}

function OutcomeResults({
  outcome,
  onFixInSheet,
  onRetry,
  retrying,
}: ResultsViewProps & { outcome: SubmissionOutcome }) {
  const [types, setTypes] = useState<ReadonlySet<string>>(() => new Set());
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search);
  const [confirmingFix, setConfirmingFix] = useState(false);

  const failed = useMemo(() => failedSpans(outcome), [outcome]);
  const counts = useMemo(() => countByErrorType(outcome.result.errors), [outcome]);
  const retryCount = useMemo(() => connectionFailures(outcome.result).length, [outcome]);
  const filter: FailedSpanFilter = useMemo(
    () => ({ types, search: deferredSearch }),
    [types, deferredSearch],
  );
  const shown = useMemo(() => filterFailedSpans(failed, filter), [failed, filter]);
  const shownRows = useMemo(() => failedRowCells(outcome, shown), [outcome, shown]);
  const filtered = isFilterActive(filter);

  const toggleType = (type: ErrorType) =>
    setTypes((current) => {
      const next = new Set(current);
      if (next.has(type)) next.delete(type);
      else next.add(type);
      return next;
    });

  const exportRows = () =>
    downloadText(failedRowsCsv(outcome.columns, shownRows), FAILED_ROWS_FILE_NAME, 'text/csv;charset=utf-8');

  const rowsText = countText(shownRows.length, 'failed row');
  const filterText = [
    types.size > 0 ? `error type ${[...types].join(' or ')}` : '',
    deferredSearch.trim() !== '' ? `search “${deferredSearch.trim()}”` : '',
  ]
    .filter(Boolean)
    .join(', ');

  return (
    <div className="results-view">
      <ResultsSummary outcome={outcome} />
      {retryCount > 0 && (
        <div className="banner results-retry">
          <p>
            {countText(retryCount, 'span')} could not be delivered (connection_failure): the server never
            received {retryCount === 1 ? 'it' : 'them'}.
          </p>
          <button
            type="button"
            className="primary"
            onClick={onRetry}
            disabled={retrying}
            aria-busy={retrying}
          >
            Retry {countText(retryCount, 'span')}
          </button>
          {retrying && <span role="status">Retrying…</span>}
        </div>
      )}
      {failed.length === 0 ? (
        <p className="empty-state">No span failed.</p>
      ) : (
        <>
          <div className="results-toolbar">
            <ErrorTypeFilter counts={counts} selected={types} onToggle={toggleType} />
            <label className="results-search">
              <span>Search failed spans</span>
              <input
                type="search"
                value={search}
                placeholder="Span ID or message"
                onChange={(event) => setSearch(event.target.value)}
              />
            </label>
            {filtered && (
              <button
                type="button"
                onClick={() => {
                  setTypes(new Set());
                  setSearch('');
                }}
              >
                Clear filters
              </button>
            )}
            <span className="toolbar-spacer" />
            <button type="button" onClick={exportRows} disabled={shownRows.length === 0}>
              Export failed rows
            </button>
            <button type="button" onClick={() => setConfirmingFix(true)} disabled={shownRows.length === 0}>
              Fix in sheet
            </button>
          </div>
          <p className="results-count" aria-live="polite">
            Showing {shown.length.toLocaleString('en-US')} of {countText(failed.length, 'failed span')}
            {filtered && shownRows.length > 0 ? ` (${rowsText}, which Export and Fix in sheet use)` : ''}
          </p>
          {shown.length === 0 ? (
            <p className="empty-state">No failed span matches the filters.</p>
          ) : (
            <FailedSpansTable spans={shown} />
          )}
        </>
      )}
      {confirmingFix && (
        <ConfirmDialog
          title={`Replace the sheet with the ${rowsText}?`}
          message={
            <p>
              {filtered
                ? `Only the failed spans that match the current filters (${filterText}) are kept: ${countText(shown.length, 'span')}, ${rowsText}.`
                : `All failed spans are kept: ${countText(failed.length, 'span')}, ${rowsText}.`}{' '}
              Every other row of the sheet is removed, and the columns become those the sheet had when it was
              submitted.
            </p>
          }
          confirmLabel="Replace the sheet"
          onCancel={() => setConfirmingFix(false)}
          onConfirm={() => {
            setConfirmingFix(false);
            onFixInSheet(outcome.columns, shownRows);
          }}
        />
      )}
    </div>
  );
}
