/**
 * Text from outside the program (a server's answers, a file's names and cells) made safe to show on a terminal,
 * where it would otherwise be obeyed: an escape sequence can clear the screen, move the cursor, set the window's
 * title or hide what follows, a carriage return can write over a line, and a bidi override can show text in
 * another order than it is. The command line passes everything it prints through `printableText`.
 */

/**
 * Whole escape sequences, in their 7-bit (ESC …) and 8-bit (C1) forms, so that no parameter is left showing:
 * control strings (OSC, DCS, SOS, PM, APC) up to their terminator (BEL or ST), or to the end of the line when they
 * have none; CSI with its parameters and final byte; and the other ESC sequences (ESC c, ESC 7, ESC ( B, …).
 */
const ESCAPE_SEQUENCES =
  // eslint-disable-next-line no-control-regex
  /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]|\x1b[\x20-\x2f]*[\x30-\x7e]/g;

/**
 * What is left out: C0 controls but tab and line feed, DEL, C1 controls (U+0080–U+009F), and the bidi embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069).
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Whether a text has anything to leave out or, on one line, a line break: the quick test before cleaning. */
// eslint-disable-next-line no-control-regex
const NEEDS_CLEANING = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const NEEDS_CLEANING_MULTILINE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

const LINE_BREAKS = /\r\n|[\r\n]/g;

/** How `printableText` treats line breaks. */
export interface PrintableOptions {
  /** Keep line feeds (text that is legitimately several lines); by default each line break becomes a space. */
  multiline?: boolean;
}

/**
 * Removes from a text everything a terminal would obey rather than show: escape sequences whole, the other
 * control characters (C0 but tab, DEL, C1), and the bidi overrides and isolates. Tabs stay. A line break becomes a
 * space, so a value cannot begin a line of its own, unless `multiline` (then carriage returns go and line feeds
 * stay). Text without any of them is returned as it is.
 */
export function printableText(text: string, { multiline = false }: PrintableOptions = {}): string {
  if (!(multiline ? NEEDS_CLEANING_MULTILINE : NEEDS_CLEANING).test(text)) return text;
  const withoutSequences = text.replace(ESCAPE_SEQUENCES, '');
  const lines = multiline ? withoutSequences : withoutSequences.replace(LINE_BREAKS, ' ');
  return lines.replace(UNPRINTABLE, '');
}

/** Characters JSON.stringify leaves as they are that a terminal would obey: DEL, C1 controls, bidi controls. */
const JSON_UNPRINTABLE = /[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A value as JSON text (`JSON.stringify`, indented by `indent`) that is safe on a terminal and means exactly the
 * same: JSON.stringify already escapes C0 controls; DEL, the C1 controls and the bidi controls, which it leaves
 * as they are and which can only stand inside strings, are written as `\uXXXX` escapes too.
 */
export function printableJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_UNPRINTABLE,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
