/**
 * Plain words: type names, issue labels, error types and server messages as a person reads them.
 *
 * The front door of src/core/words: code outside the room imports it from here (`@/core/words`) only.
 * It may import: text, api, issues, import, columns, patch, sheet, draft, outcome. (eslint.config.js)
 */
export {
  describeErrorMessage,
  errorTypeLabel,
  fieldTypeName,
  issueLabel,
  isUnreachableMessage,
  refusalReason,
  unreachableServerText,
} from './plain-words';
export {
  arizeCheckText,
  type LoadedCounts,
  loadCountsText,
  loadedSpansText,
  loadFailureText,
  NOT_IN_COPY_TEXT,
  targetText,
} from './target-words';
