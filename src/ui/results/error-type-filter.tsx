import type { ErrorType } from '@/core/error-types';
import type { ErrorTypeCount } from '@/core/submission-outcome';

/** The words of a type's button: "parse_failure (267) · 267 blocked before sending". */
export function errorTypeLabel({ type, count, blocked }: ErrorTypeCount): string {
  const base = `${type} (${count.toLocaleString('en-US')})`;
  return blocked > 0 ? `${base} · ${blocked.toLocaleString('en-US')} blocked before sending` : base;
}

/**
 * One toggle button per error type, named by the type and its count (failed and blocked spans alike, saying how
 * many the sheet blocked); several can be pressed at once.
 */
export function ErrorTypeFilter({
  counts,
  selected,
  onToggle,
}: {
  counts: readonly ErrorTypeCount[];
  selected: ReadonlySet<string>;
  onToggle: (type: ErrorType) => void;
}) {
  return (
    <div role="group" aria-label="Filter by error type" className="error-type-filter">
      {counts.map((entry) => (
        <button
          key={entry.type}
          type="button"
          aria-pressed={selected.has(entry.type)}
          className={`error-type-chip${entry.count === 0 ? ' error-type-chip-empty' : ''}`}
          onClick={() => onToggle(entry.type)}
        >
          {errorTypeLabel(entry)}
        </button>
      ))}
    </div>
  );
}
