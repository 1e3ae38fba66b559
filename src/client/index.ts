export { ApiRequestError, type ClientOptions } from './api-request';
export {
  type ConnectionCheck,
  failedConnectionCheck,
  getFields,
  getSubmission,
  listProjects,
  listSpans,
  listSubmissions,
  lookupSpans,
  testConnection,
} from './api-helpers';
export { type LogMetadataOptions, logMetadata, type SubmissionProgress } from './log-metadata';
