import type { SpanCountResponse, SpanDetail, SpanFilter } from '@/core/api';
import type { StoredValue } from '@/core/patch';
import { valueText } from '@/ui/shared/cell-text';
import { countText } from '@/ui/shared/format';

const spanTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A span's time as the user reads it, in their locale and time zone; the raw text if it is not a date. */
export function formatSpanTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : spanTimeFormat.format(date);
}

/** A metadata value as the table shows it: text as is, numbers bare, `null`, a missing key as nothing. */
export function metadataCellText(value: StoredValue | undefined): string {
  if (value === undefined) return '';
  if (value === null) return 'null';
  return String(value);
}

type Change = SpanDetail['changes'][number];

/** The "before" of a change: the old value, or that the key did not exist on the span. */
export function changeBeforeText(change: Change): string {
  return change.existed_before ? valueText(change.before) : 'did not exist';
}

/** The "after" of a change: the new value, or that the key was removed (a revert of a key that was new). */
export function changeAfterText(change: Change): string {
  return change.removed ? 'removed' : valueText(change.after);
}

/** How much of a span's input or output its detail shows before "Show all". */
export const SHOWN_TEXT_LENGTH = 600;

/** A text cut for showing: the first `length` characters (never half a surrogate pair), and whether it was cut. */
export function shortText(text: string, length = SHOWN_TEXT_LENGTH): { shown: string; cut: boolean } {
  if (text.length <= length) return { shown: text, cut: false };
  const end = /[\uD800-\uDBFF]/.test(text.charAt(length - 1)) ? length - 1 : length;
  return { shown: `${text.slice(0, end)}…`, cut: true };
}

/** A trace ID as a sheet's name shows it: "Trace 52603f34…". */
export function traceSheetName(traceId: string): string {
  return `Trace ${traceId.length > 8 ? `${traceId.slice(0, 8)}…` : traceId}`;
}

/**
 * The name of a sheet built from a search, saying what it came from: "Search '4417'", with "and filters" when the
 * search had more; "Filtered spans of demo" for filters alone; "Spans of demo" for no search at all.
 */
export function searchSheetName(filter: SpanFilter, project: string): string {
  const filtered = Object.keys(filter).some((field) => field !== 'text');
  if (filter.text !== undefined && filter.text !== '') {
    const text = filter.text.length > 40 ? `${filter.text.slice(0, 39)}…` : filter.text;
    return `Search '${text}'${filtered ? ' and filters' : ''}`;
  }
  return filtered ? `Filtered spans of ${project}` : `Spans of ${project}`;
}

/**
 * What a search that found nothing here finds elsewhere: "3 spans match in other projects: staging (2), other
 * (1)."; "No other project has a match." when none does.
 */
export function otherProjectsText(counts: SpanCountResponse['projects'], project: string): string {
  const others = counts.filter((entry) => entry.project !== project);
  if (others.length === 0) return 'No other project has a match.';
  const total = others.reduce((sum, entry) => sum + entry.total, 0);
  const listed = others
    .slice(0, 5)
    .map((entry) => `${entry.project} (${entry.total.toLocaleString('en-US')})`)
    .join(', ');
  const more = others.length > 5 ? `, and ${countText(others.length - 5, 'more project')}` : '';
  return `${countText(total, 'span')} ${total === 1 ? 'matches' : 'match'} in other projects: ${listed}${more}.`;
}
