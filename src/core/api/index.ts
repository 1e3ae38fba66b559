/**
 * The contract between the server and its clients (SPEC §6, §7, §12): the zod schemas of every request and
 * answer, the route table, the error types and `[type] message`, the limits a patch is held to (§5), what a key
 * may do, the most of an answer a client reads, answers that contradict their request, and the app's pages.
 *
 * The front door of src/core/api: code outside the room imports it from here (`@/core/api`) only.
 * It may import: text. (eslint.config.js)
 */
export { connectedAs, identityOf, type KeyAccess, whyNotAllowed } from './access';
export { answerTooLargeMessage, MAX_ANSWER_BYTES, MAX_ERROR_ANSWER_BYTES } from './answer-limits';
export {
  type ApiErrorStatus,
  type ApiRoute,
  apiRoutes,
  type NamedSchema,
  pathParamNames,
  type PathParams,
  type QueryValue,
  routePath,
} from './api-routes';
export {
  type AggregatedResponse,
  aggregateResponses,
  type ApiError,
  apiErrorSchema,
  describeSchemaError,
  type FieldsResponse,
  type FindSpanIdsRequest,
  type FindSpansRequest,
  type Identity,
  type LivenessResponse,
  type LookupResponse,
  MAX_QUERY_IDS,
  MAX_QUERY_SPANS,
  MAX_SPANS_PER_REQUEST,
  type MetadataCondition,
  type PatchResponse,
  patchResponseSchema,
  type ProjectsResponse,
  type ReadinessResponse,
  type SpanCountResponse,
  type SpanDetail,
  type SpanError,
  type SpanFilter,
  type SpanIdsFound,
  type SpanPatch,
  type SpanQueryResponse,
  type SpansFound,
  type SpansPage,
  type SpanSummary,
  type Submission,
  type SubmissionChange,
  type SubmissionChangesPage,
  type SubmissionDetail,
  type SubmissionErrorsPage,
  type SubmissionRef,
  type SubmissionsResponse,
} from './api-schema';
export { isAppPage } from './app-pages';
export {
  ERROR_TYPES,
  type ErrorType,
  formatErrorMessage,
  formatRefusal,
  formatRevertConflict,
  isRefusalType,
  KEY_REFUSED,
  type KnownErrorType,
  parseErrorMessage,
  type RefusalType,
  SUBMISSION_REVERTED,
} from './error-types';
export {
  escapeControlCharacters,
  exceedsPatchDepth,
  exceedsPatchLength,
  firstControlCharacter,
  invalidKeyReason,
  type InvalidKeyReason,
  isSpanIdTooLong,
  isValidKey,
  MAX_KEY_LENGTH,
  MAX_PATCH_DEPTH,
  MAX_PATCH_LENGTH,
  MAX_SPAN_ID_LENGTH,
} from './patch-limits';
export { findResponseContradiction } from './response-consistency';
