import { QueryClientProvider } from '@tanstack/react-query';
import { Suspense, useEffect, useRef, useState } from 'react';
import { SheetModel } from '@/core/sheet';
import { AccountMenu } from '@/ui/people';
import {
  getConnectionSettings,
  invalidateProject,
  ProjectSwitcher,
  ProjectTargetText,
  setConnectionSettings,
  SettingsButton,
  useConnectionSettings,
} from '@/ui/settings';
import { appSheetStore, type SheetStore, SheetProjectTypes, SheetView, useAutosave } from '@/ui/sheet';
import type { SpansStore } from '@/ui/spans';
import { LoadingStatus } from '@/ui/shared/lazy-code';
import { SubmissionStore, useOutcomeAutosave } from '@/ui/submission';
import {
  HistoryView,
  prefetchView,
  PreviewView,
  ResultsView,
  type SpansStoreHolder,
  SpansView,
} from './lazy-views';
import { makeQueryClient } from './query-client';
import { isSearchShortcut, TABS, type TabId, tabAfterKey } from './tabs';
import { useDefaultProject } from './use-default-project';

/** Tabs whose view fills the window and scrolls inside (the sheet's grid, the preview's list), never the page. */
const FILLED_TABS: ReadonlySet<TabId> = new Set(['sheet', 'preview']);

/**
 * The tabs whose code comes when first wanted (not the first screen's, the Sheet's): pointing at a tab or focusing
 * it starts the download; the Preview also asks for the Results it submits to.
 */
const PREFETCH_TAB: Partial<Record<TabId, () => void>> = {
  spans: prefetchView.spans,
  preview: () => {
    prefetchView.preview();
    prefetchView.results();
  },
  results: prefetchView.results,
  history: prefetchView.history,
};

/** What the app's tabs share: the sheet, the submission of it, and the Spans tab's search. */
export interface AppStores {
  sheet: SheetStore;
  submission: SubmissionStore;
  /** The Spans tab's; without it, one is made when the tab first shows (its code comes with the tab). */
  spans?: SpansStore;
}

/** Where the chosen project writes (Spanpatch or Arize AX, SPEC §14), beside the project switcher. */
function HeaderProjectTarget() {
  const settings = useConnectionSettings();
  if (settings.project === '') return null;
  return (
    <span className="header-project">
      <ProjectTargetText settings={settings} />
    </span>
  );
}

/**
 * The app frame: the header (banner) with the product name, and the main landmark: the tabs, each with its panel.
 * It holds the stores the tabs share (new ones unless `stores` are given, as tests do) and reads none of them:
 * what a tab shows, the tab reads, so a change (a submission's progress) renders only what shows it. It holds the
 * one cache of what the tabs read from the server too: a tab shown again shows what it read, and reads it again
 * once a submission or a revert marked it out of date.
 */
