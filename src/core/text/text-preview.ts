/** The longest preview a list shows of a span's input. */
export const MAX_PREVIEW_LENGTH = 120;

/**
 * The first line of a text that holds something, its spaces collapsed, at most `max` characters (an ellipsis
 * ends a cut line); null for a text of blanks only. Lists show it to tell spans of one name apart by their input.
 */
export function textPreview(text: string | null | undefined, max = MAX_PREVIEW_LENGTH): string | null {
  if (text === null || text === undefined) return null;
  const line = text
    .split(/\r\n|\r|\n/)
    .map((part) => part.replace(/\s+/g, ' ').trim())
    .find((part) => part !== '');
  if (line === undefined) return null;
  if (line.length <= max) return line;
  // NOTE: cut by code points, so an emoji (a surrogate pair) is never split in half.
  return `${[...line].slice(0, max - 1).join('')}…`;
}
