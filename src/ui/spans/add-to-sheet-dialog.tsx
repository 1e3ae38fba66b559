import { useEffect, useRef, useState } from 'react';
import type { FieldsResponse } from '@/core/api';
import { newKeyProblems, SheetModel, spansToSheet } from '@/core/sheet';
import { fieldTypeName } from '@/core/words';
import type { ConnectionSettings } from '@/ui/settings';
import { countText } from '@/ui/shared/format';
import { ConfirmDialog, Modal } from '@/ui/shared/modal';
import { describeRequestError } from '@/ui/shared/request-error';
import { useStore } from '@/ui/shared/use-store';
import type { SheetStore } from '@/ui/sheet';
import { appendToSheet, everyRowBlank, readSpansForSheet, type ReadProgress } from './spans-for-sheet';
import type { SpansStore } from './spans-store';

type Field = FieldsResponse['fields'][number];

/** Past this many keys, the list of keys to bring offers a filter to find one. */
const FILTER_FROM = 12;

interface NewKeyRow {
  id: number;
  key: string;
  value: string;
}

const READ_ONLY_MESSAGE = 'The sheet is read-only while a submission runs: add the spans after it.';

type Phase =
  | { step: 'form' }
  | { step: 'confirm-replace' }
  | { step: 'reading'; progress: ReadProgress }
  | { step: 'failed'; message: string };

/**
 * "Add N spans to sheet": which metadata keys to bring as columns (filled with each span's current values, to
 * edit in place), new keys with one value for all, and whether to append to the sheet or replace it (asking
 * first when replacing edits). Reads the spans' current metadata from the server, then builds the rows.
 */
