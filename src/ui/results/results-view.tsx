import { useDeferredValue, useMemo, useState } from 'react';
import type { CellValue } from '@/core/import';
import type { ColumnSettings } from '@/core/columns';
import type { ErrorType } from '@/core/api';
import { describeErrorMessage, errorTypeLabel } from '@/core/words';
import {
  errorTypeCounts,
  outcomeFailures,
  refusalOf,
  type SubmissionOutcome,
  summarizeOutcome,
} from '@/core/outcome';
import { countText } from '@/ui/shared/format';
import { ConfirmDialog } from '@/ui/shared/modal';
import { supportDetailsText } from '@/ui/shared/support-details';
import { useStore } from '@/ui/shared/use-store';
import type { SheetStore } from '@/ui/sheet';
import { retryReportText, SubmissionProgressBar, type SubmissionStore } from '@/ui/submission';
import { downloadBytes, downloadText } from './download';
import { ErrorTypeFilter } from './error-type-filter';
import {
  failedRowsCsv,
  failedRowsFileName,
  failedRowsWithErrors,
  failedRowsXlsx,
  XLSX_TYPE,
} from './export-failed-rows';
import {
  failedRowCells,
  type FailedSpanFilter,
  filterFailedSpans,
  isFilterActive,
} from './failed-span-filter';
import { FailedSpansTable } from './failed-spans-table';
import { ResultsSummary } from './results-summary';
import './results.css';

/** What the Results tab is given: the submission (its last outcome, progress and Retry) and the sheet. */
export interface ResultsViewProps {
  submission: SubmissionStore;
  /** The sheet as it is now: Fix in sheet replaces it (after asking), naming it. */
  sheet: SheetStore;
  /**
   * Replaces the sheet with these rows (saved with the outcome), in these columns, as a sheet named `name`
   * ("Failed rows of review.csv").
   */
  onFixInSheet: (columns: ColumnSettings[], rows: CellValue[][], name: string) => void;
  /** Sends again, in the same submission, what was never delivered or not sent. */
  onRetry: () => void;
  /** Sends, in the same submission, the spans left out because they were predicted to fail. */
  onSendLeftOut?: () => void;
  /** Opens the History tab on this submission of this project (none: no link). */
  onOpenInHistory?: (submissionId: string, project: string) => void;
}

/**
 * The Results tab: the last submission (restored after a reload) with its summary, the failed and blocked spans
 * filtered by error type and searched by span ID or message, and what to do next: export those rows, fix them
 * in the sheet, or retry what was never delivered, with progress and Cancel.
 */
export function ResultsView({
  submission,
  sheet,
  onFixInSheet,
  onRetry,
  onSendLeftOut,
  onOpenInHistory,
}: ResultsViewProps) {
  const outcome = useStore(submission, (state) => state.outcome);
  const savedProblem = useStore(submission, (state) => state.savedProblem);
  return (
    <div className="results-view">
      {savedProblem && (
        <p role="alert" className="banner banner-error">
          {savedProblem}
        </p>
      )}
      <SubmissionProgressBar submission={submission} />
      {outcome ? (
        // NOTE: a new submission starts with no filters; a Retry (same start time) keeps them.
        <OutcomeResults
          key={outcome.startedAt}
          outcome={outcome}
          submission={submission}
          sheet={sheet}
          onFixInSheet={onFixInSheet}
          onRetry={onRetry}
          onSendLeftOut={onSendLeftOut}
          onOpenInHistory={onOpenInHistory}
        />
      ) : (
        <p className="empty-state">Submit the sheet to see per-span results here.</p>
      )}
    </div>
  );
}

