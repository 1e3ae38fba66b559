import { useDeferredValue, useMemo, useState } from 'react';
import { ERROR_CODES, type IssueCode, severityOf, WARNING_CODES } from '@/core/issues';
import { spanOrigins, submittableCount } from '@/core/sheet';
import { issueLabel } from '@/core/words';
import { ProjectTargetText, useConnectionSettings } from '@/ui/settings';
import { countText } from '@/ui/shared/format';
import { supportDetailsText } from '@/ui/shared/support-details';
import { useStore } from '@/ui/shared/use-store';
import type { SheetStore } from '@/ui/sheet';
import type { SubmissionStore } from '@/ui/submission';
import { normalizeSearch, previewRank, problemsFirst, spanMatchesSearch } from './preview-order';
import { type PreviewStatus, spanIssues, statusLabels } from './preview-status';
import { SpanList } from './span-list';
import { PREVIEW_PAGE_SPANS, pageOf, SpanPager } from './span-pager';
import { SubmitBar } from './submit-bar';
import { type ServerPreview, upToDateOf, useServerView } from './use-server-view';

type StatusFilter = 'all' | PreviewStatus | 'predicted';

/**
 * The Preview tab: each span's merged patch in stored form, key by key, with where each value came from and its
 * warnings; blocked spans with their reasons; against the server, each span's metadata before and after and the
 * failures predicted. Then submit.
 */
