import { useId } from 'react';
import type { BlankPolicy, ColumnSettings, ColumnTarget, ColumnType } from '@/core/columns';

const targetLabels: Record<ColumnTarget['kind'], string> = {
  span_id: 'Span ID',
  metadata: 'Metadata key',
  patch_document: 'patch_document',
  ignore: 'Ignore',
};

const typeLabels: Record<ColumnType, string> = {
  auto: 'Auto (infer)',
  string: 'Text',
  number: 'Number',
  boolean: 'True/false',
  json: 'JSON',
};

const blankLabels: Record<BlankPolicy, string> = {
  skip: 'Leave the key untouched',
  null: 'Set the key to null',
};

/** The settings of one column a user can change: what it maps to and, for metadata, how cells are read. */
export type ColumnSettingsChange = Partial<Pick<ColumnSettings, 'target' | 'type' | 'blankPolicy'>>;

/** Fields to map a column and choose its type and blank policy, shared by the mapping step and the header. */
export function ColumnSettingsFields({
  column,
  defaultKey,
  onChange,
}: {
  column: ColumnSettings;
  /** The key offered when the column is switched to a metadata key. */
  defaultKey: string;
  onChange: (change: ColumnSettingsChange) => void;
}) {
  const id = useId();
  const { target } = column;
  return (
    <div className="column-fields">
      <label htmlFor={`${id}-target`}>Maps to</label>
      <select
        id={`${id}-target`}
        value={target.kind}
        onChange={(event) => {
          const kind = event.target.value as ColumnTarget['kind'];
          onChange({ target: kind === 'metadata' ? { kind, key: defaultKey } : { kind } });
        }}
      >
        {(Object.keys(targetLabels) as ColumnTarget['kind'][]).map((kind) => (
          <option key={kind} value={kind}>
            {targetLabels[kind]}
          </option>
        ))}
      </select>
      {target.kind === 'metadata' && (
        <>
          <label htmlFor={`${id}-key`}>Key</label>
          <input
            id={`${id}-key`}
            defaultValue={target.key}
            key={target.key}
            onBlur={(event) => {
              if (event.target.value !== target.key)
                onChange({ target: { kind: 'metadata', key: event.target.value } });
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') event.currentTarget.blur();
            }}
          />
          <label htmlFor={`${id}-type`}>Type</label>
          <select
            id={`${id}-type`}
            value={column.type}
            onChange={(event) => onChange({ type: event.target.value as ColumnType })}
          >
            {(Object.keys(typeLabels) as ColumnType[]).map((type) => (
              <option key={type} value={type}>
                {typeLabels[type]}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-blanks`}>Blank cells</label>
          <select
            id={`${id}-blanks`}
            value={column.blankPolicy}
            onChange={(event) => onChange({ blankPolicy: event.target.value as BlankPolicy })}
          >
            {(Object.keys(blankLabels) as BlankPolicy[]).map((policy) => (
              <option key={policy} value={policy}>
                {blankLabels[policy]}
              </option>
            ))}
          </select>
        </>
      )}
    </div>
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
        : (typeLabels[column.type] ?? column.type).toLowerCase();
    }
  }
}
