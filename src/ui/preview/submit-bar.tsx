import { useState, useSyncExternalStore } from 'react';
import { submittableCount } from '@/core/sheet-model';
import { ConfirmDialog } from '@/ui/components/modal';
import type { ConnectionSettings } from '@/ui/settings';
import type { SheetStore } from '@/ui/sheet/sheet-store';
import type { SubmissionStore } from '@/ui/submission/submission-store';

/** Submissions larger than this ask first, naming the project. */
export const CONFIRM_ABOVE_SPANS = 1000;

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** The Submit button with what it leaves out, the confirmation for large submissions, and the progress. */
export function SubmitBar({
  sheet,
  submission,
  settings,
  onSubmitted,
}: {
  sheet: SheetStore;
  submission: SubmissionStore;
  settings: ConnectionSettings;
  onSubmitted: () => void;
}) {
  useSyncExternalStore(submission.subscribe, submission.getVersion, submission.getVersion);
  const [confirming, setConfirming] = useState(false);
  const summary = sheet.model.summary();
  const ready = submittableCount(summary);
  const { blocked, empty } = summary.spansByStatus;
  const running = submission.running;

  const start = () => {
    setConfirming(false);
    void submission.submit(sheet, settings).then(() => {
      if (submission.outcome) onSubmitted();
    });
  };

  if (running) {
    const { progress } = running;
    const seconds = Math.max(0.001, (running.updatedAt - running.startedAt) / 1000);
    const rate = Math.round(progress.spansDone / seconds);
    return (
      <div className="submit-bar submit-running">
        <label className="submit-progress">
          {running.kind === 'retry' ? 'Retrying' : 'Submitting'} to {running.project}:{' '}
          {progress.spansDone.toLocaleString('en-US')} of {plural(progress.spansTotal, 'span')} · batch{' '}
          {progress.batchesDone} of {progress.batchesTotal} · {rate.toLocaleString('en-US')} spans/s
          {progress.retrying &&
            ` · retrying batch ${progress.retrying.batch + 1} (${progress.retrying.reason})`}
          <progress
            aria-label="Submission progress"
            max={Math.max(1, progress.spansTotal)}
            value={progress.spansDone}
          />
        </label>
        <button type="button" onClick={() => submission.cancel()}>
          Cancel submission
        </button>
      </div>
    );
  }

  const leftOut = [
    blocked > 0 && `${plural(blocked, 'blocked span')}`,
    empty > 0 && `${plural(empty, 'span')} with nothing to change`,
  ]
    .filter(Boolean)
    .join(' and ');
  return (
    <div className="submit-bar">
      <button
        type="button"
        className="primary"
        disabled={ready === 0 || settings.project === ''}
        onClick={() => (ready > CONFIRM_ABOVE_SPANS ? setConfirming(true) : start())}
      >
        Submit {plural(ready, 'span')}
      </button>
      <span className="submit-note">
        {settings.project === ''
          ? 'Choose a project in Settings to submit.'
          : `to project ${settings.project}${leftOut ? `; ${leftOut} ${blocked + empty === 1 ? 'is' : 'are'} not sent` : ''}`}
      </span>
      {submission.problem && (
        <p role="alert" className="banner banner-error">
          {submission.problem}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Submit ${plural(ready, 'span')} to project ${settings.project}?`}
          message={
            <p>
              This updates the metadata of {plural(ready, 'span')} in project{' '}
              <strong>{settings.project}</strong> on {settings.serverUrl}. Every previous value is kept in the
              History.
            </p>
          }
          confirmLabel={`Submit ${plural(ready, 'span')}`}
          onCancel={() => setConfirming(false)}
          onConfirm={start}
        />
      )}
    </div>
  );
}
