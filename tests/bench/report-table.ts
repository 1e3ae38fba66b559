/** Printing a browser benchmark's figures beside their aims: a compact table with a ✓ or ✗ per aim. */

/** An aim as printed ("≤ 1.5×") and whether the figure met it (null: not measured). */
export interface Aim {
  text: string;
  met: boolean | null;
}

/** An aim a figure may not exceed (`≤`) or must stay under (`<`). */
export interface AimRule {
  judge(value: number | null): Aim;
}

function rule(sign: '≤' | '<' | '≥', limit: number, unit: string): AimRule {
  const text = `${sign} ${limit.toLocaleString('en-US')}${unit}`;
  return {
    judge(value) {
      if (value === null || !Number.isFinite(value)) return { text, met: null };
      const met = sign === '≤' ? value <= limit : sign === '<' ? value < limit : value >= limit;
      return { text, met };
    },
  };
}

/** At most `limit`. */
export const atMost = (limit: number, unit: string) => rule('≤', limit, unit);
/** Under `limit`. */
export const below = (limit: number, unit: string) => rule('<', limit, unit);
/** At least `limit`. */
export const atLeast = (limit: number, unit: string) => rule('≥', limit, unit);

/** The median of `values` (NaN for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/** Milliseconds, thousands separated; "—" when not measured. */
export function msText(ms: number | null, digits = 0): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return `${ms.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ms`;
}

/** A long task's duration; 0 means none reached the 50 ms at which the browser reports one. */
export function longTaskText(ms: number | null): string {
  return ms === 0 ? '< 50 ms' : msText(ms);
}

/** `value / base` as "6.8×"; empty when either is missing. */
export function ratioText(value: number | null, base: number | null): string {
  if (value === null || base === null || base <= 0) return '';
  return `= ${(value / base).toFixed(2)}×`;
}

/** Bytes as MB (2^20). */
export function bytesText(bytes: number | null): string {
  return bytes === null ? '—' : `${Math.round(bytes / 1024 / 1024).toLocaleString('en-US')} MB`;
}

const mark = (aim: Aim | null) => (aim === null ? '' : aim.met === null ? '?' : aim.met ? '✓' : '✗');

/**
 * Prints `rows` under `title`: each row a label and, per column (one per size measured), a figure and its aim
 * (null: none). Figures left, aims with their mark after them.
 */
export function printTable(
  title: string,
  columns: readonly string[],
  rows: readonly (readonly [string, readonly (readonly [string, Aim | null])[]])[],
): void {
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const figureWidth = columns.map((column, index) =>
    Math.max(column.length, ...rows.map(([, cells]) => cells[index]?.[0].length ?? 0)),
  );
  const aimWidth = columns.map((_, index) =>
    Math.max(3, ...rows.map(([, cells]) => cells[index]?.[1]?.text.length ?? 0)),
  );
  const line = (label: string, cells: readonly string[]) =>
    `  ${label.padEnd(labelWidth)}  ${cells.join('   ')}`;
  console.log(title);
  console.log(
    line(
      '',
      columns.map(
        (column, index) =>
          `${column.padEnd(figureWidth[index] ?? 0)}  ${'aim'.padEnd((aimWidth[index] ?? 0) + 2)}`,
      ),
    ),
  );
  for (const [label, cells] of rows) {
    console.log(
      line(
        label,
        cells.map(([figure, aim], index) => {
          const aimCell = aim === null ? '' : `${aim.text.padEnd(aimWidth[index] ?? 0)} ${mark(aim)}`;
          return `${figure.padEnd(figureWidth[index] ?? 0)}  ${aimCell.padEnd((aimWidth[index] ?? 0) + 2)}`;
        }),
      ).trimEnd(),
    );
  }
}
