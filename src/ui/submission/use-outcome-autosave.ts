import { useEffect, useRef, useState } from 'react';
import type { SubmissionOutcome } from '@/core/outcome';
import { loadLastSubmission, saveLastSubmission } from '@/ui/sheet';
import type { SubmissionStore } from './submission-store';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Keeps the last submission's outcome beside the sheet draft (SPEC §9): restores it once after a reload, then
 * saves each new outcome (a Submit, a Retry merged in). What goes wrong is told through the store's
 * `savedProblem`, which Results shows. `factory` is the IndexedDB to use (tests pass a fake). Returns true
 * until the saved outcome is back (or known not to be there).
 */
export function useOutcomeAutosave(submission: SubmissionStore, factory?: IDBFactory): boolean {
  const [restoring, setRestoring] = useState(true);
  /** The outcome as it is saved: the one restored, then each one saved since. */
  const saved = useRef<SubmissionOutcome | null>(null);

  useEffect(() => {
    let cancelled = false;
    loadLastSubmission(factory)
      .then(({ outcome, problem }) => {
        if (cancelled) return;
        if (outcome && submission.restore(outcome)) saved.current = outcome;
        if (problem) {
          submission.setSavedProblem(
            `The results of the last submission could not be restored (${problem}) History still has the server's record of it.`,
          );
        }
      })
      .catch((error: unknown) => {
        if (!cancelled) {
          submission.setSavedProblem(
            `The results of the last submission could not be read from this browser: ${messageOf(error)}.`,
          );
        }
      })
      .finally(() => {
        if (!cancelled) setRestoring(false);
      });
    return () => {
      cancelled = true;
    };
  }, [submission, factory]);

  useEffect(() => {
    if (restoring) return;
    const saveIfNew = () => {
      const outcome = submission.outcome;
      if (outcome === saved.current || outcome === null) return;
      saved.current = outcome;
      saveLastSubmission(outcome, factory)
        .then(() => submission.setSavedProblem(null))
        .catch((error: unknown) =>
          submission.setSavedProblem(
            `The results of this submission could not be saved in this browser (${messageOf(error)}): they are lost on reload, though History keeps the server's record.`,
          ),
        );
    };
    // A submission may have finished while the saved one was being read.
    saveIfNew();
    return submission.subscribe(saveIfNew);
  }, [submission, factory, restoring]);

  return restoring;
}
