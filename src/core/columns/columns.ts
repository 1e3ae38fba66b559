import { z } from 'zod';
import { invalidKeyReason, MAX_KEY_LENGTH } from '@/core/api';
import { NOTICE_CODES } from '@/core/issues';

export const METADATA_PREFIX = 'attributes.metadata.';
export const SPAN_ID_COLUMN = 'context.span_id';
export const PATCH_DOCUMENT_COLUMN = 'patch_document';

export const columnTypeSchema = z.enum(['auto', 'string', 'number', 'boolean', 'json']);
export const blankPolicySchema = z.enum(['skip', 'null']);
export const columnTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('span_id') }),
  z.object({ kind: z.literal('metadata'), key: z.string() }),
  z.object({ kind: z.literal('patch_document') }),
  z.object({ kind: z.literal('ignore') }),
]);

/** How a metadata column's cells are read: `auto` infers one type for the whole column. */
export type ColumnType = z.infer<typeof columnTypeSchema>;
/** What a blank cell does: `skip` leaves the key untouched, `null` sets it to null. */
export type BlankPolicy = z.infer<typeof blankPolicySchema>;
/** What a sheet column feeds: the span ID, one metadata key, the patch document, or nothing. */
export type ColumnTarget = z.infer<typeof columnTargetSchema>;

export const columnSettingsSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  target: columnTargetSchema,
  type: columnTypeSchema,
  blankPolicy: blankPolicySchema,
  /**
   * `text`: cells are text to be read (CSV, TSV, typed in the grid). `typed`: cells arrived with their JSON type
   * (JSON, JSONL, Parquet), and `auto` keeps each value's type instead of inferring one.
   */
  origin: z.enum(['text', 'typed']).default('text'),
  /**
   * The column notices the user accepted (`bool_to_string`, …): shown as accepted conversions instead of
   * needing attention. Display only: what is stored never changes. Missing in drafts saved before notices: none.
   */
  acceptedNotices: z.array(z.enum(NOTICE_CODES)).optional(),
});

/** One column of a sheet: its header as the user sees it and how it is read. */
export type ColumnSettings = z.infer<typeof columnSettingsSchema>;

const spanIdAliases = new Set([SPAN_ID_COLUMN, 'span_id', 'spanid', 'span id']);

/** A column's target as auto-mapping reads its header, and whether the header was recognised at all. */
export interface AutoMapping {
  target: ColumnTarget;
  recognized: boolean;
  /** True for a leading unnamed column, which pandas writes for its index. */
  pandasIndex: boolean;
}

/**
 * Maps a header to its target by the SDK's dataframe convention: names are trimmed and compared
 * case-insensitively; the metadata key is everything after the prefix, taken literally (`a.b` stays a flat key).
 */
export function autoMapHeader(header: string, position: number): AutoMapping {
  const name = header.trim();
  const lower = name.toLowerCase();
  if (position === 0 && (name === '' || /^unnamed: ?0$/i.test(name))) {
    return { target: { kind: 'ignore' }, recognized: true, pandasIndex: true };
  }
  if (spanIdAliases.has(lower)) return { target: { kind: 'span_id' }, recognized: true, pandasIndex: false };
  if (lower === PATCH_DOCUMENT_COLUMN)
    return { target: { kind: 'patch_document' }, recognized: true, pandasIndex: false };
  if (lower.startsWith(METADATA_PREFIX)) {
    return {
      target: { kind: 'metadata', key: name.slice(METADATA_PREFIX.length) },
      recognized: true,
      pandasIndex: false,
    };
  }
  return { target: { kind: 'ignore' }, recognized: false, pandasIndex: false };
}

/** A plain header: a word of letters, digits and underscores that starts with a letter (`reviewed`, `ticket_2`). */
const plainHeader = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Headers pandas gives its index: `index`, `level_0`, `Unnamed: 3`. */
const pandasIndexHeader = /^(?:index|level_\d+|unnamed: ?\d+)$/i;

/**
 * The metadata key a plain header is taken as in the mapping step (`reviewed` → `attributes.metadata.reviewed`):
 * a header that is a valid key and not an ID (`ticket_id`, `spanId`) or a pandas index column is almost always
 * meant as one. Null for any other header, left ignored until the user maps it.
 */
export function plainHeaderKey(header: string): string | null {
  const name = header.trim();
  if (!plainHeader.test(name) || pandasIndexHeader.test(name) || isIdLikeName(name)) return null;
  if (/^span_?id$/i.test(name) || invalidKeyReason(name) !== null) return null;
  return name;
}

/** How `autoMapColumns` maps the headers it does not recognise. */
export interface AutoMapOptions {
  /** Take a plain header as the metadata key it names (`plainHeaderKey`), as the app's mapping step does. */
  plainHeadersAsKeys?: boolean;
}

/**
 * Default settings for the columns of an imported sheet. Only the first span ID column is mapped; a second
 * one is left ignored so the user chooses. `knownKeys` are the project's metadata keys: a header that is one of
 * them (trimmed, any case) is offered as that key, to be confirmed in the mapping step; with `plainHeadersAsKeys`,
 * another plain header is offered as the key it names (`plainHeaderKey`), to be confirmed there too.
 */
