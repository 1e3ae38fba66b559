import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import type { ConnectionSettings } from '@/ui/settings';
import { fetchOnce, LoadFailure } from '@/ui/shared/lazy-code';
import { Modal } from '@/ui/shared/modal';
import { describeRequestError } from '@/ui/shared/request-error';
import { useSpan } from './api/get-span';

const loadContent = fetchOnce(() => import('./span-detail-content'));

/** The detail's content, in a chunk of its own: the Spans tab downloads without it. */
const SpanDetailContent = lazy(() =>
  loadContent().then(
    (m) => ({ default: m.SpanDetailContent }),
    (error: unknown) => ({
      default: (() => <LoadFailure what="The span detail" error={error} />) as never,
    }),
  ),
);

/** Starts fetching the detail's code; a failure shows where the content would. */
const prefetchContent = () => void loadContent().catch(() => undefined);

/**
 * One span's detail, as a modal dialog (focus kept inside and given back, Esc closes): its fields, its input and
 * output (cut, with "Show all"), its trace (parent, siblings and children, each openable here), its metadata, its
 * other attributes, and every change made to it with the value before and after. "Add this trace to sheet" adds
 * every span of its trace.
 */
export function SpanDetailDialog({
  spanId,
  settings,
  onClose,
  onAddTrace,
}: {
  spanId: string;
  settings: Pick<ConnectionSettings, 'serverUrl' | 'apiKey' | 'project'>;
  onClose: () => void;
  /** Adds every span of this trace to the sheet. */
  onAddTrace: (traceId: string) => void;
}) {
  const [trail, setTrail] = useState<readonly string[]>([spanId]);
  const shown = trail.at(-1) ?? spanId;
  const bodyRef = useRef<HTMLDivElement>(null);
  const detail = useSpan(settings, settings.project, shown);
  // NOTE: the content's code comes while the span is read.
  useEffect(prefetchContent, []);

  const go = (next: readonly string[]) => {
    setTrail(next);
    // The dialog stays; its content changes: reading goes on from its top.
    bodyRef.current?.focus();
  };
  const openSpan = (id: string) => go([...trail, id]);

  return (
    <Modal title={`Span ${shown}`} onClose={onClose} className="span-detail">
      <div ref={bodyRef} tabIndex={-1} className="span-detail-body">
        {detail.isPending && (
          <p role="status" className="spans-muted">
            Loading span {shown}…
          </p>
        )}
        {detail.isError && (
          <p role="alert" className="banner banner-error">
            Could not load span {shown}. {describeRequestError(detail.error, settings)}
          </p>
        )}
        {detail.isSuccess && (
          <Suspense
            fallback={
              <p role="status" className="spans-muted">
                Loading span {shown}…
              </p>
            }
          >
            <SpanDetailContent key={detail.data.span.span_id} detail={detail.data} onOpenSpan={openSpan} />
          </Suspense>
        )}
      </div>
      <div className="modal-actions">
        {detail.isSuccess && (
          <button type="button" onClick={() => onAddTrace(detail.data.span.trace_id)}>
            Add this trace to sheet
          </button>
        )}
        {trail.length > 1 && (
          <button type="button" onClick={() => go(trail.slice(0, -1))}>
            Back to span {trail.at(-2)}
          </button>
        )}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
