import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { ERROR_CODES, type IssueCode, severityOf, WARNING_CODES } from '@/core/issues';
import { issueLabel } from '@/core/plain-words';
import { type SheetModel, submittableCount } from '@/core/sheet-model';
import { spanOrigins } from '@/core/spans-to-sheet';
import { useConnectionSettings } from '@/ui/settings';
import { countText } from '@/ui/shared/format';
import { supportDetailsText } from '@/ui/shared/support-details';
import { useStore } from '@/ui/shared/use-store';
import type { SheetStore } from '@/ui/sheet';
import type { SubmissionStore } from '@/ui/submission';
import { normalizeSearch, previewRank, problemsFirst, spanMatchesSearch } from './preview-order';
import { type PreviewStatus, spanIssues, statusLabels } from './preview-status';
import { SpanCard } from './span-card';
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
  const settings = useConnectionSettings();
  const model = sheet.model;
  const summary = model.summary();
  const server = useServerView(model, version, settings);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the model mutates in place; `version` says when
  const origins = useMemo(() => spanOrigins(model), [model, version]);
  const upToDate = upToDateOf(server);
  const [statusFilter, setStatusFilter] = useState<StatusFilter>('all');
  const [codeFilter, setCodeFilter] = useState<IssueCode | null>(null);
  const [search, setSearch] = useState('');
  const query = normalizeSearch(useDeferredValue(search));

  const spanIds = useMemo(
    () => model.spanIds(),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the model mutates in place; `version` says when
    [model, version],
  );
  const visible = useMemo(() => {
    const predictions = server.state === 'ready' ? server.predictions : null;
    const shown = spanIds.filter((spanId) => {
      if (statusFilter === 'predicted' && !predictions?.get(spanId)?.failure) return false;
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
    // Problems first: spans predicted to fail, then blocked spans, then the rest in sheet order.
    return problemsFirst(shown, (spanId) =>
      previewRank(model.spanStatus(spanId), Boolean(predictions?.get(spanId)?.failure)),
    );
  }, [spanIds, statusFilter, codeFilter, query, server, upToDate, model]);

  const predictedFailures =
    server.state === 'ready'
      ? [...server.predictions.values()].filter((prediction) => prediction.failure).length
      : 0;
  const codes = [...ERROR_CODES, ...WARNING_CODES].filter((code) => (summary.byCode[code] ?? 0) > 0);
  // Up-to-date spans are counted apart from the Ready and With warnings spans they were.
  const statusCounts: Record<PreviewStatus, number> = { ...summary.spansByStatus, uptodate: upToDate.size };
  for (const spanId of upToDate) {
    const status = model.spanStatus(spanId);
    if (status !== undefined) statusCounts[status]--;
  }
  const toSend = submittableCount(summary) - upToDate.size;

  return (
    <div className="preview-view">
      <SubmitBar
        sheet={sheet}
        submission={submission}
        settings={settings}
        upToDate={upToDate}
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
          Showing {visible.length.toLocaleString('en-US')} of {spanIds.length.toLocaleString('en-US')} spans
          {visible.length > 0 && ', problems first'}
        </p>
      </div>
      <SpanList model={model} spanIds={visible} server={server} version={version} origins={origins} />
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

function SpanList({
  model,
  spanIds,
  server,
  version,
  origins,
}: {
  model: SheetModel;
  spanIds: string[];
  server: ServerPreview;
  version: number;
  /** Each span's name and kind, for rows that came from the Spans tab. */
  origins: ReadonlyMap<string, { name: string; kind: string }>;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: spanIds.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 140,
    overscan: 4,
    getItemKey: (index) => `${spanIds[index]}-${version}`,
    initialRect: { width: 1200, height: 800 },
  });
  // NOTE: the scrolling region is focusable and named, so a keyboard can scroll 40,000 cards (arrows, Page Down)
  // and a screen reader announces it; the list inside holds only the cards in view.
  return (
    <div ref={scrollRef} className="span-list" role="region" aria-label="Spans in the preview" tabIndex={0}>
      {spanIds.length === 0 ? (
        <p className="empty-state">No spans to show.</p>
      ) : (
        <div
          role="list"
          aria-label="Spans"
          className="span-list-items"
          style={{ height: virtualizer.getTotalSize() }}
        >
          {virtualizer.getVirtualItems().map((item) => {
            const spanId = spanIds[item.index];
            const span = spanId === undefined ? undefined : model.span(spanId);
            if (!span) return null;
            return (
              <div
                key={item.key}
                role="listitem"
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="span-item"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <SpanCard
                  model={model}
                  span={span}
                  prediction={server.state === 'ready' ? server.predictions.get(span.spanId) : undefined}
                  compared={server.state === 'ready'}
                  upToDate={upToDateOf(server).has(span.spanId)}
                  origin={origins.get(span.spanId)}
                />
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