export function PreviewView({
  sheet,
  submission,
  onSubmitted,
}: {
  sheet: SheetStore;
  submission: SubmissionStore;
  onSubmitted: () => void;
}) {
  const version = useStore(sheet, (state) => state.version);
  const model = useStore(sheet, (state) => state.model);
  // NOTE: whether a submission runs, never its progress: the progress bar alone follows that, so a progress report
  // renders nothing else. A submission that ends marks the comparison out of date (the Submit bar says so).
  const paused = useStore(sheet, (state) => state.readOnly);
  const running = useStore(submission, (state) => state.running !== null);
  const settings = useConnectionSettings();
  // NOTE: the model changes in place; `version` says when. Nothing below reads every span on a render that
  // changed none of what it is computed from.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the model mutates in place; `version` says when
  const summary = useMemo(() => model.summary(), [model, version]);
  const server = useServerView(model, settings, { version, paused: paused || running });
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the model mutates in place; `version` says when
  const origins = useMemo(() => spanOrigins(model), [model, version]);
  const upToDate = upToDateOf(server);
  const [statusFilter, setStatusFilter] = useState<StatusFilter>('all');
  const [codeFilter, setCodeFilter] = useState<IssueCode | null>(null);
  const [search, setSearch] = useState('');
  const query = normalizeSearch(useDeferredValue(search));

  // NOTE: the spans in sheet order are read a page at a time: every ID of a million-span sheet made at once would
  // hold the page when Preview opens. All of them are read only to filter or to put problems first.
  const order = useMemo(
    () => model.spanOrder(),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the model mutates in place; `version` says when
    [model, version],
  );
  const predictedFailures = server.state === 'ready' ? server.predictedFailures : 0;
  const blockedSpans = summary.spansByStatus.blocked;
  /** The spans listed, in their order; null for every span in sheet order (read a page at a time). */
  const visible = useMemo(() => {
    if (
      statusFilter === 'all' &&
      codeFilter === null &&
      query === '' &&
      predictedFailures === 0 &&
      blockedSpans === 0
    )
      return null;
    const spanIds = order.ids(0, order.length);
    const failures = server.state === 'ready' ? server.failures : null;
    const shown =
      statusFilter === 'all' && codeFilter === null && query === ''
        ? spanIds
        : spanIds.filter((spanId) => {
            if (statusFilter === 'predicted' && !failures?.has(spanId)) return false;
            if (
              statusFilter !== 'all' &&
              statusFilter !== 'predicted' &&
              (upToDate.has(spanId) ? 'uptodate' : model.spanStatus(spanId)) !== statusFilter
            ) {
              return false;
            }
            if (codeFilter === null && query === '') return true;
            const span = model.span(spanId);
            if (span === undefined) return false;
            if (codeFilter !== null && !spanIssues(model, span).some((issue) => issue.code === codeFilter))
              return false;
            return spanMatchesSearch(span, query);
          });
    // Problems first: spans predicted to fail, then blocked spans, then the rest in sheet order. Without any
    // problem, the order is the sheet's (nothing to read per span).
    if (predictedFailures === 0 && blockedSpans === 0) return shown;
    return problemsFirst(shown, (spanId) =>
      previewRank(
        blockedSpans > 0 ? model.spanStatus(spanId) : undefined,
        predictedFailures > 0 && Boolean(failures?.has(spanId)),
      ),
    );
  }, [order, statusFilter, codeFilter, query, server, upToDate, model, predictedFailures, blockedSpans]);
  const visibleCount = visible?.length ?? order.length;

  // The page of the list shown: back to the first when the list changes (another filter or search, an edit).
  const list = visible ?? order;
  const [paging, setPaging] = useState<{ list: object; page: number }>({ list, page: 0 });
  const shownPage = paging.list === list ? paging.page : 0;
  const setPage = (page: number) => setPaging({ list, page });
  const shownSpans = useMemo(
    () =>
      visible === null
        ? order.ids(shownPage * PREVIEW_PAGE_SPANS, (shownPage + 1) * PREVIEW_PAGE_SPANS)
        : pageOf(visible, shownPage),
    [visible, order, shownPage],
  );

  const codes = [...ERROR_CODES, ...WARNING_CODES].filter((code) => (summary.byCode[code] ?? 0) > 0);
  // Up-to-date spans are counted apart from the Ready and With warnings spans they were.
  const statusCounts = useMemo(() => {
    const counts: Record<PreviewStatus, number> = { ...summary.spansByStatus, uptodate: upToDate.size };
    if (server.state === 'ready') {
      for (const status of ['ready', 'warnings', 'blocked', 'empty'] as const)
        counts[status] -= server.upToDateByStatus[status];
    }
    return counts;
  }, [summary, upToDate, server]);
  const toSend = submittableCount(summary) - upToDate.size;

  return (
    <div className="preview-view">
      <SubmitBar
        sheet={sheet}
        submission={submission}
        settings={settings}
        upToDate={upToDate}
        predictedFailures={server.state === 'ready' ? server.failures : undefined}
        onSubmitted={onSubmitted}
      />
      {upToDate.size > 0 && toSend === 0 && (
        <p role="status" className="banner">
          {allUpToDateText(upToDate.size, summary.spansByStatus.blocked + summary.spansByStatus.empty > 0)}
        </p>
      )}
      <div role="status" aria-label="Preview summary" className="preview-summary">
        {(['ready', 'warnings', 'blocked', 'empty'] as const).map((status) => (
          <button
            key={status}
            type="button"
            aria-pressed={statusFilter === status}
            className={`summary-chip chip-${status}`}
            onClick={() => setStatusFilter(statusFilter === status ? 'all' : status)}
          >
            {statusLabels[status]}: {statusCounts[status].toLocaleString('en-US')}
          </button>
        ))}
        {server.state === 'ready' && (
          <button
            type="button"
            aria-pressed={statusFilter === 'uptodate'}
            className="summary-chip chip-uptodate"
            onClick={() => setStatusFilter(statusFilter === 'uptodate' ? 'all' : 'uptodate')}
          >
            {statusLabels.uptodate}: {statusCounts.uptodate.toLocaleString('en-US')}
          </button>
        )}
        {server.state === 'ready' && (
          <button
            type="button"
            aria-pressed={statusFilter === 'predicted'}
            className="summary-chip chip-predicted"
            onClick={() => setStatusFilter(statusFilter === 'predicted' ? 'all' : 'predicted')}
          >
            Predicted to fail: {predictedFailures.toLocaleString('en-US')}
          </button>
        )}
      </div>
      {codes.length > 0 && (
        <div className="preview-codes" role="group" aria-label="Filter by warning or error">
          {codes.map((code) => (
            <button
              key={code}
              type="button"
              aria-pressed={codeFilter === code}
              className={`code-chip issue-${severityOf(code)}`}
              title={supportDetailsText(code)}
              onClick={() => setCodeFilter(codeFilter === code ? null : code)}
            >
              {issueLabel(code)} ({(summary.byCode[code] ?? 0).toLocaleString('en-US')})
            </button>
          ))}
        </div>
      )}
      <ServerLine server={server} project={settings.project} />
      {settings.project !== '' && (
        <p className="server-line">
          <ProjectTargetText settings={settings} />
        </p>
      )}
      {summary.sheetIssues.map((issue) => (
        <p key={issue.code} role="alert" className="banner banner-error">
          {issue.message}
        </p>
      ))}
      <div className="preview-toolbar">
        <label className="preview-search">
          <span>Search</span>
          <input
            type="search"
            aria-label="Search the preview"
            placeholder="Span ID, key or value"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <p className="preview-count" aria-live="polite">
          Showing {visibleCount.toLocaleString('en-US')} of {order.length.toLocaleString('en-US')} spans
          {visibleCount > 0 && ', problems first'}
        </p>
      </div>
      <SpanPager total={visibleCount} page={shownPage} onPage={setPage} />
      <SpanList model={model} version={version} spanIds={shownSpans} server={server} origins={origins} />
    </div>
  );
}

/** What the Preview says when every span it could send is already up to date. */
function allUpToDateText(count: number, othersInSheet: boolean): string {
  const spans = othersInSheet
    ? count === 1
      ? 'The only span that can be sent is'
      : `All ${countText(count, 'span')} that can be sent are`
    : count === 1
      ? 'The span is'
      : `All ${countText(count, 'span')} are`;
  return `${spans} already up to date: nothing to submit`;
}

function ServerLine({ server, project }: { server: ServerPreview; project: string }) {
  switch (server.state) {
    case 'off':
      return <p className="server-line">{server.reason}</p>;
    case 'loading':
      return <p className="server-line">Comparing with project {project} on the server…</p>;
    case 'failed':
      return (
        <p className="server-line issue-warning">
          Could not compare with the server. {server.message} The preview shows the sheet only.
        </p>
      );
    case 'ready':
      return (
        <p className="server-line">
          Compared with project <strong>{project}</strong> ({server.fieldCount} metadata keys). Failures
          marked “predicted” are what the server is expected to say; it decides when the patch is sent.
        </p>
      );
  }
}
