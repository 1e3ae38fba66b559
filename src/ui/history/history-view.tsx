import { useState } from 'react';
import { listSubmissions } from '@/client';
import type { Submission } from '@/core/api-schema';
import { toClientOptions, useConnectionSettings } from '@/ui/settings';
import { countText, formatSubmissionTime } from '@/ui/shared/format';
import { describeRequestError } from './history-format';
import { SubmissionDetailPanel } from './submission-detail';
import { useRequest } from '@/ui/shared/use-request';
import './history.css';

/** How many of the latest submissions the list asks the server for. */
export const HISTORY_LIMIT = 100;

/** The latest first; the server sends them so, and equal times keep its order. */
function newestFirst(submissions: readonly Submission[]): Submission[] {
  return [...submissions].sort((a, b) =>
    a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0,
  );
}

/**
 * The History tab: the server's submissions to the project chosen in Settings, newest first, each openable to
 * see every key it changed with its value before and after, and the spans that failed.
 */
export function HistoryView() {
  const settings = useConnectionSettings();
  const { serverUrl, apiKey, project } = settings;
  const [reloads, setReloads] = useState(0);
  const [opened, setOpened] = useState<{ connection: string; submission: Submission } | null>(null);
  const connection = JSON.stringify([serverUrl, apiKey, project]);
  const list = useRequest(project === '' ? null : `${connection}#${reloads}`, (signal) =>
    listSubmissions({ project, limit: HISTORY_LIMIT }, { ...toClientOptions(settings), signal }),
  );
  // An opened submission belongs to the server and project it was listed from.
  const openSubmission = opened?.connection === connection ? opened.submission : null;

  if (project === '') {
    return <p className="empty-state">Choose a project in Settings to see the submissions made to it.</p>;
  }

  const submissions = list.status === 'ready' ? list.data : list.status === 'loading' ? list.previous : null;

  return (
    <div className="history-view">
      <div className="history-toolbar">
        <h2 className="history-title">
          Submissions to <span className="history-project">{project}</span>
        </h2>
        <button type="button" onClick={() => setReloads((count) => count + 1)}>
          Refresh
        </button>
      </div>
      <p className="history-status" role="status">
        {list.status === 'loading'
          ? 'Loading submissions…'
          : list.status === 'ready'
            ? list.data.length === 0
              ? `No submissions to project ${project} yet.`
              : `The latest ${countText(list.data.length, 'submission')}, newest first.`
            : ''}
      </p>
      {list.status === 'failed' && (
        <p role="alert" className="banner banner-error">
          Could not load the submissions. {describeRequestError(list.error, settings)}
        </p>
      )}
      {submissions && submissions.length > 0 && (
        <table className="history-table" aria-busy={list.status === 'loading'}>
          <caption className="visually-hidden">Submissions to project {project}</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">API key</th>
              <th scope="col" className="history-number">
                Processed
              </th>
              <th scope="col" className="history-number">
                Updated
              </th>
              <th scope="col" className="history-number">
                Failed
              </th>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {newestFirst(submissions).map((submission) => {
              const time = formatSubmissionTime(submission.created_at);
              const isOpen = openSubmission?.id === submission.id;
              return (
                <tr key={submission.id} className={isOpen ? 'history-row-open' : undefined}>
                  <td>
                    <time dateTime={submission.created_at}>{time}</time>
                  </td>
                  <td>{submission.key_name ?? <span className="history-muted">none</span>}</td>
                  <td className="history-number">{submission.spans_processed.toLocaleString('en-US')}</td>
                  <td className="history-number">{submission.spans_updated.toLocaleString('en-US')}</td>
                  <td className={`history-number${submission.spans_failed > 0 ? ' history-failed' : ''}`}>
                    {submission.spans_failed.toLocaleString('en-US')}
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Open submission ${time}`}
                      aria-expanded={isOpen}
                      aria-controls={isOpen ? 'submission-detail' : undefined}
                      onClick={() => setOpened(isOpen ? null : { connection, submission })}
                    >
                      Open
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {openSubmission && (
        <SubmissionDetailPanel
          submission={openSubmission}
          requestKey={`${connection}#${openSubmission.id}#${reloads}`}
          settings={settings}
          onClose={() => setOpened(null)}
        />
      )}
    </div>
  );
}
