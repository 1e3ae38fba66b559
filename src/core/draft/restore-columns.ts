import {
  blankPolicySchema,
  type ColumnSettings,
  columnSettingsSchema,
  columnTargetSchema,
  columnTypeSchema,
  standardHeader,
} from '@/core/columns';
import { plural } from '@/core/import';
import { NOTICE_CODES, type NoticeCode } from '@/core/issues';
import { capitalize, describeColumn, describeValue, holdsTypedValues, isRecord, quote } from './draft-words';

// The column settings of a stored draft, repaired setting by setting (`restoreSheet`): each repair said in words.

const originSchema = columnSettingsSchema.shape.origin.unwrap();
const columnIdSchema = columnSettingsSchema.shape.id;

/** A column's settings with each setting repaired on its own, or null when the entry is not settings at all. */
export function readColumn(
  entry: unknown,
  index: number,
  cells: readonly unknown[],
  repairs: string[],
): ColumnSettings | null {
  if (!isRecord(entry)) return null;
  const whole = columnSettingsSchema.safeParse(entry);
  if (whole.success && entry.origin !== undefined) return whole.data;

  const name = typeof entry.name === 'string' ? entry.name : null;
  const where = describeColumn(index, name);
  const fixed: string[] = [];
  const target = columnTargetSchema.safeParse(entry.target);
  if (!target.success) fixed.push('an unreadable target; it is ignored now');
  const type = columnTypeSchema.safeParse(entry.type);
  if (!type.success) {
    fixed.push(
      entry.type === undefined
        ? 'no type; it reads as auto'
        : `an unknown type (${describeValue(entry.type)}); it reads as auto`,
    );
  }
  const blankPolicy = blankPolicySchema.safeParse(entry.blankPolicy);
  if (!blankPolicy.success) fixed.push('no blank policy it could use; it skips blank cells');
  const origin = originSchema.safeParse(entry.origin);
  const acceptedNotices = readAcceptedNotices(entry.acceptedNotices, fixed);
  const id = columnIdSchema.safeParse(entry.id);
  if (!id.success) fixed.push('no id it could use; it has a new one');
  const settings: ColumnSettings = {
    id: id.data ?? '',
    name: name ?? '',
    target: target.data ?? { kind: 'ignore' },
    type: type.data ?? 'auto',
    blankPolicy: blankPolicy.data ?? 'skip',
    origin: origin.data ?? (holdsTypedValues(cells) ? 'typed' : 'text'),
    ...(acceptedNotices === undefined ? {} : { acceptedNotices }),
  };
  if (!origin.success && entry.origin !== undefined)
    fixed.push('an unknown origin; it was read from its cells');
  if (name === null) {
    settings.name = standardHeader(settings.target, `Column ${index + 1}`);
    fixed.push(`no name; it is called ${quote(settings.name)}`);
  }
  for (const fix of fixed) repairs.push(`${capitalize(where)} had ${fix}.`);
  return settings;
}

/**
 * The column notices a column's user accepted: missing (drafts saved before notices) is none accepted; what is
 * not a known notice is left out, said in `fixed`, as accepting only ever changed what is shown.
 */
function readAcceptedNotices(value: unknown, fixed: string[]): NoticeCode[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    fixed.push('accepted notices that could not be read; its notices are shown again');
    return undefined;
  }
  const known = value.filter((code): code is NoticeCode => knownNotices.has(code));
  if (known.length < value.length) {
    fixed.push(
      `${plural(value.length - known.length, 'accepted notice')} this version does not know; ${
        value.length - known.length === 1 ? 'it was' : 'they were'
      } left out`,
    );
  }
  return known;
}

const knownNotices: ReadonlySet<unknown> = new Set(NOTICE_CODES);

/** The settings of a column kept only for its cells: ignored, so nothing is sent until the user maps it. */
export function ignoredColumn(index: number, cells: readonly unknown[]): ColumnSettings {
  return {
    id: '',
    name: `Column ${index + 1}`,
    target: { kind: 'ignore' },
    type: 'auto',
    blankPolicy: 'skip',
    origin: holdsTypedValues(cells) ? 'typed' : 'text',
  };
}

/** The columns with unique, non-empty ids: a missing or repeated id is replaced by a new one. */
export function giveUniqueIds(columns: readonly ColumnSettings[], repairs: string[]): ColumnSettings[] {
  const used = new Set(columns.map((column) => column.id));
  const seen = new Set<string>();
  let next = 0;
  let repeated = 0;
  const result = columns.map((column) => {
    if (column.id !== '' && !seen.has(column.id)) {
      seen.add(column.id);
      return column;
    }
    // A missing id was reported with its column's other repairs.
    if (column.id !== '') repeated++;
    let id: string;
    do id = `r${++next}`;
    while (used.has(id));
    used.add(id);
    seen.add(id);
    return { ...column, id };
  });
  if (repeated > 0) {
    repairs.push(`${plural(repeated, 'column')} repeated another column's id; each has its own now.`);
  }
  return result;
}
