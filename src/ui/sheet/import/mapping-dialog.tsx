import { useState } from 'react';
import {
  checkColumnKeys,
  checkSheetColumns,
  type ColumnSettings,
  matchingKey,
  METADATA_PREFIX,
  suggestedKey,
} from '@/core/columns';
import type { ImportedTable } from '@/core/import';
import { cellText } from '@/ui/shared/cell-text';
import { countText } from '@/ui/shared/format';
import { Modal } from '@/ui/shared/modal';
import { ColumnSettingsFields } from '@/ui/sheet/columns/column-settings-fields';

const SAMPLE_VALUES = 3;

/** Up to three non-blank values of a column, to recognise it by. */
export function sampleValues(table: ImportedTable, columnIndex: number): string[] {
  const samples: string[] = [];
  for (const row of table.rows) {
    const text = cellText(row[columnIndex]).trim();
    if (text !== '') samples.push(text.length > 60 ? `${text.slice(0, 60)}…` : text);
    if (samples.length === SAMPLE_VALUES) break;
  }
  return samples;
}

/**
 * The mapping step of an import or of a block pasted with a header row: each source column with sample values
 * and its target (span ID, metadata key, patch_document or ignore), pre-filled by auto-mapping, with type and
 * blank policy per metadata column. The project's keys are offered for each key.
 */
export function MappingDialog({
  fileName,
  table,
  rowCount,
  initialColumns,
  knownKeys = [],
  onConfirm,
  onCancel,
}: {
  fileName: string;
  /** The rows shown to recognise the columns by: the first rows of a file, or a whole pasted block. */
  table: ImportedTable;
  /** How many rows the import has. */
  rowCount: number;
  initialColumns: ColumnSettings[];
  /** The project's metadata keys, suggested for each key. */
  knownKeys?: readonly string[];
  onConfirm: (columns: ColumnSettings[]) => void;
  onCancel: () => void;
}) {
  const [columns, setColumns] = useState(initialColumns);
  const problems = [...checkSheetColumns(columns), ...checkColumnKeys(columns)];
  // Headers that auto-mapping took for one of the project's keys, or as the key a plain header names, to say so:
  // the user confirms them here.
  const guessed = initialColumns.flatMap((column) =>
    column.target.kind === 'metadata' && !column.name.trim().toLowerCase().startsWith(METADATA_PREFIX)
      ? [column.target.key]
      : [],
  );
  const projectKeys = guessed.filter((key) => matchingKey(key, knownKeys) !== null);
  const plainKeys = guessed.filter((key) => matchingKey(key, knownKeys) === null);
  return (
    <Modal title={`Map the columns of ${fileName}`} onClose={onCancel} className="mapping-dialog">
      <p className="modal-body">
        Some columns were not recognised. Choose what each column feeds; unmapped columns are ignored.
        {projectKeys.length > 0 &&
          ` ${projectKeys.length === 1 ? 'A column is' : 'Columns are'} offered as the project's ${
            projectKeys.length === 1 ? 'key' : 'keys'
          } ${projectKeys.join(', ')}, as named in the header.`}
        {plainKeys.length > 0 &&
          ` ${plainKeys.length === 1 ? 'A column is' : 'Columns are'} mapped to ${plainKeys
            .map((key) => METADATA_PREFIX + key)
            .join(', ')}: plain headers are taken as metadata keys. Choose Ignore to leave one out.`}
      </p>
      <table className="mapping-table">
        <thead>
          <tr>
            <th scope="col">Column in the file</th>
            <th scope="col">Sample values</th>
            <th scope="col">Maps to</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((column, index) => (
            <tr key={column.id} aria-label={`Column ${column.name || index + 1}`}>
              <th scope="row">{column.name || <em>(unnamed)</em>}</th>
              <td className="mapping-samples">
                {sampleValues(table, index).map((sample, sampleIndex) => (
                  <code key={sampleIndex}>{sample}</code>
                ))}
              </td>
              <td>
                <ColumnSettingsFields
                  column={column}
                  defaultKey={suggestedKey(column.name, knownKeys)}
                  knownKeys={knownKeys}
                  onChange={(change) =>
                    setColumns((current) =>
                      current.map((candidate) =>
                        candidate.id === column.id ? { ...candidate, ...change } : candidate,
                      ),
                    )
                  }
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {problems.length > 0 && (
        <div role="alert">
          <ul className="mapping-problems">
            {problems.map((problem) => (
              <li key={problem.code}>{problem.message}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="modal-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          disabled={problems.length > 0}
          onClick={() => onConfirm(columns)}
        >
          Import {countText(rowCount, 'row')}
        </button>
      </div>
    </Modal>
  );
}
