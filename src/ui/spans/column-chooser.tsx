import { useState } from 'react';
import type { FieldsResponse } from '@/core/api';
import { fieldTypeName } from '@/core/words';
import { countText } from '@/ui/shared/format';

type Field = FieldsResponse['fields'][number];

/** Past this many keys, the chooser offers a filter to find one. */
const FILTER_FROM = 12;

/** A disclosure listing the project's metadata keys, each a checkbox that shows it as a column of the table. */
export function ColumnChooser({
  fields,
  shownKeys,
  onChange,
}: {
  fields: readonly Field[];
  shownKeys: readonly string[];
  onChange: (shownKeys: readonly string[]) => void;
}) {
  const [query, setQuery] = useState('');
  // NOTE: the keys are drawn only while open, so a closed chooser is one Tab stop in every browser (and in jsdom).
  const [open, setOpen] = useState(false);
  const needle = query.trim().toLowerCase();
  const listed = fields.filter((field) => needle === '' || field.key.toLowerCase().includes(needle));
  return (
    <details className="spans-columns" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        Metadata columns{shownKeys.length > 0 ? ` (${shownKeys.length.toLocaleString('en-US')} shown)` : ''}
      </summary>
      <div className="spans-columns-panel">
        {!open ? null : fields.length === 0 ? (
          <p className="empty-state">This project has no metadata keys yet.</p>
        ) : (
          <>
            {fields.length >= FILTER_FROM && (
              <input
                type="search"
                aria-label="Find a metadata key"
                placeholder="Find a key"
                value={query}
                onChange={(event) => setQuery(event.target.value)}
              />
            )}
            <fieldset>
              <legend className="visually-hidden">Metadata keys shown as columns</legend>
              {listed.map((field) => (
                <label key={field.key} className="spans-check">
                  <input
                    type="checkbox"
                    aria-label={`Show column ${field.key}`}
                    checked={shownKeys.includes(field.key)}
                    onChange={(event) =>
                      onChange(
                        event.target.checked
                          ? [...shownKeys, field.key]
                          : shownKeys.filter((key) => key !== field.key),
                      )
                    }
                  />
                  <code>{field.key}</code>
                  <span className="spans-muted">
                    {fieldTypeName(field.type)} · {countText(field.spans, 'span')}
                  </span>
                </label>
              ))}
            </fieldset>
          </>
        )}
      </div>
    </details>
  );
}
