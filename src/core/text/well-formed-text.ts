/** With the `u` flag a surrogate class matches only lone surrogates, never half of a pair. */
const loneSurrogates = /[\uD800-\uDFFF]/gu;
const loneSurrogate = /[\uD800-\uDFFF]/u;

/**
 * Text as UTF-8 can carry it: each lone surrogate (which a JSON `\ud800` escape can make, and UTF-8 cannot encode)
 * becomes one U+FFFD, as a UTF-8 decoder shows it; pairs are kept. Text without one is returned as it is.
 */
export function wellFormedText(text: string): string {
  return loneSurrogate.test(text) ? text.replace(loneSurrogates, '\uFFFD') : text;
}
