import type { ErrorType } from '@/core/api';
import type { ErrorTypeCount } from '@/core/outcome';
import { errorTypeLabel } from '@/core/words';
import { supportDetailsText } from '@/ui/shared/support-details';

/** The words of a type's button: "Not valid JSON (267) · 267 blocked before sending" for `parse_failure`. */
export function errorTypeButtonText({ type, count, blocked }: ErrorTypeCount): string {
  const base = `${errorTypeLabel(type)} (${count.toLocaleString('en-US')})`;
  return blocked > 0 ? `${base} · ${blocked.toLocaleString('en-US')} blocked before sending` : base;
}

/**
 * One toggle button per error type, named by the type in words and its count (failed and blocked spans alike, saying how
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
          title={supportDetailsText(entry.type)}
          onClick={() => onToggle(entry.type)}
        >
          {errorTypeButtonText(entry)}
        </button>
      ))}
    </div>
  );
}
