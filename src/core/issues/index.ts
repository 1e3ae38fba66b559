/**
 * What the checks of a sheet report (SPEC §2–§5): the issue codes, their severities and messages, and the
 * error type a span blocked by one is reported under.
 *
 * The front door of src/core/issues: code outside the room imports it from here (`@/core/issues`) only.
 * It may import: text, api. (eslint.config.js)
 */
export { errorTypeOfIssue } from './issue-error-types';
export {
  type CellKind,
  describeLocation,
  ERROR_CODES,
  type ErrorCode,
  type Issue,
  type IssueCode,
  type IssueDetails,
  issueMessage,
  type KeptTextReason,
  makeIssue,
  NOTICE_CODES,
  type NoticeCode,
  type Severity,
  severityOf,
  WARNING_CODES,
} from './issues';
