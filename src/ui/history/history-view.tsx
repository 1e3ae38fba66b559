import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { authorWords, type Submission } from '@/core/api';
import { useConnectionSettings } from '@/ui/settings';
import { countText, formatSubmissionTime } from '@/ui/shared/format';
import { describeRequestError } from '@/ui/shared/request-error';
import { useSubmissions } from './api/get-submissions';
import { historyKeys } from './api/history-keys';
import type { PagedList } from './api/paged-list';
import { kindText, peopleOf, type SubmissionPerson, submissionLabel } from './history-format';
import { LoadMoreButton, useFocusAfterLastPage } from './load-more';
import { PersonFilter } from './person-filter';
import { RevertButton } from './revert-button';
import { RevertDialog } from './revert-dialog';
import { SubmissionDetailPanel } from './submission-detail';
import { SubmissionLink } from './submission-link';
import './history.css';

const labelId = (id: string) => `submission-label-${id}`;
const openButtonId = (id: string) => `submission-open-${id}`;
const TITLE_ID = 'history-title';
const DETAIL_TITLE_ID = 'submission-detail-title';

/** The submission being reverted, and where its Revert button was (where the focus goes back after). */
interface Reverting {
  submission: Submission;
  from: 'row' | 'detail';
}

/**
 * The History tab: the server's submissions to the project chosen in Settings, newest first, a page at a time
 * ("Load more" until the oldest), each with its label, kind, start, API key and totals, and its revert links.
 * A submission opens to show its changes and errors (`openSubmission` is open as the tab shows); Revert opens
 * the "Revert submission" dialog. On a server that records people, "Made by" shows one person's submissions only.
 */
export function HistoryView({ openSubmission = null }: { openSubmission?: string | null }) {
  const settings = useConnectionSettings();
  const { serverUrl, apiKey, project } = settings;
  const queryClient = useQueryClient();
  const connection = JSON.stringify([serverUrl, apiKey, project]);
  // NOTE: a submission asked for (Results' "Open in History") is open when the tab shows.
  const [opened, setOpened] = useState<{ connection: string; id: string } | null>(() =>
    openSubmission === null ? null : { connection, id: openSubmission },
  );
  const [reverting, setReverting] = useState<Reverting | null>(null);
  const revertedInDialog = useRef(false);
  const focusAfterDialog = useRef<string | null>(null);
  const firstNewRow = useRef(0);
  // NOTE: the people to choose from come from everyone's list, read also while one person's shows.
  const [filter, setFilter] = useState<{ connection: string; person: SubmissionPerson } | null>(null);
  const person = filter?.connection === connection ? filter.person : null;
  const everyone = useSubmissions(settings, project);
  const theirs = useSubmissions(settings, project, person?.subject ?? null, person !== null);
  const list = person === null ? everyone : theirs;
  const people = useMemo(() => peopleOf(everyone.items), [everyone.items]);
  const known = useMemo(
    () => new Map(list.items.map((submission) => [submission.id, submission])),
    [list.items],
  );
  const focusAfterLastPage = useFocusAfterLastPage(list, () => {
    const row = list.items[firstNewRow.current];
    return row ? document.getElementById(openButtonId(row.id)) : null;
  });
  // NOTE: runs after the dialog's own clean-up, which gives the focus back to its opener; after a revert that
  // opener does nothing now (the submission is reverted), so the focus goes to a neighbour instead.
  useEffect(() => {
    const target = focusAfterDialog.current;
    if (target === null) return;
    focusAfterDialog.current = null;
    (document.getElementById(target) ?? document.getElementById(TITLE_ID))?.focus();
  });

  if (project === '') {
    return <p className="empty-state">Choose a project in Settings to see the submissions made to it.</p>;
  }

  // An opened submission belongs to the server and project it was opened from.
  const openId = opened?.connection === connection ? opened.id : null;
  const open = (id: string) => setOpened({ connection, id });
  const close = () => {
    if (openId !== null) {
      (document.getElementById(openButtonId(openId)) ?? document.getElementById(TITLE_ID))?.focus();
    }
    setOpened(null);
  };
  const startRevert = (submission: Submission, from: Reverting['from']) => {
    revertedInDialog.current = false;
    setReverting({ submission, from });
  };

  return (
    <div className="history-view">
      <div className="history-toolbar">
        <h2 className="history-title" id={TITLE_ID} tabIndex={-1}>
          Submissions to <span className="history-project">{project}</span>
        </h2>
        {(people.length > 0 || person !== null) && (
          <PersonFilter
            people={people}
            person={person}
            onChange={(chosen) => setFilter(chosen === null ? null : { connection, person: chosen })}
          />
        )}
        <button
          type="button"
          onClick={() => void queryClient.invalidateQueries({ queryKey: historyKeys.all(settings, project) })}
        >
          Refresh
        </button>
      </div>
      <p className="history-status" role="status">
        {listStatusText(list, project, person)}
      </p>
      {list.status === 'failed' && (
        <p role="alert" className="banner banner-error">
          Could not load the submissions. {describeRequestError(list.error, settings)}
        </p>
      )}
      {openId !== null && (
        <SubmissionDetailPanel
          key={openId}
          id={openId}
          listed={known.get(openId)}
          known={known}
          settings={settings}
          onOpen={open}
          onRevert={(submission) => startRevert(submission, 'detail')}
          onClose={close}
        />
      )}
      {list.items.length > 0 && (
        <table className="history-table" aria-busy={list.status === 'loading'}>
          <caption className="visually-hidden">
            Submissions to project {project}
            {person === null ? '' : ` made by ${person.words}`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Submission</th>
              <th scope="col">Kind</th>
              <th scope="col">Started</th>
              <th scope="col">API key</th>
              <th scope="col" className="history-number">
                Sent
              </th>
              <th scope="col" className="history-number">
                Updated
              </th>
              <th scope="col" className="history-number">
                Failed
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((submission) => (
              <SubmissionRow
                key={submission.id}
                submission={submission}
                isOpen={openId === submission.id}
                known={known}
                onOpen={open}
                onToggle={() => (openId === submission.id ? close() : open(submission.id))}
                onRevert={() => startRevert(submission, 'row')}
              />
            ))}
          </tbody>
        </table>
      )}
      {list.more.status === 'failed' && (
        <p role="alert" className="banner banner-error">
          Could not load more submissions. {describeRequestError(list.more.error, settings)}
        </p>
      )}
      {list.hasMore && (
        <LoadMoreButton
          list={list}
          onPress={() => {
            firstNewRow.current = list.items.length;
            focusAfterLastPage();
          }}
        >
          Load more submissions
        </LoadMoreButton>
      )}
      {reverting && (
        <RevertDialog
          submission={reverting.submission}
          settings={settings}
          onChanged={(revertId) => {
            if (revertId !== null) revertedInDialog.current = true;
          }}
          onClose={() => {
            if (revertedInDialog.current) {
              focusAfterDialog.current =
                reverting.from === 'detail' ? DETAIL_TITLE_ID : openButtonId(reverting.submission.id);
            }
            setReverting(null);
          }}
        />
      )}
    </div>
  );
}

