import { type RefObject, useId, useRef, useState } from 'react';
import type { FieldsResponse } from '@/core/api';
import { fieldTypeName } from '@/core/words';
import { useStore } from '@/ui/shared/use-store';
import {
  CONDITION_OPS,
  type ConditionDraft,
  type ConditionOp,
  EMPTY_DRAFT,
  needsValue,
  type SearchDraft,
  SPAN_KINDS,
} from './span-filter';
import type { SpansStore } from './spans-store';

/** Most metadata conditions one search takes (SPEC §10's request allows 20). */
const MAX_CONDITIONS = 20;

type Field = FieldsResponse['fields'][number];

/** How many filters of a search are set besides its text: each kind, roots only, each time, each condition. */
export function filterCount(draft: SearchDraft): number {
  return (
    draft.kinds.length +
    (draft.rootsOnly ? 1 : 0) +
    (draft.from !== '' ? 1 : 0) +
    (draft.to !== '' ? 1 : 0) +
    draft.conditions.length
  );
}

/**
 * The search form of the Spans tab: the search box (span ID, trace ID, part of a name), a "Skip to results" link
 * shown when it has the focus, and the filters folded under one "Filters" button (open when any is set): kinds,
 * roots only, the time range and metadata conditions whose keys are suggested from the project's fields. So the
 * results are a few Tab presses from the search box.
 */
export function SpanSearchForm({
  store,
  fields,
  searchRef,
  onSkipToResults,
}: {
  store: SpansStore;
  fields: readonly Field[];
  /** The search box, for `/` to focus from anywhere. */
  searchRef?: RefObject<HTMLInputElement | null>;
  /** Moves the focus to the first result (the skip link). */
  onSkipToResults: () => void;
}) {
  const draft = useStore(store, (state) => state.draft);
  const setCount = filterCount(draft);
  const [open, setOpen] = useState(setCount > 0);
  const panelId = useId();
  const keyListId = useId();
  const addConditionRef = useRef<HTMLButtonElement>(null);

  const setCondition = (id: number, change: Partial<ConditionDraft>) =>
    store.setDraft({
      conditions: draft.conditions.map((condition) =>
        condition.id === id ? { ...condition, ...change } : condition,
      ),
    });
  const addCondition = () => {
    const id = Math.max(0, ...draft.conditions.map((condition) => condition.id)) + 1;
    store.setDraft({ conditions: [...draft.conditions, { id, key: '', op: 'eq', value: '' }] });
  };
  const removeCondition = (id: number) => {
    store.setDraft({ conditions: draft.conditions.filter((condition) => condition.id !== id) });
    // The button pressed is gone: keep the keyboard user in the conditions.
    addConditionRef.current?.focus();
  };
  const toggleKind = (kind: string, on: boolean) =>
    store.setDraft({
      kinds: on ? [...draft.kinds, kind] : draft.kinds.filter((candidate) => candidate !== kind),
    });
  const filtered = setCount > 0 || draft.text !== '';

  return (
    <form
      className="spans-search"
      role="search"
      aria-label="Find spans"
      onSubmit={(event) => event.preventDefault()}
    >
      <label className="spans-search-box">
        <span>Search spans</span>
        <input
          ref={searchRef}
          type="search"
          aria-keyshortcuts="/"
          value={draft.text}
          placeholder="Span ID or trace ID (whole or prefix), or part of a name"
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => store.setDraft({ text: event.target.value })}
        />
      </label>
      <a
        href="#spans-results"
        className="skip-link"
        onClick={(event) => {
          event.preventDefault();
          onSkipToResults();
        }}
      >
        Skip to results
      </a>
      <button
        type="button"
        className="spans-filters-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
      >
        Filters{setCount > 0 ? ` (${setCount.toLocaleString('en-US')} set)` : ''}
      </button>
      <div id={panelId} className="spans-filter-panel" hidden={!open}>
        <div className="spans-filters">
          <fieldset className="spans-kinds">
            <legend>Kind</legend>
            {SPAN_KINDS.map((kind) => (
              <label key={kind} className="spans-check">
                <input
                  type="checkbox"
                  checked={draft.kinds.includes(kind)}
                  onChange={(event) => toggleKind(kind, event.target.checked)}
                />
                {kind}
              </label>
            ))}
          </fieldset>
          <fieldset className="spans-when">
            <legend>Started</legend>
            <label>
              From
              <input
                type="datetime-local"
                step={1}
                value={draft.from}
                onChange={(event) => store.setDraft({ from: event.target.value })}
              />
            </label>
            <label>
              To
              <input
                type="datetime-local"
                step={1}
                value={draft.to}
                onChange={(event) => store.setDraft({ to: event.target.value })}
              />
            </label>
            <label className="spans-check">
              <input
                type="checkbox"
                checked={draft.rootsOnly}
                onChange={(event) => store.setDraft({ rootsOnly: event.target.checked })}
              />
              Root spans only
            </label>
          </fieldset>
        </div>
        <fieldset className="spans-conditions">
          <legend>Metadata conditions</legend>
          <datalist id={keyListId}>
            {fields.map((field) => (
              <option key={field.key} value={field.key}>
                {fieldTypeName(field.type)}
              </option>
            ))}
          </datalist>
          {draft.conditions.map((condition, index) => {
            const number = index + 1;
            return (
              <div key={condition.id} className="spans-condition">
                <input
                  aria-label={`Key of condition ${number}`}
                  placeholder="key"
                  list={keyListId}
                  value={condition.key}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(event) => setCondition(condition.id, { key: event.target.value })}
                />
                <select
                  aria-label={`Operator of condition ${number}`}
                  value={condition.op}
                  onChange={(event) => setCondition(condition.id, { op: event.target.value as ConditionOp })}
                >
                  {CONDITION_OPS.map((option) => (
                    <option key={option.op} value={option.op}>
                      {option.label}
                    </option>
                  ))}
                </select>
                {needsValue(condition.op) && (
                  <input
                    aria-label={`Value of condition ${number}`}
                    placeholder="value"
                    value={condition.value}
                    autoComplete="off"
                    onChange={(event) => setCondition(condition.id, { value: event.target.value })}
                  />
                )}
                <button
                  type="button"
                  aria-label={`Remove condition ${number}`}
                  onClick={() => removeCondition(condition.id)}
                >
                  ×
                </button>
              </div>
            );
          })}
          <div className="spans-condition-actions">
            <button
              ref={addConditionRef}
              type="button"
              disabled={draft.conditions.length >= MAX_CONDITIONS}
              onClick={addCondition}
            >
              Add a condition
            </button>
            <button type="button" disabled={!filtered} onClick={() => store.setDraft(EMPTY_DRAFT)}>
              Clear search and filters
            </button>
          </div>
        </fieldset>
      </div>
    </form>
  );
}
