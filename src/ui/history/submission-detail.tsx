import { type ReactNode, useEffect, useRef, useState } from 'react';
import { authorWords, type Submission, type SubmissionChange } from '@/core/api';
import type { ConnectionSettings } from '@/ui/settings';
import { valueText } from '@/ui/shared/cell-text';
import { countText, formatSubmissionTime } from '@/ui/shared/format';
import { describeRequestError } from '@/ui/shared/request-error';
import { DataTable, type DataTableColumn } from '@/ui/shared/data-table';
import { useSettledValue } from '@/ui/shared/use-settled-value';
import { useSubmission } from './api/get-submission';
import { useSubmissionChanges, useSubmissionErrors } from './api/get-submission-records';
import type { PagedList } from './api/paged-list';
import { afterText, beforeText, kindText, submissionLabel, totalsText } from './history-format';
import { LoadMoreButton, useFocusAfterLastPage } from './load-more';
import { spanErrorColumns } from './span-error-columns';
import { RevertButton } from './revert-button';
import { SubmissionLink } from './submission-link';

/** How long the search waits after the last keystroke before it asks the server. */
const SEARCH_DELAY_MS = 250;

const changeColumns: DataTableColumn<SubmissionChange>[] = [
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
    cell: (change) =>
      change.removed ? (
        <span className="history-muted">removed</span>
      ) : (
        <code>{valueText(change.after)}</code>
      ),
    title: afterText,
  },
];

const errorColumns = spanErrorColumns({ type: 170, message: 320 });

/**
 * One opened submission: what it is (label, kind, times, key, totals, revert links), a Revert button, and its
 * changes and per-span errors, paged and searchable on the server by span ID and key.
 */
export function SubmissionDetailPanel({
  id,
  listed,
  known,
  settings,
  onOpen,
  onRevert,
  onClose,
}: {
  id: string;
  /** The submission as the list has it, shown until the server's own answer arrives. */
  listed: Submission | undefined;
  /** Submissions the list has loaded, to name those this one links to. */
  known: ReadonlyMap<string, Submission>;
  settings: ConnectionSettings;
  onOpen: (id: string) => void;
  onRevert: (submission: Submission) => void;
  onClose: () => void;
}) {
  const detail = useSubmission(settings, settings.project, id);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, [id]);
  const shown = (detail.isError ? undefined : detail.data) ?? listed;
  const label = shown ? submissionLabel(shown) : `Submission ${id}`;

  return (
    <section id="submission-detail" aria-labelledby="submission-detail-title" className="history-detail">
      <div className="history-detail-head">
        <h3 id="submission-detail-title" ref={headingRef} tabIndex={-1}>
          {label}
        </h3>
        <span className="toolbar-spacer" />
        {shown && (
          <RevertButton
            submission={shown}
            describedBy="submission-detail-title"
            onRevert={() => onRevert(shown)}
          />
        )}
        <button type="button" onClick={onClose}>
          Close submission
        </button>
      </div>
      {shown && <SubmissionFacts submission={shown} known={known} onOpen={onOpen} />}
      {detail.isFetching && !shown && (
        <p role="status" className="history-status">
          Loading submission…
        </p>
      )}
      {detail.isError && !detail.isFetching && (
        <p role="alert" className="banner banner-error">
          Could not load the submission. {describeRequestError(detail.error, settings)}
        </p>
      )}
      {!(detail.isError && !detail.isFetching) && <SubmissionRecords id={id} settings={settings} />}
    </section>
  );
}

/** What a submission is: kind, times, key, totals, and the submissions it links to. */
function SubmissionFacts({
  submission,
  known,
  onOpen,
}: {
  submission: Submission;
  known: ReadonlyMap<string, Submission>;
  onOpen: (id: string) => void;
}) {
  return (
    <dl className="history-facts">
      <div>
        <dt>Kind</dt>
        <dd>{kindText(submission.kind)}</dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd>
          <time dateTime={submission.created_at}>{formatSubmissionTime(submission.created_at)}</time>
        </dd>
      </div>
      <div>
        <dt>Ended</dt>
        <dd>
          <time dateTime={submission.finished_at}>{formatSubmissionTime(submission.finished_at)}</time>
        </dd>
      </div>
      {submission.author === undefined ? (
        <div>
          <dt>API key</dt>
          <dd>{submission.key_name ?? 'none'}</dd>
        </div>
      ) : (
        <div>
          <dt>By</dt>
          <dd>{authorWords(submission) ?? 'nobody recorded'}</dd>
        </div>
      )}
      <div>
        <dt>Totals</dt>
        <dd>{totalsText(submission)}</dd>
      </div>
      <div>
        <dt>ID</dt>
        <dd>
          <code>{submission.id}</code>
        </dd>
      </div>
      {submission.reverts !== null && (
        <div>
          <dt>Reverts</dt>
          <dd>
            <SubmissionLink id={submission.reverts} known={known} onOpen={onOpen} />
          </dd>
        </div>
      )}
      {submission.reverted_by !== null && (
        <div>
          <dt>Reverted by</dt>
          <dd>
            <SubmissionLink id={submission.reverted_by} known={known} onOpen={onOpen} />
          </dd>
        </div>
      )}
    </dl>
  );
}

