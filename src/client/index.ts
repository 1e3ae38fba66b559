export { ApiRequestError, type ClientOptions, type RequestFailureKind } from './api-request';
export {
  type ConnectionCheck,
  failedConnectionCheck,
  getFields,
  getSpan,
  getSubmission,
  listProjects,
  listSpans,
  listSubmissionChanges,
  listSubmissionErrors,
  listSubmissions,
  lookupSpans,
  querySpanIds,
  querySpans,
  revertSubmission,
  type SubmissionPageQuery,
  testConnection,
  whoAmI,
} from './api-helpers';
export {
  DEFAULT_BATCH_SIZE,
  type LogMetadataOptions,
  logMetadata,
  type PreparedBatch,
  type SpansByBatch,
  type SubmissionProgress,
} from './log-metadata';
