import { type OutcomeSummary, refusalOf, type SubmissionOutcome } from '@/core/outcome';
import { refusalReason } from '@/core/words';
import { countText, formatSubmissionTime } from '@/ui/shared/format';
import { useServerStart } from './use-server-start';

const number = (count: number) => count.toLocaleString('en-US');

/**
 * The figures of the submission, which sheet or file it came from and when: sent (= updated + failed), updated
 * (of which already up to date), failed (of which never delivered, or refused: after a revert, or for the API key),
 * blocked by the sheet, and not sent because of a cancel; then the totals the server recorded, which History shows for the same
 * submission.
 */
export function ResultsSummary({
  outcome,
  summary,
}: {
  outcome: SubmissionOutcome;
  summary: OutcomeSummary;
}) {
  const { server } = summary;
  const startedAt = useServerStart(outcome);
  const refusal = summary.refused > 0 ? refusalOf(outcome) : null;
  const reason = refusal === null ? null : refusalReason(refusal.type);
  return (
    <div role="status" aria-label="Submission summary" className="results-summary">
      <p className="results-title">
        Results of <strong>{outcome.label}</strong>, submitted{' '}
        <time dateTime={startedAt}>{formatSubmissionTime(startedAt)}</time> to project{' '}
        <strong>{outcome.project}</strong>
      </p>
      <dl className="results-counts">
        <div>
          <dt>Sent</dt>
          <dd>{number(summary.sent)}</dd>
        </div>
        <div className="results-count-updated">
          <dt>Updated</dt>
          <dd>
            {number(summary.updated)}{' '}
            <span className="results-count-part">
              of which {number(summary.alreadyUpToDate)} already up to date
            </span>
          </dd>
        </div>
        <div className={summary.failed > 0 ? 'results-count-failed' : undefined}>
          <dt>Failed</dt>
          <dd>
            {number(summary.failed)}{' '}
            <span className="results-count-part">
              of which {number(summary.neverDelivered)} never delivered
              {reason && `, ${number(summary.refused)} refused (${reason.short})`}
            </span>
          </dd>
        </div>
        <div className={summary.blocked > 0 ? 'results-count-blocked' : undefined}>
          <dt>Blocked in the sheet</dt>
          <dd>{number(summary.blocked)}</dd>
        </div>
        <div className={summary.notSent > 0 ? 'results-count-not-sent' : undefined}>
          <dt>Not sent (cancelled)</dt>
          <dd>{number(summary.notSent)}</dd>
        </div>
        {summary.leftOut > 0 && (
          <div className="results-count-not-sent">
            <dt>Not sent (left out, predicted to fail)</dt>
            <dd>{number(summary.leftOut)}</dd>
          </div>
        )}
      </dl>
      <p className="results-context">
        The server received {countText(server.processed, 'span')} of this submission ({number(server.updated)}{' '}
        updated, {number(server.failed)} failed): the totals History shows for it
        {summary.neverDelivered > 0 &&
          `; ${summary.refused > 0 ? '' : 'the other '}${countText(summary.neverDelivered, 'span')} never reached it`}
        {reason &&
          `; ${countText(summary.refused, 'span')} ${summary.refused === 1 ? 'was' : 'were'} refused because ${reason.because}`}
        .
        {outcome.skippedUpToDate > 0 &&
          ` ${countText(outcome.skippedUpToDate, 'span')} already up to date on the server ${outcome.skippedUpToDate === 1 ? 'was' : 'were'} not sent.`}
        {outcome.cancelled &&
          (summary.notSent > 0
            ? ` Cancelled: ${countText(summary.notSent, 'span')} ${summary.notSent === 1 ? 'was' : 'were'} not sent.`
            : ' Cancelled after every span was sent.')}{' '}
        Finished <time dateTime={outcome.finishedAt}>{formatSubmissionTime(outcome.finishedAt)}</time>.
      </p>
    </div>
  );
}
