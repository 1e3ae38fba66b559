import type { SubmissionOutcome } from '@/ui/submission';
import { countText, formatSubmissionTime } from '@/ui/shared/format';

/** The counts of a submission exactly as the server answered them, with its project and time. */
export function ResultsSummary({ outcome }: { outcome: SubmissionOutcome }) {
  const { result } = outcome;
  const notSent = result.not_sent.length;
  return (
    <div role="status" aria-label="Submission summary" className="results-summary">
      <dl className="results-counts">
        <div>
          <dt>Processed</dt>
          <dd>{result.spans_processed.toLocaleString('en-US')}</dd>
        </div>
        <div className="results-count-updated">
          <dt>Updated</dt>
          <dd>{result.spans_updated.toLocaleString('en-US')}</dd>
        </div>
        <div className={result.spans_failed > 0 ? 'results-count-failed' : undefined}>
          <dt>Failed</dt>
          <dd>{result.spans_failed.toLocaleString('en-US')}</dd>
        </div>
        {notSent > 0 && (
          <div className="results-count-not-sent">
            <dt>Not sent (cancelled)</dt>
            <dd>{notSent.toLocaleString('en-US')}</dd>
          </div>
        )}
      </dl>
      <p className="results-context">
        Project <strong>{outcome.project}</strong>, finished{' '}
        <time dateTime={outcome.finishedAt}>{formatSubmissionTime(outcome.finishedAt)}</time>
        {outcome.cancelled &&
          (notSent > 0
            ? `. Cancelled: ${countText(notSent, 'span')} ${notSent === 1 ? 'was' : 'were'} not sent`
            : '. Cancelled after every span was sent')}
        .
      </p>
    </div>
  );
}