export function App({ stores }: { stores?: AppStores }) {
  const [active, setActive] = useState<TabId>('sheet');
  const [{ sheet: store, submission }] = useState(() => ({
    sheet: stores?.sheet ?? appSheetStore(),
    submission: stores?.submission ?? new SubmissionStore(),
  }));
  const [spans] = useState((): SpansStoreHolder => ({ store: stores?.spans ?? null }));
  const [queryClient] = useState(makeQueryClient);
  const { restoring, saveError, unrestored } = useAutosave(store);
  useOutcomeAutosave(submission);
  useDefaultProject(queryClient);

  // The submission History opens on when it shows (Results' "Open in History"); a tab chosen otherwise clears it.
  const [historyOpens, setHistoryOpens] = useState<string | null>(null);
  const show = (tab: TabId) => {
    setHistoryOpens(null);
    setActive(tab);
  };
  const select = (tab: TabId) => {
    show(tab);
    tabRefs.current.get(tab)?.focus();
  };
  const tabRefs = useRef(new Map<TabId, HTMLButtonElement>());

  // `/` from anywhere (but a field being typed in, or a dialog) goes to the Spans tab's search box.
  const [focusSearch, setFocusSearch] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (
        !isSearchShortcut(
          event,
          document.querySelector('dialog[open], [role="dialog"], [aria-modal="true"]') !== null,
        )
      )
        return;
      event.preventDefault();
      setActive('spans');
      setFocusSearch(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const next = tabAfterKey(active, event.key);
    if (next === null) return;
    event.preventDefault();
    show(next);
    tabRefs.current.get(next)?.focus();
  };

  const frame = (
    <div className={FILLED_TABS.has(active) ? 'app app-fill' : 'app'}>
      <header className="app-header">
        <h1 className="app-title">
          <span aria-hidden="true" className="app-logo" />
          Spanpatch
        </h1>
        <p className="app-tagline">Correct and tag stored tracing spans</p>
        <span className="header-spacer" />
        {saveError && (
          <span role="alert" className="save-error">
            {saveError}
          </span>
        )}
        {/* NOTE: the project the tabs work on; where a linked project writes sits beside it. */}
        <ProjectSwitcher />
        <HeaderProjectTarget />
        <AccountMenu />
        <SettingsButton />
      </header>
      {/* NOTE: the tabs and their panels are the page's main landmark; the header above is its banner. */}
      <main className="app-main">
        <div className="app-tabs" role="tablist" aria-label="Views" onKeyDown={onKeyDown}>
          {TABS.map((tab) => (
            <button
              key={tab.id}
              ref={(element) => {
                if (element) tabRefs.current.set(tab.id, element);
                else tabRefs.current.delete(tab.id);
              }}
              type="button"
              role="tab"
              id={`tab-${tab.id}`}
              aria-selected={active === tab.id}
              aria-controls={`panel-${tab.id}`}
              tabIndex={active === tab.id ? 0 : -1}
              className="app-tab"
              onPointerEnter={PREFETCH_TAB[tab.id]}
              onFocus={PREFETCH_TAB[tab.id]}
              onClick={() => show(tab.id)}
            >
              {tab.label}
            </button>
          ))}
        </div>
        {TABS.map((tab) => (
          <section
            key={tab.id}
            role="tabpanel"
            id={`panel-${tab.id}`}
            aria-labelledby={`tab-${tab.id}`}
            hidden={active !== tab.id}
            className="app-panel"
          >
            <Suspense fallback={<LoadingStatus what={`the ${tab.label} tab`} />}>
              {active === tab.id && tab.id === 'spans' && (
                <SpansView
                  holder={spans}
                  sheet={store}
                  onOpenSheet={() => select('sheet')}
                  focusSearch={focusSearch}
                  onSearchFocused={() => setFocusSearch(false)}
                />
              )}
              {active === tab.id && tab.id === 'sheet' && (
                <SheetView store={store} restoring={restoring} unrestored={unrestored} />
              )}
              {active === tab.id && tab.id === 'preview' && (
                <PreviewView sheet={store} submission={submission} onSubmitted={() => select('results')} />
              )}
              {active === tab.id && tab.id === 'results' && (
                <ResultsView
                  submission={submission}
                  sheet={store}
                  onRetry={() =>
                    void submission.retry(getConnectionSettings(), {
                      onEnded: (written) => void invalidateProject(queryClient, written),
                    })
                  }
                  onSendLeftOut={() =>
                    void submission.sendLeftOut(getConnectionSettings(), {
                      onEnded: (written) => void invalidateProject(queryClient, written),
                    })
                  }
                  onOpenInHistory={(submissionId, project) => {
                    const current = getConnectionSettings();
                    if (current.project !== project) setConnectionSettings({ ...current, project });
                    setHistoryOpens(submissionId);
                    setActive('history');
                  }}
                  onFixInSheet={(columns, rows, name) => {
                    store.replace(SheetModel.fromRows(columns, rows), { name, kind: 'failed-rows' }, true);
                    select('sheet');
                  }}
                />
              )}
              {active === tab.id && tab.id === 'history' && <HistoryView openSubmission={historyOpens} />}
            </Suspense>
          </section>
        ))}
      </main>
    </div>
  );
  return (
    <QueryClientProvider client={queryClient}>
      <SheetProjectTypes store={store} />
      {frame}
    </QueryClientProvider>
  );
}
