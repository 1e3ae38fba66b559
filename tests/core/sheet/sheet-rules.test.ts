import { describe, expect, it } from 'vitest';
import type { ColumnSettings } from '@/core/columns';
import type { CellValue } from '@/core/import';
import { type IssueCode, issueMessage } from '@/core/issues';
import { storedPatch } from '@/core/patch';
import { allIssues, located, sheetOf } from '../helpers';

const ID = 'context.span_id';
const PATCH = 'patch_document';
const meta = (key: string) => `attributes.metadata.${key}`;
const A = '61dbffb32f20ddb6';
const B = '0123456789abcdef';
const C = 'fedcba9876543210';

interface Case {
  code: IssueCode;
  headers: string[];
  rows: CellValue[][];
  settings?: Partial<Record<string, Partial<ColumnSettings>>>;
  origin?: ColumnSettings['origin'];
  at: { row: number | null; column: string }[];
}

/** Every warning and error code of SPEC §2–5, produced by a sheet that a user could type, at its row and column. */
const cases: Case[] = [
  {
    code: 'missing_span_id',
    headers: [ID, meta('x')],
    rows: [
      [A, '1'],
      ['  ', '2'],
    ],
    at: [{ row: 2, column: ID }],
  },
  {
    code: 'span_id_trimmed',
    headers: [ID, meta('x')],
    rows: [[` ${A}\t`, '1']],
    at: [{ row: 1, column: ID }],
  },
  {
    code: 'span_id_lowercased',
    headers: [ID, meta('x')],
    rows: [
      [A, '1'],
      [A.toUpperCase(), '2'],
    ],
    at: [{ row: 2, column: ID }],
  },
  {
    code: 'span_id_too_long',
    headers: [ID, meta('x')],
    rows: [
      [A, '1'],
      ['s'.repeat(257), '2'],
    ],
    at: [{ row: 2, column: ID }],
  },
  {
    code: 'span_id_not_otel',
    headers: [ID, meta('x')],
    rows: [
      [A, '1'],
      ['span-7', '2'],
    ],
    at: [{ row: 2, column: ID }],
  },
  {
    code: 'parse_failure',
    headers: [ID, PATCH],
    rows: [
      [A, '{"a":1}'],
      [B, '{"a":'],
    ],
    at: [{ row: 2, column: PATCH }],
  },
  {
    code: 'patch_failure',
    headers: [ID, PATCH],
    rows: [
      [A, '[1,2]'],
      [B, '"text"'],
    ],
    at: [
      { row: 1, column: PATCH },
      { row: 2, column: PATCH },
    ],
  },
  {
    code: 'invalid_key',
    headers: [ID, meta('x'), PATCH],
    rows: [
      [A, 'x', ''],
      [
        B,
        '',
        `{"":0,"__proto__":1,"constructor":2,"prototype":3,"${'k'.repeat(257)}":4,"  ":5,"a\\u0000b":6,"del\u007f":7}`,
      ],
    ],
    at: Array.from({ length: 8 }, () => ({ row: 2, column: PATCH })),
  },
  {
    code: 'unnamed_key',
    headers: [ID, meta(''), meta('x')],
    rows: [
      [A, 'x', '1'],
      [B, '', '2'],
    ],
    at: [{ row: 1, column: meta('') }],
  },
  {
    code: 'patch_too_large',
    headers: [ID, meta('big'), meta('x')],
    rows: [
      [A, 'x'.repeat(1_000_001), '1'],
      [B, 'y'.repeat(999_000), '2'],
    ],
    at: [{ row: 1, column: ID }],
  },
  {
    code: 'patch_too_deep',
    headers: [ID, PATCH],
    rows: [
      [A, '{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}'],
      [B, '{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":1}}}}}}}}}}'],
    ],
    at: [{ row: 2, column: PATCH }],
  },
  {
    code: 'not_a_number',
    headers: [ID, meta('score')],
    rows: [
      [A, '1'],
      [B, 'N/A'],
    ],
    settings: { [meta('score')]: { type: 'number' } },
    at: [{ row: 2, column: meta('score') }],
  },
  {
    code: 'not_a_boolean',
    headers: [ID, meta('ok')],
    rows: [[A, 'yes']],
    settings: { [meta('ok')]: { type: 'boolean' } },
    at: [{ row: 1, column: meta('ok') }],
  },
  {
    code: 'not_json',
    headers: [ID, meta('tags')],
    rows: [
      [A, '["a"]'],
      [B, "['a']"],
    ],
    settings: { [meta('tags')]: { type: 'json' } },
    at: [{ row: 2, column: meta('tags') }],
  },
  {
    code: 'unsafe_integer',
    headers: [ID, meta('order'), PATCH],
    rows: [
      [A, '12345678901234567890', ''],
      [B, '', '{"n": 9007199254740993}'],
    ],
    settings: { [meta('order')]: { type: 'number' } },
    at: [
      { row: 1, column: meta('order') },
      { row: 2, column: PATCH },
    ],
  },
  {
    code: 'non_finite_number',
    headers: [ID, meta('score')],
    rows: [
      [A, 'NaN'],
      [B, 'Infinity'],
      [C, '1e999'],
    ],
    settings: { [meta('score')]: { type: 'number' } },
    at: [
      { row: 1, column: meta('score') },
      { row: 2, column: meta('score') },
      { row: 3, column: meta('score') },
    ],
  },
  {
    code: 'mixed_types_as_text',
    headers: [ID, meta('score')],
    rows: [
      [A, '1'],
      [B, 'N/A'],
      [C, '3'],
    ],
    at: [{ row: null, column: meta('score') }],
  },
  {
    // A true/false column is one column notice (below); here the true/false values differ from their column.
    code: 'bool_to_string',
    headers: [ID, meta('tags'), PATCH],
    rows: [
      [A, '["a"]', '{"reviewed": true}'],
      [B, 'true', ''],
    ],
    settings: { [meta('tags')]: { type: 'json' } },
    at: [
      { row: 1, column: PATCH },
      { row: 2, column: meta('tags') },
    ],
  },
  {
    // A JSON column, and a key of patch_document, is one notice (column-notices.test.ts); here the list differs
    // from the rest of its typed column (JSON, Parquet).
    code: 'json_to_string',
    headers: [ID, meta('tags')],
    rows: [
      [A, ['a', 'b']],
      [B, 3],
    ],
    origin: 'typed',
    at: [{ row: 1, column: meta('tags') }],
  },
  {
    code: 'null_not_removed',
    headers: [ID, meta('note'), meta('x')],
    rows: [
      [A, 'null', '1'],
      [B, 'text', '2'],
    ],
    settings: { [meta('x')]: { blankPolicy: 'null' } },
    at: [{ row: 1, column: meta('note') }],
  },
  {
    code: 'overridden_by_patch_document',
    headers: [ID, meta('quality'), PATCH],
    rows: [[A, '3', '{"quality": 4}']],
    at: [{ row: 1, column: PATCH }],
  },
  {
    code: 'duplicate_span_id',
    headers: [ID, meta('x')],
    rows: [
      [A, '1'],
      [B, '2'],
      [` ${A.toUpperCase()}`, '3'],
    ],
    at: [
      { row: 1, column: ID },
      { row: 3, column: ID },
    ],
  },
  {
    code: 'empty_patch',
    headers: [ID, meta('x')],
    rows: [
      [A, '1'],
      [B, '  '],
    ],
    at: [{ row: 2, column: ID }],
  },
];

