/** A count with its noun, in the app's number format: "1 span", "12,000 spans", "3 keys". */
export function countText(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

const submissionTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A submission's time as the user reads it, in their locale and time zone; the raw text if it is not a date. */
export function formatSubmissionTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : submissionTimeFormat.format(date);
}
