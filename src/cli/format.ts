/** A number as the app shows it: 1,234,567. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** A count with its noun: "1 span", "3 spans", "2 batches". */
export function countOf(value: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count(value)} ${value === 1 ? noun : pluralNoun}`;
}

/** "a, b and c". */
export function joinWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** Rows as a person reads them: "row 5", "rows 5, 9 and 12", "rows 5, 9, 12 and 40 more". */
export function rowsText(rows: readonly number[], shown = 5): string {
  if (rows.length === 0) return 'no row';
  if (rows.length === 1) return `row ${rows[0]}`;
  const listed = rows.slice(0, shown).map(String);
  if (rows.length > shown) return `rows ${listed.join(', ')} and ${count(rows.length - shown)} more`;
  return `rows ${joinWords(listed)}`;
}

/** A time as ISO 8601 without milliseconds, in UTC: 2025-05-05 12:00:00Z. */
export function timeText(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}