/**
 * What the list's status line says: loading, none yet, or how many are shown (of everyone, or made by `person`) and
 * whether more are left.
 */
function listStatusText(
  list: PagedList<Submission>,
  project: string,
  person: SubmissionPerson | null,
): string {
  if (list.status === 'loading') return 'Loading submissions…';
  if (list.status !== 'ready') return '';
  const count = list.items.length;
  const by = person === null ? '' : ` made by ${person.words}`;
  if (count === 0) return `No submissions to project ${project}${by} yet.`;
  const shown = list.hasMore
    ? `Showing the latest ${countText(count, 'submission')}${by}, newest first; earlier ones are on the next pages.`
    : `Showing all ${countText(count, 'submission')}${by}, newest first.`;
  return list.more.status === 'loading' ? `${shown} Loading more…` : shown;
}

/** One submission of the list, with its revert links, Open and Revert. */
function SubmissionRow({
  submission,
  isOpen,
  known,
  onOpen,
  onToggle,
  onRevert,
}: {
  submission: Submission;
  isOpen: boolean;
  known: ReadonlyMap<string, Submission>;
  onOpen: (id: string) => void;
  onToggle: () => void;
  onRevert: () => void;
}) {
  const reverted = submission.reverted_by !== null;
  const rowClass = [isOpen ? 'history-row-open' : '', reverted ? 'history-row-reverted' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <tr className={rowClass || undefined}>
      <td>
        <span id={labelId(submission.id)} className="history-label">
          {submissionLabel(submission)}
        </span>
        {submission.reverted_by !== null && (
          <span className="history-link-line">
            Reverted by <SubmissionLink id={submission.reverted_by} known={known} onOpen={onOpen} />
          </span>
        )}
        {submission.reverts !== null && (
          <span className="history-link-line">
            Reverts <SubmissionLink id={submission.reverts} known={known} onOpen={onOpen} />
          </span>
        )}
      </td>
      <td>{kindText(submission.kind)}</td>
      <td>
        <time dateTime={submission.created_at}>{formatSubmissionTime(submission.created_at)}</time>
      </td>
      <td>
        {(submission.author === undefined ? submission.key_name : authorWords(submission)) ?? (
          <span className="history-muted">none</span>
        )}
      </td>
      <td className="history-number">{submission.spans_processed.toLocaleString('en-US')}</td>
      <td className="history-number">
        {submission.spans_updated.toLocaleString('en-US')}
        {submission.spans_unchanged > 0 && (
          <span className="history-unchanged">
            {' '}
            ({submission.spans_unchanged.toLocaleString('en-US')} already up to date)
          </span>
        )}
      </td>
      <td className={`history-number${submission.spans_failed > 0 ? ' history-failed' : ''}`}>
        {submission.spans_failed.toLocaleString('en-US')}
      </td>
      <td className="history-actions">
        <button
          type="button"
          id={openButtonId(submission.id)}
          aria-describedby={labelId(submission.id)}
          aria-expanded={isOpen}
          aria-controls={isOpen ? 'submission-detail' : undefined}
          onClick={onToggle}
        >
          Open
        </button>
        <RevertButton submission={submission} describedBy={labelId(submission.id)} onRevert={onRevert} />
      </td>
    </tr>
  );
}
