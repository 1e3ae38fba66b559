import type { ErrorType } from '@/core/error-types';

/** One toggle button per error type, named by the type and its count; several can be pressed at once. */
export function ErrorTypeFilter({
  counts,
  selected,
  onToggle,
}: {
  counts: readonly { type: ErrorType; count: number }[];
  selected: ReadonlySet<string>;
  onToggle: (type: ErrorType) => void;
}) {
  return (
    <div role="group" aria-label="Filter by error type" className="error-type-filter">
      {counts.map(({ type, count }) => (
        <button
          key={type}
          type="button"
          aria-pressed={selected.has(type)}
          className={`error-type-chip${count === 0 ? ' error-type-chip-empty' : ''}`}
          onClick={() => onToggle(type)}
        >
          {type} ({count.toLocaleString('en-US')})
        </button>
      ))}
    </div>
  );
}