/**
 * What each case's messages say, in the order of its `at`: a part of each message that names the value, key,
 * span or limit at fault (the row and column are checked by `at`).
 */
const messageParts: Record<IssueCode, (string | RegExp)[]> = {
  missing_span_id: ['Span ID is blank: this row cannot be sent'],
  span_id_trimmed: [`Span ID ${JSON.stringify(` ${A}\t`)} had spaces around it`],
  span_id_lowercased: [`Span ID "${A.toUpperCase()}" was lowercased`],
  span_id_too_long: ['Span ID is 257 characters long; the limit is 256'],
  span_id_not_otel: ['Span ID "span-7" is not 16 hex characters'],
  parse_failure: [
    'patch_document is not valid JSON: Unexpected end of JSON: expected a value at line 1, column 6',
  ],
  patch_failure: ['must be a JSON object like {"key": "value"}: it is an array', 'it is a string'],
  invalid_key: [
    'Metadata key is empty',
    'Metadata key "__proto__" is reserved',
    'Metadata key "constructor" is reserved',
    'Metadata key "prototype" is reserved',
    `Metadata key "${'k'.repeat(40)}…" is longer than 256 characters`,
    'Metadata key "  " is only spaces: name the key.',
    'Metadata key "a\\u0000b" holds a control character (U+0000), which a key cannot hold.',
    'Metadata key "del\\u007f" holds a control character (U+007F), which a key cannot hold.',
  ],
  unnamed_key: ["Name this column's key"],
  patch_too_large: ['is 1,000,017 characters of JSON, over the limit of 1,000,000'],
  patch_too_deep: ['The value of "a" nests 11 levels deep; the limit is 10'],
  not_a_number: ['"N/A" is not a number'],
  not_a_boolean: ['"yes" is not true or false'],
  not_json: [`"['a']" is not valid JSON (Unexpected character`],
  // NOTE: the value is named as read into a number, so only the digits a number keeps are asserted.
  unsafe_integer: [
    /^"12345678901234567\d{3}" is too large to store exactly as a number/,
    /^"900719925474099\d" is too large to store exactly as a number/,
  ],
  non_finite_number: [
    '"NaN" is not a finite number',
    '"Infinity" is not a finite number',
    /^"(1e999|Infinity)" is not a finite number/,
  ],
  // Always a column notice: a column is read as text because of its numeric-looking values (below).
  looks_numeric_kept_text: [],
  mixed_types_as_text: ['This column mixes 2 numbers and 1 text value'],
  bool_to_string: [
    'true is stored as the text "true" in "reviewed"',
    'true is stored as the text "true" in "tags"',
  ],
  json_to_string: ['The object or list in "tags" is stored as JSON text'],
  null_not_removed: ['"note" is set to null'],
  overridden_by_patch_document: ['"quality" from column "attributes.metadata.quality" is replaced'],
  duplicate_span_id: [`Span "${A}" also appears in row 3;`, `Span "${A}" also appears in row 1;`],
  empty_patch: ['Nothing to change for this span'],
};