export function AddToSheetDialog({
  spanIds,
  spans,
  sheet,
  fields,
  settings,
  sheetName,
  onAdded,
  onClose,
}: {
  /** The spans to add (those selected, in the order they were selected, or those of a trace). */
  spanIds: readonly string[];
  spans: SpansStore;
  sheet: SheetStore;
  fields: readonly Field[];
  settings: Pick<ConnectionSettings, 'serverUrl' | 'apiKey' | 'project'>;
  /** The sheet's name when these spans become the sheet: what they came from ("Search '4417'"). */
  sheetName: string;
  /** Called once the rows are in the sheet (the grid then focuses the first new cell). */
  onAdded: () => void;
  onClose: () => void;
}) {
  const shownKeys = useStore(spans, (state) => state.shownKeys);
  const sheetRows = useStore(sheet, (state) => state.model.rowCount);
  const readOnly = useStore(sheet, (state) => state.readOnly);
  const blank = useStore(sheet, (state) => everyRowBlank(state.model));
  const [chosen, setChosen] = useState<readonly string[]>(() =>
    shownKeys.filter((key) => fields.some((field) => field.key === key)),
  );
  const [newKeys, setNewKeys] = useState<readonly NewKeyRow[]>([]);
  const [mode, setMode] = useState<'append' | 'replace'>('append');
  const [query, setQuery] = useState('');
  const [phase, setPhase] = useState<Phase>({ step: 'form' });
  const [problems, setProblems] = useState<readonly string[]>([]);
  const controllerRef = useRef<AbortController | null>(null);
  const addKeyRef = useRef<HTMLButtonElement>(null);
  useEffect(() => () => controllerRef.current?.abort(), []);

  const count = spanIds.length;
  const countLabel = countText(count, 'span');
  const needle = query.trim().toLowerCase();
  const listed = fields.filter((field) => needle === '' || field.key.toLowerCase().includes(needle));
  const typeOf = (key: string) => fields.find((field) => field.key === key)?.type ?? null;
  const replacing = blank || mode === 'replace';

  const run = async () => {
    const controller = new AbortController();
    controllerRef.current = controller;
    setPhase({ step: 'reading', progress: { done: 0, total: count } });
    try {
      const read = await readSpansForSheet({
        spanIds,
        withMetadata: chosen.length > 0,
        labelOf: (spanId) => spans.labelOf(spanId),
        settings,
        signal: controller.signal,
        onProgress: (progress) => setPhase({ step: 'reading', progress }),
      });
      if (controller.signal.aborted) return;
      const built = spansToSheet(
        read,
        chosen.map((key) => ({ key, type: typeOf(key) })),
        newKeys.map((row) => ({ key: row.key.trim(), value: row.value, type: typeOf(row.key.trim()) })),
      );
      if (sheet.readOnly) {
        setPhase({ step: 'failed', message: READ_ONLY_MESSAGE });
        return;
      }
      const firstRow = replacing ? 0 : sheet.model.rowCount;
      if (replacing) {
        sheet.replace(SheetModel.fromRows(built.columns, built.rows), { name: sheetName, kind: 'spans' });
      } else {
        appendToSheet(sheet, built, `Add ${countLabel}`);
      }
      sheet.requestFocus({ row: firstRow, column: 0 });
      onAdded();
    } catch (error) {
      if (controller.signal.aborted) return;
      setPhase({
        step: 'failed',
        message: `Could not read the selected spans from the server. ${describeRequestError(error, settings)}`,
      });
    } finally {
      if (controllerRef.current === controller) controllerRef.current = null;
    }
  };

  const submit = () => {
    const found = newKeyProblems(newKeys);
    if (chosen.length === 0 && newKeys.length === 0)
      found.push('Choose a key to bring as a column, or add a new key.');
    setProblems(found);
    if (found.length > 0) return;
    if (replacing && !blank && sheet.dirty) setPhase({ step: 'confirm-replace' });
    else void run();
  };

  const cancelReading = () => {
    controllerRef.current?.abort();
    setPhase({ step: 'form' });
  };

  const working = phase.step === 'reading';

  return (
    <Modal
      title={`Add ${countLabel} to sheet`}
      onClose={working ? cancelReading : onClose}
      className="spans-add-dialog"
    >
      <form
        className="modal-body spans-add-form"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <fieldset disabled={working}>
          <legend>Metadata keys to bring as columns</legend>
          <p className="spans-hint">
            Each row is filled with the span&apos;s current value, to edit in place.
          </p>
          {fields.length === 0 ? (
            <p className="spans-muted">This project has no metadata keys yet.</p>
          ) : (
            <>
              {fields.length >= FILTER_FROM && (
                <input
                  type="search"
                  aria-label="Find a key to bring"
                  placeholder="Find a key"
                  value={query}
                  onChange={(event) => setQuery(event.target.value)}
                />
              )}
              <div className="spans-add-keys">
                {listed.map((field) => (
                  <label key={field.key} className="spans-check">
                    <input
                      type="checkbox"
                      aria-label={`Bring ${field.key}`}
                      checked={chosen.includes(field.key)}
                      onChange={(event) =>
                        setChosen(
                          event.target.checked
                            ? [...chosen, field.key]
                            : chosen.filter((key) => key !== field.key),
                        )
                      }
                    />
                    <code>{field.key}</code>
                    <span className="spans-muted">{fieldTypeName(field.type)}</span>
                  </label>
                ))}
              </div>
            </>
          )}
        </fieldset>

        <fieldset disabled={working}>
          <legend>New keys with one value for all</legend>
          {newKeys.map((row, index) => {
            const number = index + 1;
            return (
              <div key={row.id} className="spans-new-key">
                <input
                  aria-label={`Name of new key ${number}`}
                  // A row appears when the user asks for one: typing its name comes next.
                  autoFocus
                  placeholder="key, e.g. reviewed"
                  value={row.key}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(event) =>
                    setNewKeys(
                      newKeys.map((entry) =>
                        entry.id === row.id ? { ...entry, key: event.target.value } : entry,
                      ),
                    )
                  }
                />
                <span aria-hidden="true">=</span>
                <input
                  aria-label={`Value of new key ${number}`}
                  placeholder="value, e.g. true"
                  value={row.value}
                  autoComplete="off"
                  onChange={(event) =>
                    setNewKeys(
                      newKeys.map((entry) =>
                        entry.id === row.id ? { ...entry, value: event.target.value } : entry,
                      ),
                    )
                  }
                />
                <button
                  type="button"
                  aria-label={`Remove new key ${number}`}
                  onClick={() => {
                    setNewKeys(newKeys.filter((entry) => entry.id !== row.id));
                    addKeyRef.current?.focus();
                  }}
                >
                  ×
                </button>
              </div>
            );
          })}
          <button
            ref={addKeyRef}
            type="button"
            onClick={() =>
              setNewKeys([
                ...newKeys,
                { id: Math.max(0, ...newKeys.map((entry) => entry.id)) + 1, key: '', value: '' },
              ])
            }
          >
            Add a new key
          </button>
        </fieldset>

        <fieldset disabled={working}>
          <legend>The sheet</legend>
          {blank ? (
            <p className="spans-hint">The sheet is empty: these spans become the sheet.</p>
          ) : (
            <>
              <label className="spans-check">
                <input
                  type="radio"
                  name="spans-sheet-mode"
                  checked={mode === 'append'}
                  onChange={() => setMode('append')}
                />
                Append to the sheet ({countText(sheetRows, 'row')} now)
              </label>
              <label className="spans-check">
                <input
                  type="radio"
                  name="spans-sheet-mode"
                  checked={mode === 'replace'}
                  onChange={() => setMode('replace')}
                />
                Replace the sheet
              </label>
            </>
          )}
          {readOnly && <p className="spans-hint">{READ_ONLY_MESSAGE}</p>}
        </fieldset>

        {problems.length > 0 && (
          <div role="alert" className="banner banner-error">
            <ul>
              {problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          </div>
        )}
        {phase.step === 'failed' && (
          <p role="alert" className="banner banner-error">
            {phase.message}
          </p>
        )}
        <p role="status" className="spans-add-progress">
          {phase.step === 'reading' && (
            <>
              Reading the {countLabel} from the server…
              <progress
                aria-label="Reading the spans"
                max={Math.max(phase.progress.total, 1)}
                value={phase.progress.done}
              />
            </>
          )}
        </p>

        <div className="modal-actions">
          {working ? (
            <button type="button" onClick={cancelReading}>
              Cancel
            </button>
          ) : (
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          )}
          <button type="submit" className="primary" disabled={working || readOnly}>
            Add {countLabel} to sheet
          </button>
        </div>
      </form>
      {phase.step === 'confirm-replace' && (
        <ConfirmDialog
          title="Replace the current sheet?"
          message={
            <p>
              The current sheet ({countText(sheetRows, 'row')}) has edits. Replacing it with {countLabel}{' '}
              discards them; export or submit them first if you need them.
            </p>
          }
          confirmLabel="Replace the sheet"
          onCancel={() => setPhase({ step: 'form' })}
          onConfirm={() => void run()}
        />
      )}
    </Modal>
  );
}
