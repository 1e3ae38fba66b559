import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { getSubmission } from '@/client';
import type { SpanError, Submission, SubmissionChange, SubmissionDetail } from '@/core/api-schema';
import { parseErrorMessage } from '@/core/error-types';
import { VirtualTable, type VirtualTableColumn } from '@/ui/shared/virtual-table';
import { type ConnectionSettings, toClientOptions } from '@/ui/settings';
import { valueText } from '@/ui/shared/cell-text';
import { countText, formatSubmissionTime } from '@/ui/shared/format';
import { beforeText, changeMatches, describeRequestError } from './history-format';
import { useRequest } from '@/ui/shared/use-request';

const changeColumns: VirtualTableColumn<SubmissionChange>[] = [
  {
    id: 'span',
    header: 'Span ID',
    width: 190,
    cell: (change) => <code>{change.span_id}</code>,
    title: (change) => change.span_id,
  },
  {
    id: 'key',
    header: 'Key',
    width: 180,
    cell: (change) => <code>{change.key}</code>,
    title: (change) => change.key,
  },
  {
    id: 'before',
    header: 'Before',
    width: 220,
    grow: true,
    cell: (change) =>
      change.existed_before ? (
        <code>{valueText(change.before)}</code>
      ) : (
        <span className="history-muted">did not exist</span>
      ),
    title: beforeText,
  },
  {
    id: 'after',
    header: 'After',
    width: 220,
    grow: true,
    cell: (change) => <code>{valueText(change.after)}</code>,
    title: (change) => valueText(change.after),
  },
];

const errorColumns: VirtualTableColumn<SpanError>[] = [
  {
    id: 'span',
    header: 'Span ID',
    width: 190,
    cell: (error) => <code>{error.span_id}</code>,
    title: (error) => error.span_id,
  },
  {
    id: 'type',
    header: 'Error type',
    width: 170,
    cell: (error) => parseErrorMessage(error.error_message).type,
  },
  {
    id: 'message',
    header: 'Message',
    width: 320,
    grow: true,
    cell: (error) => parseErrorMessage(error.error_message).detail,
    title: (error) => error.error_message,
  },
];

/** One opened submission: loads it from the server and shows its changes and errors. */
export function SubmissionDetailPanel({
  submission,
  requestKey,
  settings,
  onClose,
}: {
  submission: Submission;
  /** Names the server, key, submission and refresh: a new key loads it again. */
  requestKey: string;
  settings: ConnectionSettings;
  onClose: () => void;
}) {
  const detail = useRequest(requestKey, (signal) =>
    getSubmission(submission.id, { ...toClientOptions(settings), signal }),
  );
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, [submission.id]);
  const time = formatSubmissionTime(submission.created_at);

  return (
    <section id="submission-detail" aria-labelledby="submission-detail-title" className="history-detail">
      <div className="history-detail-head">
        <h3 id="submission-detail-title" ref={headingRef} tabIndex={-1}>
          Submission {time}
        </h3>
        <span className="toolbar-spacer" />
        <button type="button" onClick={onClose}>
          Close submission
        </button>
      </div>
      <p className="history-detail-meta">
        ID <code>{submission.id}</code> · API key {submission.key_name ?? 'none'} ·{' '}
        {submission.spans_processed.toLocaleString('en-US')} processed,{' '}
        {submission.spans_updated.toLocaleString('en-US')} updated,{' '}
        {submission.spans_failed.toLocaleString('en-US')} failed
      </p>
      {detail.status === 'loading' && (
        <p role="status" className="history-status">
          Loading submission…
        </p>
      )}
      {detail.status === 'failed' && (
        <p role="alert" className="banner banner-error">
          Could not load the submission. {describeRequestError(detail.error, settings)}
        </p>
      )}
      {detail.status === 'ready' && <SubmissionChanges detail={detail.data} />}
    </section>
  );
}

function SubmissionChanges({ detail }: { detail: SubmissionDetail }) {
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search);
  const spanCount = useMemo(() => new Set(detail.changes.map((change) => change.span_id)).size, [detail]);
  const shown = useMemo(
    () => detail.changes.filter((change) => changeMatches(change, deferredSearch)),
    [detail, deferredSearch],
  );
  const changes = detail.changes.length;
  return (
    <>
      <h4 className="history-subtitle">
        Changes: {countText(changes, 'key')} on {countText(spanCount, 'span')}
      </h4>
      {changes === 0 ? (
        <p className="empty-state">This submission changed nothing.</p>
      ) : (
        <>
          <div className="history-toolbar">
            <label className="history-search">
              <span>Search changes</span>
              <input
                type="search"
                value={search}
                placeholder="Span ID or key"
                onChange={(event) => setSearch(event.target.value)}
              />
            </label>
            <span className="history-count" aria-live="polite">
              Showing {shown.length.toLocaleString('en-US')} of {changes.toLocaleString('en-US')} changes
            </span>
          </div>
          {shown.length === 0 ? (
            <p className="empty-state">No change matches the search.</p>
          ) : (
            <VirtualTable
              label="Changes"
              rows={shown}
              columns={changeColumns}
              rowKey={(change, index) => `${change.span_id}\u0000${change.key}\u0000${index}`}
            />
          )}
        </>
      )}
      <h4 className="history-subtitle">Errors: {detail.errors.length.toLocaleString('en-US')}</h4>
      {detail.errors.length === 0 ? (
        <p className="empty-state">No span failed.</p>
      ) : (
        <VirtualTable
          label="Errors"
          rows={detail.errors}
          columns={errorColumns}
          rowKey={(error, index) => `${error.span_id}-${index}`}
        />
      )}
    </>
  );
}
