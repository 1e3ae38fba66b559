export { ApiRequestError, type ClientOptions, type RequestFailureKind } from './api-request';
export { type ConnectionCheck, failedConnectionCheck, testConnection, whoAmI } from './connection-check';
export { arizeStatus, getFields, listProjects, loadFromArize } from './project-requests';
export { countSpans, getSpan, listSpans, lookupSpans, querySpanIds, querySpans } from './span-requests';
export {
  getSubmission,
  listSubmissionChanges,
  listSubmissionErrors,
  listSubmissions,
  revertSubmission,
  type SubmissionPageQuery,
} from './submission-requests';
export {
  DEFAULT_BATCH_SIZE,
  type LogMetadataOptions,
  logMetadata,
  type PreparedBatch,
  type SpansByBatch,
  type SubmissionProgress,
} from './log-metadata';
export { createKey, listAudit, listKeys, revokeKey } from './people-requests';
export { emptyProgress, retryOf, SubmissionRun, type SubmissionRunOptions } from './submission-run';
