import { type FormEvent, useId, useState } from 'react';
import { keyProblem, METADATA_PREFIX } from '@/core/columns';
import { Modal } from '@/ui/shared/modal';
import { KnownKeys } from './column-settings-fields';

/**
 * A labelled input for a metadata key with the project's keys offered, and a button that names it: the key is
 * checked as typed (empty, too long, reserved) and its column's header shown, `attributes.metadata.<key>`.
 */
export function KeyForm({
  label,
  submitLabel,
  knownKeys,
  usedKeys,
  autoFocus = false,
  onName,
  children,
}: {
  label: string;
  submitLabel: string;
  knownKeys: readonly string[];
  /** Keys other columns of the sheet already set, to say so (not refused: the column further right wins). */
  usedKeys: readonly string[];
  autoFocus?: boolean;
  onName: (key: string) => void;
  /** More actions beside the submit button (Cancel in a dialog). */
  children?: React.ReactNode;
}) {
  const id = useId();
  const [key, setKey] = useState('');
  const [tried, setTried] = useState(false);
  const problem = keyProblem(key);
  const shownProblem = tried || key !== '' ? problem : null;
  const taken = problem === null && usedKeys.includes(key.trim());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (problem === null) onName(key.trim());
  };
  return (
    <form className="key-form" onSubmit={submit} noValidate>
      <label htmlFor={`${id}-key`}>{label}</label>
      <div className="key-form-input">
        <span className="key-form-prefix" aria-hidden="true">
          {METADATA_PREFIX}
        </span>
        <input
          id={`${id}-key`}
          value={key}
          autoFocus={autoFocus}
          autoComplete="off"
          spellCheck={false}
          list={knownKeys.length > 0 ? `${id}-known` : undefined}
          aria-invalid={shownProblem !== null || undefined}
          aria-describedby={`${id}-hint`}
          onChange={(event) => setKey(event.target.value)}
        />
        {knownKeys.length > 0 && <KnownKeys id={`${id}-known`} keys={knownKeys} />}
      </div>
      <p id={`${id}-hint`} className={shownProblem ? 'key-form-hint issue-error' : 'key-form-hint'}>
        {shownProblem ??
          (taken
            ? `Another column already sets "${key.trim()}"; the column further right wins.`
            : `The column is ${METADATA_PREFIX}${key.trim() || '<key>'}.${
                knownKeys.length > 0 ? " The project's keys are offered as you type." : ''
              }`)}
      </p>
      <div className="key-form-actions">
        {children}
        <button type="submit" className="primary">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

/** The dialog "Add column" opens: it asks for the new column's key before adding it. */
export function AddColumnDialog({
  knownKeys,
  usedKeys,
  onAdd,
  onCancel,
}: {
  knownKeys: readonly string[];
  usedKeys: readonly string[];
  onAdd: (key: string) => void;
  onCancel: () => void;
}) {
  return (
    <Modal title="Add a column" onClose={onCancel} className="key-dialog">
      <KeyForm
        label="Metadata key"
        submitLabel="Add column"
        knownKeys={knownKeys}
        usedKeys={usedKeys}
        autoFocus
        onName={onAdd}
      >
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </KeyForm>
    </Modal>
  );
}