/** A submission's changes and errors, searched on the server and read a page at a time. */
function SubmissionRecords({ id, settings }: { id: string; settings: ConnectionSettings }) {
  const [search, setSearch] = useState('');
  const [query] = useSettledValue(search.trim(), search.trim(), SEARCH_DELAY_MS);
  // NOTE: rows loaded for this submission stay shown while a refresh or another search loads.
  const changes = useSubmissionChanges(settings, settings.project, id, query);
  const errors = useSubmissionErrors(settings, settings.project, id, query);

  return (
    <>
      <div className="history-toolbar">
        <label className="history-search">
          <span>Search by span ID or key</span>
          <input
            type="search"
            value={search}
            placeholder="Start of a span ID, or part of a key"
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
      </div>
      <RecordList
        title="Changes"
        noun={['change', 'changes']}
        list={changes}
        query={query}
        empty="This submission changed no metadata."
        settings={settings}
        table={(rows) => (
          <DataTable
            label="Changes"
            rows={rows}
            columns={changeColumns}
            rowKey={(change, index) => `${change.span_id}\u0000${change.key}\u0000${index}`}
          />
        )}
      />
      <RecordList
        title="Errors"
        noun={['error', 'errors']}
        list={errors}
        query={query}
        empty="No span failed."
        settings={settings}
        table={(rows) => (
          <DataTable
            label="Errors"
            rows={rows}
            columns={errorColumns}
            rowKey={(error, index) => `${error.span_id}\u0000${index}`}
          />
        )}
      />
    </>
  );
}

/** One paged list of the detail: its heading and count, the rows loaded, and "Load more". */
function RecordList<Row>({
  title,
  noun,
  list,
  query,
  empty,
  settings,
  table,
}: {
  title: string;
  noun: [one: string, many: string];
  list: PagedList<Row>;
  query: string;
  empty: string;
  settings: ConnectionSettings;
  table: (rows: readonly Row[]) => ReactNode;
}) {
  const [one, many] = noun;
  const total = list.total ?? 0;
  const countLine =
    list.status === 'loading' && list.items.length === 0
      ? `Loading ${many}…`
      : list.status !== 'ready'
        ? ''
        : total === 0
          ? query === ''
            ? empty
            : `No ${one} matches “${query}”.`
          : `Showing ${list.items.length.toLocaleString('en-US')} of ${countText(total, one, many)}${
              query === '' ? '' : ` matching “${query}”`
            }.${list.more.status === 'loading' ? ' Loading more…' : ''}`;
  const sectionRef = useRef<HTMLElement>(null);
  const focusAfterLastPage = useFocusAfterLastPage(list, () =>
    sectionRef.current?.querySelector<HTMLElement>('[role="table"]'),
  );
  return (
    <section
      ref={sectionRef}
      className="history-records"
      aria-label={title}
      aria-busy={list.status === 'loading'}
    >
      <h4 className="history-subtitle">
        {title}
        {list.total !== null && `: ${list.total.toLocaleString('en-US')}`}
      </h4>
      <p className="history-count" role="status">
        {countLine}
      </p>
      {list.status === 'failed' && (
        <p role="alert" className="banner banner-error">
          Could not load the {many}. {describeRequestError(list.error, settings)}
        </p>
      )}
      {list.items.length > 0 && table(list.items)}
      {list.more.status === 'failed' && (
        <p role="alert" className="banner banner-error">
          Could not load more {many}. {describeRequestError(list.more.error, settings)}
        </p>
      )}
      {list.hasMore && (
        <LoadMoreButton list={list} onPress={focusAfterLastPage}>
          Load more {many}
        </LoadMoreButton>
      )}
    </section>
  );
}
