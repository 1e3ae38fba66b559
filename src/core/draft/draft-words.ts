// Reading a stored draft that may be anything: what a value is, and how to name it and its columns in a repair
// or a refusal the user reads.

/** True for a plain object (what JSON or a structured clone of an object literal gives), not a list or a Map. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && isPlainObject(value);
}

/** True for an object literal's kind of object (not a Map, a Date, a class instance), from any realm. */
export function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** A value's kind in words: "text", "a number", "a list", "a Map". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return value.length <= 20 ? `the text ${quote(value)}` : 'text';
    case 'number':
    case 'bigint':
      return `the number ${String(value)}`;
    case 'boolean':
      return String(value);
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      return isPlainObject(value) ? 'an object' : `a ${Object.prototype.toString.call(value).slice(8, -1)}`;
  }
}

/** A column as a repair names it: `column 2 ("score")`, or `column 2` when it has no name. */
export function describeColumn(index: number, name: string | null): string {
  return name === null || name === '' ? `column ${index + 1}` : `column ${index + 1} (${quote(name)})`;
}

/** Text in quotes, cut at 40 characters. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** The text with its first letter capitalised, to start a sentence. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** True when a column holds a value that is neither text nor blank: it came from JSON, JSONL or Parquet. */
export function holdsTypedValues(list: readonly unknown[]): boolean {
  for (const value of list) {
    if (value !== undefined && typeof value !== 'string') return true;
  }
  return false;
}
