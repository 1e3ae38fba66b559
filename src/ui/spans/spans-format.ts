import type { SpanDetail } from '@/core/api';
import type { StoredValue } from '@/core/patch';
import { valueText } from '@/ui/shared/cell-text';

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
