/**
 * Text as PostgreSQL stores it. PostgreSQL's `text` cannot hold the NUL character, and `jsonb` refuses `\u0000`
 * and lone surrogates, all of which a patch, a span ID or a span name may carry (SQLite keeps them). So the store
 * writes such characters, and the escape character itself, as two private-use characters, and reads them back:
 *
 * | character               | stored as                    |
 * | ----------------------- | ---------------------------- |
 * | U+E000 (the escape)     | U+E000 U+E000                |
 * | NUL                     | U+E000 U+E001                |
 * | a lone surrogate U+D8xx | U+E000 and U+F0xx (+0x1800)  |
 *
 * Text without them (nearly all) is stored as it is. The encoding is one-to-one, so equality and prefixes hold;
 * only a `contains` search for a private-use character could match across an escape.
 */

const ESCAPE = '\uE000';
const NUL_CODE = '\uE001';
/** U+F000 to U+F7FF stand for the surrogates U+D800 to U+DFFF. */
const SURROGATE_OFFSET = 0xf000 - 0xd800;
/** With the `u` flag, a surrogate class matches only lone surrogates, never a pair. */
const unstorable = /[\0\uE000\uD800-\uDFFF]/u;
const unstorables = /[\0\uE000\uD800-\uDFFF]/gu;
const escaped = /\uE000([\s\S])/g;
/** What JSON.stringify writes for a character that needs escaping in storage. */
const unstorableInJson = /\\u0000|\\ud[89a-f]|\uE000/i;

/** Text as stored: NUL, lone surrogates and U+E000 escaped. */
export function encodeText(text: string): string {
  if (!unstorable.test(text)) return text;
  return text.replace(unstorables, (character) => {
    if (character === ESCAPE) return ESCAPE + ESCAPE;
    if (character === '\0') return ESCAPE + NUL_CODE;
    return ESCAPE + String.fromCharCode(character.charCodeAt(0) + SURROGATE_OFFSET);
  });
}

/** Stored text as it was written. */
export function decodeText(text: string): string {
  if (!text.includes(ESCAPE)) return text;
  return text.replace(escaped, (_, code: string) => {
    if (code === ESCAPE) return ESCAPE;
    if (code === NUL_CODE) return '\0';
    return String.fromCharCode(code.charCodeAt(0) - SURROGATE_OFFSET);
  });
}

/** A JSON value with every string (and object key) passed through `convert`. */
function mapStrings(value: unknown, convert: (text: string) => string): unknown {
  if (typeof value === 'string') return convert(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, convert));
  if (value !== null && typeof value === 'object') {
    // NOTE: fromEntries defines own properties, so a key such as `__proto__` stays a key.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [convert(key), mapStrings(item, convert)]),
    );
  }
  return value;
}

/** A `jsonb` query parameter: JSON text that PostgreSQL accepts, passed as it is (not encoded again as text). */
export class JsonParam {
  constructor(readonly text: string) {}

  /** Called by `pg` when it sends the parameter. */
  toPostgres(): string {
    return this.text;
  }
}

/** A value as a `jsonb` parameter, its strings encoded for storage; null stays SQL NULL. */
export function jsonParam(value: unknown): JsonParam | null {
  if (value === null || value === undefined) return null;
  const text = JSON.stringify(value);
  return new JsonParam(unstorableInJson.test(text) ? JSON.stringify(mapStrings(value, encodeText)) : text);
}

/** Parses `json`/`jsonb` text from PostgreSQL, decoding its strings. */
export function parseStoredJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  return text.includes(ESCAPE) ? mapStrings(value, decodeText) : value;
}

/** A query parameter as stored: text (alone or in an array) encoded; `JsonParam`s and numbers as they are. */
export function encodeParam(value: unknown): unknown {
  if (typeof value === 'string') return encodeText(value);
  if (Array.isArray(value)) return value.map(encodeParam);
  return value;
}

/** A result row as written: its text columns decoded (`jsonb` columns are decoded as they are parsed). */
export function decodeRow<T extends object>(row: T, textColumns: readonly string[]): T {
  const values = row as Record<string, unknown>;
  for (const column of textColumns) {
    const value = values[column];
    if (typeof value === 'string' && value.includes(ESCAPE)) values[column] = decodeText(value);
  }
  return row;
}
