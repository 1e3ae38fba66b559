/**
 * Text rules at the bottom of core: JSON text (parsed with where it fails, its depth, compact form), text a
 * terminal may print, well-formed text, the form a name is searched in, and the exhaustive-switch guard.
 *
 * The front door of src/core/text: code outside the room imports it from here (`@/core/text`) only.
 * It imports no other room. (eslint.config.js)
 */
export { assertUnreachable } from './assert';
export {
  compactJson,
  containsNonFiniteNumber,
  describeJsonError,
  describeJsonKind,
  describeValue,
  isJsonObject,
  jsonDepth,
  parseJson,
} from './json';
export { printableJson, type PrintableOptions, printableText } from './printable-text';
export { searchForm } from './search-text';
export { wellFormedText } from './well-formed-text';
export { MAX_PREVIEW_LENGTH, textPreview } from './text-preview';
