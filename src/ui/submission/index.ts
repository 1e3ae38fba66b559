export { EDITED_SHEET_LABEL, submissionLabel } from './submission-label';
export { SubmissionProgressBar } from './submission-progress-bar';
export {
  type RunningSubmission,
  type RunOptions,
  type SubmissionState,
  SubmissionStore,
  type SubmitOptions,
} from './submission-store';
export {
  deliveryRate,
  type ProgressSnapshot,
  progressText,
  retryReportText,
  undeliveredReason,
} from './submission-texts';
export { useOutcomeAutosave } from './use-outcome-autosave';
