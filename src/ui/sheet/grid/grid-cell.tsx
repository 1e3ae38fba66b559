import { type Issue, issueMessage, type Severity } from '@/core/issues';
import type { RowStatus } from '@/core/sheet';
import { countText } from '@/ui/shared/format';
import type { EditingState } from './use-cell-editor';

/** The most severe of a cell's issues, or null. */
function worstSeverity(issues: readonly Issue[]): Severity | null {
  if (issues.some((issue) => issue.severity === 'error')) return 'error';
  return issues.length > 0 ? 'warning' : null;
}

/**
 * One cell of the grid: its text and its issue marker, or the editor while it is edited. A click makes it the
 * active cell (the grid keeps the focus), a double click edits it.
 */
export function GridCell({
  id,
  columnIndex,
  text,
  issues,
  active,
  selected,
  editing,
  onEditText,
  onEditorKeyDown,
  onEditorBlur,
  onSelect,
  onOpen,
}: {
  id: string;
  /** The cell's aria-colindex (1 is the row-number column). */
  columnIndex: number;
  text: string;
  issues: readonly Issue[];
  active: boolean;
  /** True when it is among the selected cells (the active cell always is). */
  selected: boolean;
  editing: EditingState | null;
  onEditText: (text: string) => void;
  onEditorKeyDown: (event: React.KeyboardEvent<HTMLInputElement>) => void;
  onEditorBlur: () => void;
  /** Makes it the active cell; `extend` (Shift+click) selects from the anchor to it. */
  onSelect: (extend: boolean) => void;
  onOpen: () => void;
}) {
  const severity = worstSeverity(issues);
  const messages = issues.map(issueMessage);
  const descriptionId = `${id}-issues`;
  return (
    <div
      id={id}
      role="gridcell"
      aria-colindex={columnIndex}
      aria-selected={active || selected}
      aria-invalid={severity === 'error' || undefined}
      aria-describedby={messages.length > 0 ? descriptionId : undefined}
      className={`sheet-cell${active ? ' sheet-cell-active' : ''}${selected && !active ? ' sheet-cell-selected' : ''}${severity ? ` sheet-cell-${severity}` : ''}`}
      title={messages.length > 0 ? messages.join('\n') : undefined}
      onMouseDown={(event) => {
        if (editing) return;
        event.preventDefault();
        onSelect(event.shiftKey);
      }}
      onDoubleClick={onOpen}
    >
      {editing ? (
        <input
          className="sheet-cell-editor"
          aria-label="Cell value"
          autoFocus
          value={editing.text}
          onChange={(event) => onEditText(event.target.value)}
          onKeyDown={onEditorKeyDown}
          onBlur={onEditorBlur}
        />
      ) : (
        <>
          <span className="sheet-cell-text">{text}</span>
          {severity && (
            <span className={`cell-icon cell-icon-${severity}`} aria-hidden="true">
              {severity === 'error' ? '✖' : '▲'}
            </span>
          )}
        </>
      )}
      {messages.length > 0 && (
        <span id={descriptionId} hidden>
          {`${severity === 'error' ? 'Error' : 'Warning'}: ${messages.join(' ')}`}
        </span>
      )}
    </div>
  );
}

/** A row's status in its row header: ✖ or ▲ with the count of its issues, or a hidden "ready"/"blank". */
export function StatusBadge({ status, issues }: { status: RowStatus; issues: readonly Issue[] }) {
  if (status === 'ok' || status === 'blank') {
    return <span className="visually-hidden">{status === 'ok' ? 'ready' : 'blank'}</span>;
  }
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  const warnings = issues.length - errors;
  const label =
    status === 'error'
      ? `${countText(errors, 'error')}${warnings > 0 ? `, ${countText(warnings, 'warning')}` : ''}`
      : countText(warnings, 'warning');
  return (
    <span className={`status-badge status-badge-${status}`} title={issues.map(issueMessage).join('\n')}>
      <span aria-hidden="true">{status === 'error' ? '✖' : '▲'}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}
