import { useEffect, useMemo, useRef, useState } from 'react';
import { querySpanIds } from '@/client';
import { MAX_QUERY_IDS } from '@/core/api';
import { toClientOptions, useConnectionSettings, useProjectFields } from '@/ui/settings';
import { countText } from '@/ui/shared/format';
import { useStore } from '@/ui/shared/use-store';
import type { SheetStore } from '@/ui/sheet';
import { AddToSheetDialog } from './add-to-sheet-dialog';
import { useSpanCounts } from './api/count-spans';
import { useSpanSearch } from './api/find-spans';
import { ColumnChooser } from './column-chooser';
import { LoadFromArize } from './load-from-arize';
import { SpanDetailDialog } from './span-detail-dialog';
import { toSpanFilter } from './span-filter';
import { SpanSearchForm } from './span-search-form';
import { otherProjectsText, searchSheetName, traceSheetName } from './spans-format';
import { describeRequestError } from '@/ui/shared/request-error';
import type { SpansStore } from './spans-store';
import { SpansTable } from './spans-table';
import './spans.css';

type SelectAllState =
  | { status: 'idle' }
  | { status: 'working' }
  | { status: 'done'; message: string }
  | { status: 'failed'; message: string };

/** Spans on their way to the sheet: their IDs, the sheet's name if they become it, and whether they are the selection. */
interface Adding {
  spanIds: readonly string[];
  sheetName: string;
  fromSelection: boolean;
}

type TraceReading =
  { status: 'idle' } | { status: 'reading'; traceId: string } | { status: 'failed'; message: string };

/** "1,284 spans match", "1 span matches". */
function matchText(total: number): string {
  return `${countText(total, 'span')} ${total === 1 ? 'matches' : 'match'}`;
}

/**
 * The Spans tab: search the project's spans (by ID, trace ID or name; kinds, roots, time and metadata), select
 * them across pages, open one's detail, and add the selection (or a span's whole trace) to the sheet to edit and
 * submit. The results follow the search box closely: the filters are folded under one button, and a skip link
 * goes straight to the first result.
 */
