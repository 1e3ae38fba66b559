import { describeJsonKind, isJsonObject, parseJson } from '@/core/text';
import { checkColumnCount, MAX_IMPORT_ROWS, tooManyRows } from './limits';
import { type CellValue, type ImportError, importFailure, type ImportResult, plural } from './types';

type JsonReviver = (key: string, value: unknown, context?: { source?: string }) => unknown;

/**
 * Keeps the exact digits of integers JSON numbers cannot hold (beyond ±(2^53−1)) as bigints, so the sheet
 * reports them as unsafe and can offer them as text. Needs `JSON.parse` source access (browsers have it).
 */
export const reviveLongInteger: JsonReviver = (_key, value, context) =>
  typeof value === 'number' &&
  !Number.isSafeInteger(value) &&
  context?.source !== undefined &&
  /^-?\d+$/.test(context.source)
    ? BigInt(context.source)
    : value;

let sourceAccess: boolean | undefined;

function hasSourceAccess(): boolean {
  if (sourceAccess === undefined) {
    let seen = false;
    const probe: JsonReviver = (_key, value, context) => {
      seen = context?.source === '1';
      return value;
    };
    JSON.parse('1', probe);
    sourceAccess = seen;
  }
  return sourceAccess;
}

/** A reviver when the text may hold integers too long for a number, else undefined (the fast path). */
function reviverFor(text: string): JsonReviver | undefined {
  return /\d{16}/.test(text) && hasSourceAccess() ? reviveLongInteger : undefined;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const rowExample = 'such as {"context.span_id": "…", "attributes.metadata.reviewed": true}';

/**
 * Headers (keys in first-seen order across all objects) and rows (a missing key is `undefined`), or `too_large`
 * when the keys make more columns than a sheet reads (checked before any row is built).
 */
function tableFromObjects(
  objects: readonly Record<string, unknown>[],
): { headers: string[]; rows: CellValue[][] } | ImportError {
  const positions = new Map<string, number>();
  const headers: string[] = [];
  for (const object of objects) {
    for (const key of Object.keys(object)) {
      if (!positions.has(key)) {
        positions.set(key, headers.length);
        headers.push(key);
      }
    }
  }
  const tooWide = checkColumnCount(headers.length);
  if (tooWide !== null) return tooWide;
  const width = headers.length;
  const rows = objects.map((object) => {
    const row = new Array<CellValue>(width).fill(undefined);
    for (const key of Object.keys(object)) row[positions.get(key) ?? 0] = object[key] as CellValue;
    return row;
  });
  return { headers, rows };
}

/** Where parseJson's message says the error is: removed when the line is given separately. */
function withoutPosition(message: string): string {
  return message.replace(/ at line \d+, column \d+/, '');
}

/** Reads a JSON file holding an array of objects: keys become columns, values keep their JSON types. */
export function importJson(text: string): ImportResult {
  const source = stripBom(text);
  if (source.trim() === '') return importFailure('empty_file', 'The file is empty: it holds no JSON.');
  let value: unknown;
  const reviver = reviverFor(source);
  let parsed = false;
  if (reviver !== undefined) {
    try {
      value = JSON.parse(source, reviver);
      parsed = true;
    } catch {
      // Reported below, with its line and column.
    }
  }
  if (!parsed) {
    const result = parseJson(source);
    if (!result.ok) {
      if (source.trimStart().startsWith('{')) {
        const lines = importJsonl(source);
        if (lines.ok) {
          lines.table.notes.unshift('The file holds one JSON object per line; it was read as JSON Lines.');
          return lines;
        }
      }
      return importFailure('invalid_json', `This is not valid JSON: ${result.message}.`, {
        line: result.line,
        column: result.column,
      });
    }
    value = result.value;
  }
  if (!Array.isArray(value)) {
    const what = isJsonObject(value) ? 'a single JSON object' : describeJsonKind(value);
    const pandas =
      isJsonObject(value) &&
      Object.values(value).every((column) => typeof column === 'object' && column !== null)
        ? ' If pandas wrote it, use df.to_json(path, orient="records").'
        : '';
    return importFailure(
      'not_an_array_of_objects',
      `The file holds ${what}, not an array of objects: write the rows as [ {…}, {…} ], one object per row, ${rowExample}.${pandas}`,
    );
  }
  if (value.length === 0)
    return importFailure('empty_file', 'The JSON array is empty: there are no rows to import.');
  if (value.length > MAX_IMPORT_ROWS) return { ok: false, error: tooManyRows(value.length, true) };
  const badIndex = value.findIndex((element) => !isJsonObject(element));
  if (badIndex !== -1) {
    return importFailure(
      'not_an_array_of_objects',
      `The array's element at index ${badIndex} (item ${badIndex + 1}) is ${describeJsonKind(value[badIndex])}, ` +
        `not an object: each element must be one row as an object, ${rowExample}.`,
    );
  }
  return objectsTable('json', value as Record<string, unknown>[], []);
}

function objectsTable(
  format: 'json' | 'jsonl',
  objects: Record<string, unknown>[],
  notes: string[],
): ImportResult {
  const read = tableFromObjects(objects);
  if ('code' in read) return { ok: false, error: read };
  const { headers, rows } = read;
  if (headers.length === 0) {
    return importFailure(
      'empty_file',
      'Every object in the file is empty ({}): there are no columns to import.',
    );
  }
  return { ok: true, table: { format, headers, rows, origin: 'typed', notes } };
}

/** Reads a JSON Lines file: one object per line; blank lines are skipped; a bad line is named by its number. */
export function importJsonl(text: string): ImportResult {
  const source = stripBom(text);
  if (source.trim() === '') return importFailure('empty_file', 'The file is empty: it holds no JSON lines.');
  if (source.trimStart().startsWith('[')) {
    const array = importJson(source);
    if (array.ok)
      array.table.notes.unshift('The file holds a JSON array, not one object per line; it was read as JSON.');
    return array;
  }
  const reviver = reviverFor(source);
  const objects: Record<string, unknown>[] = [];
  let blankLines = 0;
  let lineNumber = 0;
  for (let start = 0; start < source.length;) {
    lineNumber++;
    const newline = source.indexOf('\n', start);
    const end = newline === -1 ? source.length : newline;
    const line = source.charCodeAt(end - 1) === 13 ? source.slice(start, end - 1) : source.slice(start, end);
    start = end + 1;
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) {
      blankLines++;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line, reviver);
    } catch {
      const result = parseJson(line);
      const column = result.ok ? 1 : result.column;
      const what = result.ok ? 'Invalid JSON' : withoutPosition(result.message);
      return importFailure(
        'invalid_json',
        `Line ${lineNumber} is not valid JSON at column ${column}: ${what}.`,
        {
          line: lineNumber,
          column,
        },
      );
    }
    if (!isJsonObject(value)) {
      return importFailure(
        'not_an_array_of_objects',
        `Line ${lineNumber} holds ${describeJsonKind(value)}, not an object: each line of a JSON Lines file must be ` +
          `one row as an object, ${rowExample}.`,
        { line: lineNumber },
      );
    }
    objects.push(value);
    if (objects.length > MAX_IMPORT_ROWS) return { ok: false, error: tooManyRows(objects.length, false) };
  }
  if (objects.length === 0)
    return importFailure('empty_file', 'The file has no JSON lines, only empty lines.');
  const notes = blankLines > 0 ? [`Skipped ${plural(blankLines, 'empty line')}.`] : [];
  return objectsTable('jsonl', objects, notes);
}
