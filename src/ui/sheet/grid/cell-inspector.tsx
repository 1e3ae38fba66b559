import { type Issue, issueMessage } from '@/core/issues';

/**
 * Below the grid, the active cell's location and what is said about it, readable without hovering; on a header,
 * how to open its menu.
 */
export function CellInspector({
  location,
  issues,
  hint,
}: {
  /** "Row 3, column attributes.metadata.label", or null when the grid has no active cell. */
  location: string | null;
  issues: readonly Issue[];
  /** Said instead of "No problems" (on a header). */
  hint?: string;
}) {
  return (
    <div className="cell-inspector" aria-live="polite">
      {location && <span className="cell-inspector-location">{location}</span>}
      {issues.length === 0 ? (
        <span className="cell-inspector-ok">{location ? (hint ?? 'No problems') : ''}</span>
      ) : (
        <ul className="cell-inspector-issues">
          {issues.map((issue, index) => (
            <li key={`${issue.code}-${index}`} className={`issue-${issue.severity}`}>
              <strong>{issue.severity === 'error' ? 'Error' : 'Warning'}:</strong> {issueMessage(issue)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