export function SpansView({
  store,
  sheet,
  onOpenSheet,
  focusSearch = false,
  onSearchFocused,
}: {
  store: SpansStore;
  sheet: SheetStore;
  /** Shows the Sheet tab, once spans were added to it (its grid focuses the first new cell). */
  onOpenSheet: () => void;
  /** True when `/` asked for the search box: it takes the focus, then `onSearchFocused` is called. */
  focusSearch?: boolean;
  onSearchFocused?: () => void;
}) {
  const settings = useConnectionSettings();
  const { serverUrl, apiKey, project } = settings;
  useEffect(() => store.forProject(project), [store, project]);
  const draft = useStore(store, (state) => state.draft);
  const selected = useStore(store, (state) => state.selected);
  const shownKeys = useStore(store, (state) => state.shownKeys);
  const { filter, incomplete } = useMemo(() => toSpanFilter(draft), [draft]);
  const request = project === '' ? null : { project, filter, connection: { serverUrl, apiKey } };
  const { state: search, loadMore } = useSpanSearch(request);
  // The names and kinds of the spans listed (those read before included, when shown from the cache).
  useEffect(() => store.remember(search.spans), [store, search.spans]);
  const fields = useProjectFields({ serverUrl, apiKey }, project);

  const [opened, setOpened] = useState<string | null>(null);
  const [adding, setAdding] = useState<Adding | null>(null);
  const [traceReading, setTraceReading] = useState<TraceReading>({ status: 'idle' });
  const traceController = useRef<AbortController | null>(null);
  useEffect(() => () => traceController.current?.abort(), []);
  const searchRef = useRef<HTMLInputElement>(null);
  const resultsRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!focusSearch || searchRef.current === null) return;
    searchRef.current.focus();
    searchRef.current.select();
    onSearchFocused?.();
  });
  const nothingHere = search.status === 'ready' && search.total === 0;
  const counts = useSpanCounts({ serverUrl, apiKey }, filter, nothingHere);
  const [selectAll, setSelectAll] = useState<SelectAllState>({ status: 'idle' });
  const selectAllController = useRef<AbortController | null>(null);
  useEffect(() => () => selectAllController.current?.abort(), []);

  if (project === '') {
    return <p className="empty-state">Choose a project in Settings to find its spans.</p>;
  }

  const total = search.status === 'ready' ? search.total : null;
  const capped = total !== null && total > MAX_QUERY_IDS;
  const selectAllLabel =
    total === null
      ? 'Select all matching'
      : capped
        ? `Select the first ${MAX_QUERY_IDS.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} matching`
        : `Select all ${total.toLocaleString('en-US')} matching`;

  const selectAllMatching = () => {
    const current = search.request;
    if (current === null) return;
    selectAllController.current?.abort();
    const controller = new AbortController();
    selectAllController.current = controller;
    setSelectAll({ status: 'working' });
    querySpanIds(
      current.project,
      { filter: current.filter, limit: MAX_QUERY_IDS },
      { ...toClientOptions(current.connection), signal: controller.signal },
    ).then(
      (answer) => {
        if (controller.signal.aborted) return;
        const ids = answer.span_ids;
        const added = store.selectMany(ids);
        const more =
          answer.next_cursor !== null ? ` (the first ${MAX_QUERY_IDS.toLocaleString('en-US')})` : '';
        setSelectAll({
          status: 'done',
          message: `Selected ${countText(ids.length, 'matching span')}${more}, ${added.toLocaleString('en-US')} of them new.`,
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setSelectAll({
          status: 'failed',
          message: `Could not select the matching spans. ${describeRequestError(error, settings)}`,
        });
      },
    );
  };

  const elsewhere = !nothingHere
    ? ''
    : counts.isSuccess
      ? ` ${otherProjectsText(counts.data.projects, project)}`
      : counts.isError
        ? ' Could not count the matches in other projects.'
        : '';
  const countLine =
    search.status === 'searching'
      ? search.spans.length > 0 || search.total !== null
        ? 'Searching…'
        : 'Searching spans…'
      : search.status === 'ready'
        ? total === 0
          ? `No spans match in project ${project}.${elsewhere}`
          : matchText(total ?? search.spans.length)
        : '';

  /** The skip link: the first result's checkbox takes the focus (the table, when none is drawn yet). */
  const skipToResults = () => {
    const results = resultsRef.current;
    const first = results?.querySelector<HTMLElement>('[data-row-index="0"] input');
    const target = first ?? results?.querySelector<HTMLElement>('[role="table"]') ?? null;
    if (target) target.focus();
    else searchRef.current?.focus();
  };

  const addTrace = (traceId: string) => {
    setOpened(null);
    traceController.current?.abort();
    const controller = new AbortController();
    traceController.current = controller;
    setTraceReading({ status: 'reading', traceId });
    querySpanIds(
      project,
      { filter: { trace_ids: [traceId] }, limit: MAX_QUERY_IDS },
      { ...toClientOptions(settings), signal: controller.signal },
    ).then(
      (answer) => {
        if (controller.signal.aborted) return;
        setTraceReading({ status: 'idle' });
        // Newest first from the server: the sheet lists the trace in the order its spans started.
        const spanIds = [...answer.span_ids].reverse();
        setAdding({ spanIds, sheetName: traceSheetName(traceId), fromSelection: false });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setTraceReading({
          status: 'failed',
          message: `Could not read the spans of trace ${traceId}. ${describeRequestError(error, settings)}`,
        });
      },
    );
  };
  const selectedCount = selected.size;

  return (
    <div className="spans-view">
      <SpanSearchForm store={store} fields={fields} searchRef={searchRef} onSkipToResults={skipToResults} />

      <div className="spans-status-line">
        <p role="status" aria-label="Matching spans" className="spans-count">
          {countLine}
          {incomplete > 0 &&
            ` (${countText(incomplete, 'incomplete condition')} not applied: ${incomplete === 1 ? 'it needs' : 'they need'} a key and a value)`}
        </p>
        <LoadFromArize settings={settings} />
        <ColumnChooser fields={fields} shownKeys={shownKeys} onChange={(keys) => store.setShownKeys(keys)} />
      </div>

      {search.status === 'failed' && (
        <p role="alert" className="banner banner-error">
          Could not search the spans. {describeRequestError(search.error, settings)}
        </p>
      )}

      <div className="spans-toolbar">
        <p role="status" aria-label="Selected spans" className="spans-selected">
          {countText(selectedCount, 'span')} selected
        </p>
        <button
          type="button"
          disabled={total === null || total === 0 || selectAll.status === 'working'}
          onClick={selectAllMatching}
        >
          {selectAll.status === 'working' ? 'Selecting…' : selectAllLabel}
        </button>
        <button
          type="button"
          disabled={selectedCount === 0}
          onClick={() => {
            store.clearSelection();
            setSelectAll({ status: 'idle' });
          }}
        >
          Clear selection
        </button>
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="primary"
          disabled={selectedCount === 0}
          onClick={() =>
            setAdding({
              spanIds: [...selected],
              sheetName: searchSheetName(filter, project),
              fromSelection: true,
            })
          }
        >
          Add {countText(selectedCount, 'span')} to sheet
        </button>
      </div>
      {selectAll.status === 'done' && <p className="spans-hint">{selectAll.message}</p>}
      {selectAll.status === 'failed' && (
        <p role="alert" className="banner banner-error">
          {selectAll.message}
        </p>
      )}

      {traceReading.status === 'reading' && (
        <p role="status" className="spans-hint">
          Reading the spans of trace {traceReading.traceId}…
        </p>
      )}
      {traceReading.status === 'failed' && (
        <p role="alert" className="banner banner-error">
          {traceReading.message}
        </p>
      )}

      <div id="spans-results" ref={resultsRef} className="spans-results">
        {search.spans.length > 0 && (
          <SpansTable
            spans={search.spans}
            shownKeys={shownKeys}
            selected={selected}
            onSelectionChange={(next) => store.setSelection(next)}
            onOpen={setOpened}
            hasMore={search.nextCursor !== null && search.moreError === null}
            onNearEnd={loadMore}
            busy={search.status === 'searching' || search.loadingMore}
          />
        )}
      </div>
      {search.status === 'ready' && search.nextCursor !== null && (
        <div className="spans-more">
          <span className="spans-muted">
            {countText(search.spans.length, 'span')} listed{search.loadingMore ? ', loading more…' : ''}
          </span>
          <button type="button" disabled={search.loadingMore} onClick={loadMore}>
            Load more spans
          </button>
        </div>
      )}
      {search.moreError !== null && (
        <p role="alert" className="banner banner-error">
          Could not load more spans. {describeRequestError(search.moreError, settings)}
        </p>
      )}

      {opened !== null && (
        <SpanDetailDialog
          key={opened}
          spanId={opened}
          settings={settings}
          onClose={() => setOpened(null)}
          onAddTrace={addTrace}
        />
      )}
      {adding && (
        <AddToSheetDialog
          spanIds={adding.spanIds}
          spans={store}
          sheet={sheet}
          fields={fields}
          settings={settings}
          sheetName={adding.sheetName}
          onClose={() => setAdding(null)}
          onAdded={() => {
            if (adding.fromSelection) store.clearSelection();
            setAdding(null);
            onOpenSheet();
          }}
        />
      )}
    </div>
  );
}
