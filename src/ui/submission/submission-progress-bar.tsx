import { useStore } from '@/ui/shared/use-store';
import type { SubmissionStore } from './submission-store';
import { progressText } from './submission-texts';
import './submission.css';

/**
 * The progress of the running Submit or Retry, with Cancel: spans delivered and failed batches apart (a batch
 * that could not be delivered never advances the bar). Nothing while none runs. It alone follows the progress
 * reports, so they re-render only this.
 */
export function SubmissionProgressBar({ submission }: { submission: SubmissionStore }) {
  const running = useStore(submission, (state) => state.running);
  if (!running) return null;
  const { progress } = running;
  return (
    <div className="submission-progress">
      <label className="submit-progress">
        {progressText(running)}
        <progress
          aria-label={running.kind === 'retry' ? 'Retry progress' : 'Submission progress'}
          max={Math.max(1, progress.spansTotal)}
          value={progress.spansDone}
        />
      </label>
      <button type="button" onClick={() => submission.cancel()}>
        {running.kind === 'retry' ? 'Cancel retry' : 'Cancel submission'}
      </button>
    </div>
  );
}
