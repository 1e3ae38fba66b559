/** The longest window one load from Arize AX reads (SPEC §14). */
export const MAX_LOAD_DAYS = 31;

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * The start of a load's window from `--since`: a duration back from `now` (`30m`, `24h`, `7d`) or an ISO 8601
 * time; null when it is neither.
 */
export function sinceTime(text: string, now: Date): Date | null {
  const trimmed = text.trim();
  const duration = /^(\d{1,6})\s*([mhd])$/i.exec(trimmed);
  if (duration) {
    const unit = (duration[2] ?? 'h').toLowerCase() as keyof typeof UNIT_MS;
    return new Date(now.getTime() - Number(duration[1]) * UNIT_MS[unit]);
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return null;
  const time = new Date(trimmed);
  return Number.isNaN(time.getTime()) ? null : time;
}

/**
 * A load's window cut into the parts it is loaded in, oldest first, so progress can be told part by part: hours
 * for a window up to two days, days beyond. Each part is at most 31 days, as one load reads.
 */
export function loadParts(start: Date, end: Date): { start: Date; end: Date }[] {
  const span = end.getTime() - start.getTime();
  if (!(span > 0)) return [];
  const step = span <= 2 * UNIT_MS.d ? UNIT_MS.h : UNIT_MS.d;
  const parts: { start: Date; end: Date }[] = [];
  for (let at = start.getTime(); at < end.getTime(); at += step) {
    parts.push({ start: new Date(at), end: new Date(Math.min(at + step, end.getTime())) });
  }
  return parts;
}