describe('every warning and error code, at its row and column (SPEC §2–5)', () => {
  it.each(cases)('$code', ({ code, headers, rows, settings, origin, at }) => {
    const model = sheetOf(headers, rows, settings, origin);
    expect(located(model, code)).toEqual(at);
    const messages = allIssues(model)
      .filter((candidate) => candidate.code === code)
      .map((issue) => issueMessage(issue));
    expect(messages).toEqual(
      messageParts[code].map((part) =>
        typeof part === 'string' ? expect.stringContaining(part) : expect.stringMatching(part),
      ),
    );
    expect(model.summary().byCode[code]).toBe(at.length);
  });

  it('covers every code, with the column notices', async () => {
    const { ERROR_CODES, WARNING_CODES, NOTICE_CODES } = await import('@/core/issues/issues');
    expect(new Set([...cases.map((c) => c.code), ...NOTICE_CODES])).toEqual(
      new Set([...ERROR_CODES, ...WARNING_CODES]),
    );
  });
});

describe('merging per span (SPEC §4)', () => {
  it('applies field updates left to right, then patch_document over them', () => {
    const model = sheetOf([ID, meta('a'), meta('b'), PATCH], [[A, 'x', '2', '{"b": "from doc", "c": null}']]);
    const span = model.span(A);
    expect(storedPatch(span?.patch ?? [])).toEqual({ a: 'x', b: 'from doc', c: null });
    expect(span?.patch.map((entry) => [entry.key, entry.row, entry.column, entry.fromPatchDocument])).toEqual(
      [
        ['a', 1, meta('a'), false],
        ['b', 1, PATCH, true],
        ['c', 1, PATCH, true],
      ],
    );
  });

  it('merges rows of one span in row order, later rows winning per key', () => {
    const model = sheetOf(
      [ID, meta('reviewer'), meta('quality')],
      [
        [A, 'ana', '3'],
        [B, 'bo', '1'],
        [A, '', '5'],
      ],
    );
    const span = model.span(A);
    expect(span && storedPatch(span.patch)).toEqual({ reviewer: 'ana', quality: 5 });
    expect(span?.rows).toEqual([1, 3]);
    expect(span?.patch.find((entry) => entry.key === 'quality')?.row).toBe(3);
  });

  it('merges shallowly, as the SDK does: a nested object replaces, it is not merged', () => {
    const model = sheetOf(
      [ID, PATCH],
      [
        [A, '{"ctx":{"a":1}}'],
        [A, '{"ctx":{"b":2}}'],
      ],
    );
    expect(model.span(A)?.patch[0]?.stored).toBe('{"b":2}');
  });

  it('counts depth as the SDK does: {"a":1} is 2, and 10 levels pass', () => {
    const nine = '{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}';
    const model = sheetOf([ID, PATCH], [[A, nine]]);
    // Not blocked; the object under "a" is stored as JSON text, said once in the key's notice.
    expect(model.span(A)?.status).toBe('ready');
    expect(model.summary().notices.map(({ key, code }) => [key, code])).toEqual([['a', 'json_to_string']]);
  });

  it('keeps a 1,000,000-character patch and blocks one character more', () => {
    const overhead = '{"big":""}'.length;
    const exact = sheetOf([ID, meta('big')], [[A, 'x'.repeat(1_000_000 - overhead)]]);
    expect(exact.span(A)?.status).toBe('ready');
    const over = sheetOf([ID, meta('big')], [[A, 'x'.repeat(1_000_001 - overhead)]]);
    expect(over.span(A)?.status).toBe('blocked');
  });

  it('blocks a span when any of its rows has an error, and submits the rest', () => {
    const model = sheetOf(
      [ID, meta('score')],
      [
        [A, '1'],
        [B, '2'],
        [A, 'oops'],
      ],
      { [meta('score')]: { type: 'number' } },
    );
    expect(model.span(A)?.status).toBe('blocked');
    expect(model.submittableSpans()).toEqual([{ span_id: B, patch_document: { score: 2 } }]);
  });

  it('submits nothing while the sheet has no metadata column', () => {
    const model = sheetOf([ID, 'notes'], [[A, 'x']]);
    expect(model.sheetIssues.map((issue) => issue.code)).toEqual(['no_metadata_columns']);
    expect(model.submittableSpans()).toEqual([]);
  });

  it('blocks a pasted patch_document nested 100,000 levels deep without overflowing the stack', () => {
    const depth = 100_000;
    const deep = `{"a":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
    const model = sheetOf(
      [ID, PATCH],
      [
        [A, deep],
        [B, '{"b":1}'],
      ],
    );
    const issues = allIssues(model).filter((issue) => issue.code === 'patch_too_deep');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ row: 1, column: PATCH, severity: 'error' });
    expect(issueMessage(issues[0] ?? { code: 'empty_patch' })).toContain(`nests ${depth + 2} levels`);
    expect(model.summary().spansByStatus.blocked).toBe(1);
  });

  it('ignores fully blank rows instead of calling them errors', () => {
    const model = sheetOf(
      [ID, meta('x')],
      [
        [A, '1'],
        ['', ''],
        [' ', ''],
      ],
    );
    expect(model.summary()).toMatchObject({ rows: 3, blankRows: 2, errors: 0, spans: 1 });
    expect(model.rowStatus(1)).toBe('blank');
  });

  it('ignores unmapped columns', () => {
    const model = sheetOf([ID, meta('x'), 'comment'], [[A, '1', 'whatever {']]);
    expect(model.span(A)?.status).toBe('ready');
  });

  it('reads numbers, booleans and JSON columns in auto as a dataframe would', () => {
    const model = sheetOf(
      [ID, meta('score'), meta('ok'), meta('tags'), meta('name')],
      [
        [A, '0.5', 'true', '["a"]', 'Ana'],
        [B, '2', 'False', '{"k":1}', '42'],
      ],
    );
    expect(model.spans().map((span) => storedPatch(span.patch))).toEqual([
      { score: 0.5, ok: 'true', tags: '["a"]', name: 'Ana' },
      { score: 2, ok: 'false', tags: '{"k":1}', name: '42' },
    ]);
  });

  it('keeps typed JSON values as they are (a JSON string "42" stays text)', () => {
    const model = sheetOf([ID, meta('n'), meta('s')], [[A, 42, '42']], {}, 'typed');
    expect(storedPatch(model.span(A)?.patch ?? [])).toEqual({ n: 42, s: '42' });
  });

  it('reads a patch_document given as a typed object', () => {
    const model = sheetOf([ID, PATCH], [[A, { a: 1, b: { c: true } }]], {}, 'typed');
    expect(storedPatch(model.span(A)?.patch ?? [])).toEqual({ a: 1, b: '{"c":true}' });
  });

  it('gives summary counts of spans by status and of rows with problems', () => {
    const model = sheetOf(
      [ID, meta('x')],
      [
        [A, '1'],
        [B.toUpperCase(), '2'],
        ['', '3'],
        [C, ''],
      ],
    );
    const summary = model.summary();
    expect(summary.spansByStatus).toEqual({ ready: 1, warnings: 1, blocked: 0, empty: 1 });
    expect(summary).toMatchObject({ rows: 4, spans: 3, rowsWithErrors: 1, errors: 1 });
  });
});

describe('the README example', () => {
  it('gives the merged patch the README shows', () => {
    const model = sheetOf(
      [ID, meta('reviewed'), meta('quality'), PATCH],
      [
        [A, 'true', '3', ''],
        ['0a1b2c3d4e5f6071', 'false', '', '{"reviewer": "ana"}'],
        [A, '', '4', '{"tags": ["refund"]}'],
      ],
    );
    expect(JSON.stringify(storedPatch(model.span(A)?.patch ?? []))).toBe(
      '{"reviewed":"true","quality":4,"tags":"[\\"refund\\"]"}',
    );
  });
});