export function autoMapColumns(
  headers: readonly string[],
  origin: ColumnSettings['origin'] = 'text',
  knownKeys: readonly string[] = [],
  options: AutoMapOptions = {},
): { columns: ColumnSettings[]; allRecognized: boolean } {
  let hasSpanId = false;
  let allRecognized = true;
  const columns = headers.map((header, position): ColumnSettings => {
    const mapping = autoMapHeader(header, position);
    let target = mapping.target;
    if (target.kind === 'span_id') {
      if (hasSpanId) {
        target = { kind: 'ignore' };
        allRecognized = false;
      }
      hasSpanId = true;
    }
    if (!mapping.recognized) {
      allRecognized = false;
      const known =
        matchingKey(header, knownKeys) ?? (options.plainHeadersAsKeys ? plainHeaderKey(header) : null);
      if (known !== null) target = { kind: 'metadata', key: known };
    }
    return { id: `c${position}`, name: header, target, type: 'auto', blankPolicy: 'skip', origin };
  });
  return { columns, allRecognized };
}

/** The project key a header names (trimmed, compared case-insensitively), in the project's spelling, or null. */
export function matchingKey(header: string, knownKeys: readonly string[]): string | null {
  const wanted = header.trim().toLowerCase();
  if (wanted === '') return null;
  return knownKeys.find((key) => key.toLowerCase() === wanted) ?? null;
}

/**
 * The key offered when a column is mapped to a metadata key: the project key its header names, else the
 * header's words (a standard header gives its key); empty when the header says nothing, so it must be named.
 */
export function suggestedKey(header: string, knownKeys: readonly string[] = []): string {
  const name = header.trim();
  if (name.toLowerCase().startsWith(METADATA_PREFIX)) return name.slice(METADATA_PREFIX.length);
  return matchingKey(name, knownKeys) ?? name;
}

/** The header a target would have under the SDK's convention, for new and exported columns. */
export function standardHeader(target: ColumnTarget, fallback: string): string {
  switch (target.kind) {
    case 'span_id':
      return SPAN_ID_COLUMN;
    case 'metadata':
      return METADATA_PREFIX + target.key;
    case 'patch_document':
      return PATCH_DOCUMENT_COLUMN;
    case 'ignore':
      return fallback;
  }
}

/**
 * The three columns of a new, blank sheet. The metadata key is asked of the user; until it is named (`''`) the
 * column blocks every span with a value in it ("Name this column's key").
 */
export function standardColumns(metadataKey = ''): ColumnSettings[] {
  return [
    {
      id: 'c0',
      name: SPAN_ID_COLUMN,
      target: { kind: 'span_id' },
      type: 'auto',
      blankPolicy: 'skip',
      origin: 'text',
    },
    {
      id: 'c1',
      name: METADATA_PREFIX + metadataKey,
      target: { kind: 'metadata', key: metadataKey },
      type: 'auto',
      blankPolicy: 'skip',
      origin: 'text',
    },
    {
      id: 'c2',
      name: PATCH_DOCUMENT_COLUMN,
      target: { kind: 'patch_document' },
      type: 'auto',
      blankPolicy: 'skip',
      origin: 'text',
    },
  ];
}

/** True for a metadata column whose key was never named: its values cannot be sent. */
export function isUnnamedKeyColumn(column: ColumnSettings): boolean {
  return column.target.kind === 'metadata' && column.target.key.trim() === '';
}

/** Why a key typed for a column cannot be its key, in words, or null when it can (surrounding spaces are cut). */
export function keyProblem(key: string): string | null {
  switch (invalidKeyReason(key.trim())) {
    case 'empty':
    case 'blank':
      return "Name this column's key.";
    case 'too_long':
      return `A key is at most ${MAX_KEY_LENGTH} characters.`;
    case 'control_character':
      return 'A key cannot hold a control character such as a tab or a line break.';
    case 'reserved':
      return `"${key.trim()}" is reserved and cannot be a key.`;
    case null:
      return null;
  }
}

/** What a change to a column's settings may touch (everything but its id). */
export type ColumnSettingsPatch = Partial<Omit<ColumnSettings, 'id'>>;

/**
 * The changes that rename a column. A metadata column's key and header are one thing: the new name gives the
 * key (`attributes.metadata.label` or `label` both give `label`) and the header becomes its standard form.
 * Null when nothing changes.
 */
export function renameChanges(column: ColumnSettings, name: string): ColumnSettingsPatch | null {
  if (column.target.kind !== 'metadata') {
    return name === column.name || name.trim() === '' ? null : { name };
  }
  const key = suggestedKey(name);
  if (key === '' || key === column.target.key) {
    return key === '' || METADATA_PREFIX + key === column.name ? null : { name: METADATA_PREFIX + key };
  }
  return { name: METADATA_PREFIX + key, target: { kind: 'metadata', key } };
}

/**
 * The changes a settings change makes (the column menu): a metadata column's header follows its key, and a
 * column mapped to the span ID, a metadata key or patch_document takes its standard header; an ignored column
 * keeps its name.
 */
export function settingsChanges(column: ColumnSettings, change: ColumnSettingsPatch): ColumnSettingsPatch {
  const next: ColumnSettingsPatch = { ...change };
  const target = change.target;
  if (!target || target.kind === 'ignore') return next;
  const keyChanged =
    target.kind === 'metadata' && (column.target.kind !== 'metadata' || column.target.key !== target.key);
  if (keyChanged || column.target.kind !== target.kind) next.name = standardHeader(target, column.name);
  return next;
}

/** True when a column's name suggests it holds IDs (`user_id`, `ticketId`, `ID`). */
export function isIdLikeName(name: string): boolean {
  const trimmed = name.trim();
  return /(^|[^a-z])ids?$/i.test(trimmed) || /[a-z]Ids?$/.test(trimmed);
}
