import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { whyNotAllowed } from '@/core/api';
import type { SpanPrediction } from '@/core/patch';
import { submittableCount } from '@/core/sheet';
import { type ConnectionSettings, invalidateProject, ProjectTargetText, useIdentity } from '@/ui/settings';
import { countText } from '@/ui/shared/format';
import { ConfirmDialog } from '@/ui/shared/modal';
import { useStore } from '@/ui/shared/use-store';
import type { SheetStore } from '@/ui/sheet';
import { SubmissionProgressBar, type SubmissionStore } from '@/ui/submission';

/** Submissions larger than this ask first, naming the project. */
export const CONFIRM_ABOVE_SPANS = 1000;

/**
 * The Submit button with what it leaves out, the confirmation for large submissions, and the progress. With a
 * read-only key, Submit is disabled and the reason is said beside it (and is the button's description).
 */
export function SubmitBar({
  sheet,
  submission,
  settings,
  upToDate,
  predictedFailures,
  onSubmitted,
}: {
  sheet: SheetStore;
  submission: SubmissionStore;
  settings: ConnectionSettings;
  /** Submittable spans the server already has as asked: not counted, not sent. */
  upToDate: ReadonlySet<string>;
  /** Spans the comparison with the server predicts to fail: Submit can leave them out (none: not offered). */
  predictedFailures?: ReadonlyMap<string, SpanPrediction>;
  onSubmitted: () => void;
}) {
  // NOTE: whether one runs, not its progress: the progress bar alone follows that.
  const running = useStore(submission, (state) => state.running !== null);
  const problem = useStore(submission, (state) => state.problem);
  // NOTE: a new summary with every change of the sheet (the model changes in place; its state is new).
  const summary = useStore(sheet, (state) => state.model.summary());
  // A change being rechecked off the page is not in the summary yet: Submit waits for it.
  const checking = useStore(sheet, (state) => state.checking);
  // Which Submit asks first: every span, or all but those predicted to fail.
  const [confirming, setConfirming] = useState<'all' | 'leave-out' | null>(null);
  const queryClient = useQueryClient();
  const notAllowed = whyNotAllowed(useIdentity(settings), 'submit');
  const reasonId = useId();
  const ready = submittableCount(summary) - upToDate.size;
  const { blocked, empty } = summary.spansByStatus;
  const predicted = predictedFailures?.size ?? 0;
  const countOf = (choice: 'all' | 'leave-out') => (choice === 'all' ? ready : ready - predicted);

  const start = (choice: 'all' | 'leave-out') => {
    setConfirming(null);
    const leftOut =
      choice === 'leave-out' && predictedFailures
        ? new Map(
            [...predictedFailures].flatMap(([spanId, prediction]) =>
              prediction.failure ? [[spanId, prediction.failure] as const] : [],
            ),
          )
        : undefined;
    const before = submission.outcome;
    // What the server stores may have changed: what was read of the project (spans, History, this comparison) is
    // out of date, and is read again when shown.
    const onEnded = (written: ConnectionSettings) => void invalidateProject(queryClient, written);
    // Results only for this Submit's outcome: not after a cancel before anything was sent, nor a Submit that
    // could not be sent (the problem shows here), even when an earlier submission's outcome is there.
    void submission.submit(sheet, settings, { upToDate, leftOut, onEnded }).then(() => {
      if (submission.outcome !== null && submission.outcome !== before) onSubmitted();
    });
  };

  if (running) {
    return (
      <div className="submit-bar submit-running">
        <SubmissionProgressBar submission={submission} />
      </div>
    );
  }

  const leftOut = [
    blocked > 0 && `${countText(blocked, 'blocked span')}`,
    empty > 0 && `${countText(empty, 'span')} with nothing to change`,
    upToDate.size > 0 && `${countText(upToDate.size, 'span')} already up to date`,
  ]
    .filter(Boolean)
    .join(' and ');
  const disabled = ready === 0 || settings.project === '' || checking || notAllowed !== null;
  const choose = (choice: 'all' | 'leave-out') =>
    countOf(choice) > CONFIRM_ABOVE_SPANS ? setConfirming(choice) : start(choice);
  return (
    <div className="submit-bar">
      <button
        type="button"
        className="primary"
        disabled={disabled}
        aria-describedby={notAllowed === null ? undefined : reasonId}
        onClick={() => choose('all')}
      >
        Submit {countText(ready, 'span')}
      </button>
      {predicted > 0 && ready > predicted && (
        <button
          type="button"
          disabled={disabled}
          aria-describedby={notAllowed === null ? undefined : reasonId}
          onClick={() => choose('leave-out')}
        >
          Submit {countText(ready - predicted, 'span')}; leave out {predicted.toLocaleString('en-US')}{' '}
          predicted to fail
        </button>
      )}
      <span className="submit-note">
        {settings.project === ''
          ? 'Choose a project in Settings to submit.'
          : `to project ${settings.project}${leftOut ? `; ${leftOut} ${blocked + empty + upToDate.size === 1 ? 'is' : 'are'} not sent` : ''}`}
      </span>
      {settings.project !== '' && <ProjectTargetText settings={settings} className="submit-target" />}
      {notAllowed !== null && (
        <p id={reasonId} className="submit-not-allowed">
          {notAllowed}
        </p>
      )}
      {problem && (
        <p role="alert" className="banner banner-error">
          {problem}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Submit ${countText(countOf(confirming), 'span')} to project ${settings.project}?`}
          message={
            <p>
              This updates the metadata of {countText(countOf(confirming), 'span')} in project{' '}
              <strong>{settings.project}</strong> on {settings.serverUrl}. Every previous value is kept in the
              History. <ProjectTargetText settings={settings} />
              {confirming === 'leave-out' &&
                ` The ${countText(predicted, 'span')} predicted to fail ${predicted === 1 ? 'is' : 'are'} left out: Results lists them with the reason, and can send them later.`}
            </p>
          }
          confirmLabel={`Submit ${countText(countOf(confirming), 'span')}`}
          onCancel={() => setConfirming(null)}
          onConfirm={() => start(confirming)}
        />
      )}
    </div>
  );
}
