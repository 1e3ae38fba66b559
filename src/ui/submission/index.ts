export {
  connectionFailures,
  type FailedSpan,
  failedSpans,
  mergeRetry,
  type SubmissionOutcome,
} from './submission-result';
export { type RunningSubmission, type SubmissionState, SubmissionStore } from './submission-store';