function OutcomeResults({
  outcome,
  submission,
  sheet,
  onFixInSheet,
  onRetry,
  onSendLeftOut,
  onOpenInHistory,
}: ResultsViewProps & { outcome: SubmissionOutcome }) {
  const [types, setTypes] = useState<ReadonlySet<string>>(() => new Set());
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search);
  const [confirmingFix, setConfirmingFix] = useState(false);
  const running = useStore(submission, (state) => state.running !== null);
  const problem = useStore(submission, (state) => state.problem);
  const sheetName = useStore(sheet, (state) => state.source.name);
  const sheetKind = useStore(sheet, (state) => state.source.kind);

  const summary = useMemo(() => summarizeOutcome(outcome), [outcome]);
  const failed = useMemo(() => outcomeFailures(outcome), [outcome]);
  const counts = useMemo(() => errorTypeCounts(outcome), [outcome]);
  const filter: FailedSpanFilter = useMemo(
    () => ({ types, search: deferredSearch }),
    [types, deferredSearch],
  );
  const shown = useMemo(() => filterFailedSpans(failed, filter), [failed, filter]);
  const shownRows = useMemo(() => failedRowCells(outcome, shown), [outcome, shown]);
  const filtered = isFilterActive(filter);
  const retryCount = summary.neverDelivered + summary.notSent;
  const refusal = useMemo(() => refusalOf(outcome), [outcome]);
  const retryReport = outcome.lastRetry ? retryReportText(outcome.lastRetry) : null;
  const sheetReplaced = sheetName !== outcome.source.name || sheetKind !== outcome.source.kind;

  const toggleType = (type: ErrorType) =>
    setTypes((current) => {
      const next = new Set(current);
      if (next.has(type)) next.delete(type);
      else next.add(type);
      return next;
    });

  const exportRows = () =>
    downloadText(
      failedRowsCsv(outcome.columns, shownRows),
      failedRowsFileName(outcome.label),
      'text/csv;charset=utf-8',
    );

  const exportWorkbook = () =>
    downloadBytes(
      failedRowsXlsx(
        outcome.columns,
        failedRowsWithErrors(outcome, shown, (message) => describeErrorMessage(message).text),
      ),
      failedRowsFileName(outcome.label, 'xlsx'),
      XLSX_TYPE,
    );

  const rowsText = countText(shownRows.length, 'row to fix', 'rows to fix');
  const filterText = [
    types.size > 0 ? `error type ${[...types].map(errorTypeLabel).join(' or ')}` : '',
    deferredSearch.trim() !== '' ? `search “${deferredSearch.trim()}”` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const listedText =
    summary.blocked > 0
      ? `${countText(summary.listed, 'span')} (${summary.failed.toLocaleString('en-US')} failed, ${summary.blocked.toLocaleString('en-US')} blocked before sending)`
      : countText(summary.listed, 'failed span');

  return (
    <>
      <ResultsSummary outcome={outcome} summary={summary} />
      {onOpenInHistory && outcome.result.submission_id !== '' && (
        <p className="results-history">
          <button
            type="button"
            onClick={() => onOpenInHistory(outcome.result.submission_id, outcome.project)}
          >
            Open in History
          </button>{' '}
          <span className="results-context">
            the server’s record of this submission: its changes, its errors, and Revert.
          </span>
        </p>
      )}
      {problem && !running && (
        <p role="alert" className="banner banner-error">
          {problem}
        </p>
      )}
      {refusal !== null && summary.refused > 0 && !running && (
        <p role="alert" className="banner banner-error results-refused">
          The server refused {countText(summary.refused, 'span')} and applied nothing of{' '}
          {summary.refused === 1 ? 'it' : 'them'}: {refusal.message}
        </p>
      )}
      {retryReport && !running && (
        <p
          role={retryReport.tone === 'error' ? 'alert' : 'status'}
          className={`banner${retryReport.tone === 'error' ? ' banner-error' : ''}`}
          title={outcome.lastRetry?.failure ? supportDetailsText(outcome.lastRetry.failure) : undefined}
        >
          {retryReport.text}
        </p>
      )}
      {retryCount > 0 && !running && (
        <div className="banner results-retry">
          <p>
            {[
              summary.neverDelivered > 0 &&
                `${countText(summary.neverDelivered, 'span')} ${summary.neverDelivered === 1 ? 'was' : 'were'} never delivered (the connection failed)`,
              summary.notSent > 0 &&
                `${countText(summary.notSent, 'span')} ${summary.notSent === 1 ? 'was' : 'were'} not sent (cancelled)`,
            ]
              .filter(Boolean)
              .join(', and ')}
            . Retry sends {retryCount === 1 ? 'it' : 'them'} in the same submission; the server applies each
            batch at most once.
          </p>
          <button type="button" className="primary" onClick={onRetry}>
            Retry {countText(retryCount, 'span')}
          </button>
        </div>
      )}
      {summary.leftOut > 0 && onSendLeftOut && !running && (
        <div className="banner results-retry">
          <p>
            {countText(summary.leftOut, 'span')} predicted to fail {summary.leftOut === 1 ? 'was' : 'were'}{' '}
            left out and not sent; each is listed below with the predicted reason. Send{' '}
            {summary.leftOut === 1 ? 'it' : 'them'} in the same submission once fixed on the server, or fix{' '}
            {summary.leftOut === 1 ? 'its row' : 'their rows'} in the sheet.
          </p>
          <button type="button" onClick={onSendLeftOut}>
            Send the {countText(summary.leftOut, 'span')} left out
          </button>
        </div>
      )}
      {failed.length === 0 ? (
        <p className="empty-state">No span failed or was blocked.</p>
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
            <button
              type="button"
              onClick={exportRows}
              disabled={shownRows.length === 0}
              title={`Downloads ${failedRowsFileName(outcome.label)}`}
            >
              Export failed rows
            </button>
            <button
              type="button"
              onClick={exportWorkbook}
              disabled={shownRows.length === 0}
              title={`Downloads ${failedRowsFileName(outcome.label, 'xlsx')}: the cells that caused each failure are marked, the message in a comment`}
            >
              Export as Excel (.xlsx)
            </button>
            <button
              type="button"
              onClick={() => setConfirmingFix(true)}
              disabled={shownRows.length === 0 || running}
            >
              Fix in sheet
            </button>
          </div>
          <p className="results-count" aria-live="polite">
            Showing {shown.length.toLocaleString('en-US')} of {listedText}
            {filtered && shownRows.length > 0 ? ` (${rowsText}, which Export and Fix in sheet use)` : ''}
          </p>
          {sheetReplaced && (
            <p className="results-context">
              The sheet has been replaced since (it is now “{sheetName}”): Export and Fix in sheet use the
              rows saved with these results, as {outcome.label} had them when it was submitted.
            </p>
          )}
          {shown.length === 0 ? (
            <p className="empty-state">No failed span matches the filters.</p>
          ) : (
            <FailedSpansTable spans={shown} />
          )}
        </>
      )}
      {confirmingFix && (
        <ConfirmDialog
          title={`Replace the current sheet with the ${rowsText} from ${outcome.label}?`}
          message={
            <p>
              {filtered
                ? `Only the spans that match the current filters (${filterText}) are kept: ${countText(shown.length, 'span')}, ${rowsText}.`
                : `All failed and blocked spans are kept: ${countText(failed.length, 'span')}, ${rowsText}.`}{' '}
              The rows are those saved with these results, as they were submitted. The current sheet (“
              {sheetName}”) is replaced, and the columns become those the submitted sheet had.
            </p>
          }
          confirmLabel="Replace the sheet"
          onCancel={() => setConfirmingFix(false)}
          onConfirm={() => {
            setConfirmingFix(false);
            onFixInSheet(outcome.columns, shownRows, `Failed rows of ${outcome.label}`);
          }}
        />
      )}
    </>
  );
}
