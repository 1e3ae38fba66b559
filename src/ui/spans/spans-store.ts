import type { SpanSummary } from '@/core/api';
import { selectAll, toggleSelected } from '@/ui/shared/data-table';
import { Store } from '@/ui/shared/store';
import { EMPTY_DRAFT, type SearchDraft } from './span-filter';

/** What the Spans tab keeps while the user visits other tabs: the search, the selection, the columns shown. */
export interface SpansState {
  /** The project the selection belongs to; a selection never crosses projects. */
  project: string;
  draft: SearchDraft;
  /** Selected span IDs, in the order they were selected. */
  selected: ReadonlySet<string>;
  /** The metadata keys shown as columns of the table, in the order chosen. */
  shownKeys: readonly string[];
}

/** A span's name and kind, as the table listed it. */
export interface SpanLabel {
  name: string;
  kind: string;
}

/**
 * The Spans tab's state, held by the app so it outlives the tab's panel. The selection survives paging and new
 * searches (pick spans from several searches, then add them all); it is cleared when the project changes.
 */
export class SpansStore extends Store<SpansState> {
  /** Names and kinds of the spans listed so far, for the sheet's `name` and `span_kind` columns. */
  private readonly labels = new Map<string, SpanLabel>();

  constructor() {
    super({ project: '', draft: EMPTY_DRAFT, selected: new Set(), shownKeys: [] });
  }

  /** Starts afresh (no selection, no columns) when the project is not the one the state belongs to. */
  forProject(project: string): void {
    const state = this.getState();
    if (state.project === project) return;
    this.labels.clear();
    this.setState({ ...state, project, selected: new Set(), shownKeys: [] });
  }

  setDraft(change: Partial<SearchDraft>): void {
    const state = this.getState();
    this.setState({ ...state, draft: { ...state.draft, ...change } });
  }

  /** Selects a span, or deselects it when `selected` is false. */
  setSelected(spanId: string, selected: boolean): void {
    this.setSelection(toggleSelected(this.getState().selected, spanId, selected));
  }

  /** The selection as the table changed it (a click, a Shift+click's range, a keyboard move with Shift). */
  setSelection(selected: ReadonlySet<string>): void {
    const state = this.getState();
    if (state.selected !== selected) this.setState({ ...state, selected });
  }

  /** Adds spans to the selection (keeping those already selected); returns how many were new. */
  selectMany(spanIds: readonly string[]): number {
    const state = this.getState();
    const next = selectAll(state.selected, spanIds);
    this.setSelection(next);
    return next.size - state.selected.size;
  }

  clearSelection(): void {
    const state = this.getState();
    if (state.selected.size > 0) this.setState({ ...state, selected: new Set() });
  }

  setShownKeys(shownKeys: readonly string[]): void {
    this.setState({ ...this.getState(), shownKeys });
  }

  /** Remembers the names and kinds of listed spans. */
  remember(spans: readonly SpanSummary[]): void {
    for (const span of spans) this.labels.set(span.span_id, { name: span.name, kind: span.kind });
  }

  /** A listed span's name and kind; undefined for a span never listed (selected through "Select all"). */
  labelOf(spanId: string): SpanLabel | undefined {
    return this.labels.get(spanId);
  }
}
