import { useId } from 'react';
import type { BlankPolicy, ColumnSettings, ColumnTarget, ColumnType } from '@/core/columns';

/** One choice of a select: the value it stands for and the label the user sees. */
interface Choice<Value extends string> {
  value: Value;
  label: string;
}

const targetChoices: readonly Choice<ColumnTarget['kind']>[] = [
  { value: 'span_id', label: 'Span ID' },
  { value: 'metadata', label: 'Metadata key' },
  { value: 'patch_document', label: 'patch_document' },
  { value: 'ignore', label: 'Ignore' },
];

const typeChoices: readonly Choice<ColumnType>[] = [
  { value: 'auto', label: 'Auto (infer)' },
  { value: 'string', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'boolean', label: 'True/false' },
  { value: 'json', label: 'JSON' },
];

const blankChoices: readonly Choice<BlankPolicy>[] = [
  { value: 'skip', label: 'Leave the key untouched' },
  { value: 'null', label: 'Set the key to null' },
];

/** A select over typed choices: what it reports is one of their values, found by the option's text value. */
function ChoiceSelect<Value extends string>({
  id,
  value,
  choices,
  onChange,
}: {
  id: string;
  value: Value;
  choices: readonly Choice<Value>[];
  onChange: (value: Value) => void;
}) {
  return (
    <select
      id={id}
      value={value}
      onChange={(event) => {
        const choice = choices.find((candidate) => candidate.value === event.target.value);
        if (choice) onChange(choice.value);
      }}
    >
      {choices.map((choice) => (
        <option key={choice.value} value={choice.value}>
          {choice.label}
        </option>
      ))}
    </select>
  );
}

/** The settings of one column a user can change: what it maps to and, for metadata, how cells are read. */
export type ColumnSettingsChange = Partial<Pick<ColumnSettings, 'target' | 'type' | 'blankPolicy'>>;

/**
 * Fields to map a column and choose its type and blank policy, shared by the mapping step and the header. The
 * project's keys (`knownKeys`) are offered for the key.
 */
export function ColumnSettingsFields({
  column,
  defaultKey,
  knownKeys = [],
  onChange,
}: {
  column: ColumnSettings;
  /** The key offered when the column is switched to a metadata key. */
  defaultKey: string;
  knownKeys?: readonly string[];
  onChange: (change: ColumnSettingsChange) => void;
}) {
  const id = useId();
  const { target } = column;
  return (
    <div className="column-fields">
      <label htmlFor={`${id}-target`}>Maps to</label>
      <ChoiceSelect
        id={`${id}-target`}
        value={target.kind}
        choices={targetChoices}
        onChange={(kind) => onChange({ target: kind === 'metadata' ? { kind, key: defaultKey } : { kind } })}
      />
      {target.kind === 'metadata' && (
        <>
          <label htmlFor={`${id}-key`}>Key</label>
          <input
            id={`${id}-key`}
            defaultValue={target.key}
            key={target.key}
            list={knownKeys.length > 0 ? `${id}-known-keys` : undefined}
            placeholder="Name the key"
            aria-invalid={target.key.trim() === '' || undefined}
            onBlur={(event) => {
              if (event.target.value !== target.key)
                onChange({ target: { kind: 'metadata', key: event.target.value } });
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') event.currentTarget.blur();
            }}
          />
          {knownKeys.length > 0 && <KnownKeys id={`${id}-known-keys`} keys={knownKeys} />}
          <label htmlFor={`${id}-type`}>Type</label>
          <ChoiceSelect
            id={`${id}-type`}
            value={column.type}
            choices={typeChoices}
            onChange={(type) => onChange({ type })}
          />
          <label htmlFor={`${id}-blanks`}>Blank cells</label>
          <ChoiceSelect
            id={`${id}-blanks`}
            value={column.blankPolicy}
            choices={blankChoices}
            onChange={(blankPolicy) => onChange({ blankPolicy })}
          />
        </>
      )}
    </div>
  );
}

/** The project's metadata keys, offered as a key is typed. */
export function KnownKeys({ id, keys }: { id: string; keys: readonly string[] }) {
  return (
    <datalist id={id}>
      {keys.map((key) => (
        <option key={key} value={key} />
      ))}
    </datalist>
  );
}

/** A short description of how a column is read, for its header: "number", "auto: text", "span ID". */
export function describeColumnReading(column: ColumnSettings, readType: string | undefined): string {
  switch (column.target.kind) {
    case 'span_id':
      return 'span ID';
    case 'patch_document':
      return 'JSON object';
    case 'ignore':
      return 'ignored';
    case 'metadata': {
      const read = readType === 'typed' ? 'as typed' : readType === 'string' ? 'text' : (readType ?? 'text');
      return column.type === 'auto'
        ? `auto: ${read}`
        : (typeChoices.find((choice) => choice.value === column.type)?.label ?? column.type).toLowerCase();
    }
  }
}
