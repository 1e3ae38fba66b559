import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, type RefObject, useCallback, useRef } from 'react';
import type { SheetModel } from '@/core/sheet';
import { SpanCard } from './span-card';
import { type ServerPreview, upToDateOf } from './use-server-view';

/** A card's height before it is measured. */
const estimateCardSize = () => 140;

/**
 * The virtualizer of the span list. Each card's key is its span ID (unique in the list), never the sheet's
 * version: a card keeps its place and measured height across changes. The key function changes only with the
 * list, so the positions of 100,000 cards are computed again only when the list itself changes.
 */
export function useSpanVirtualizer(spanIds: readonly string[], scrollRef: RefObject<HTMLDivElement | null>) {
  const getItemKey = useCallback((index: number) => spanIds[index] ?? index, [spanIds]);
  return useVirtualizer({
    count: spanIds.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: estimateCardSize,
    overscan: 4,
    getItemKey,
    initialRect: { width: 1200, height: 800 },
  });
}

/**
 * The Preview's spans, one card each, only those in view rendered. It renders again only when one of its props
 * changes (a new sheet `version`, another list, another comparison), never for what happens around it (the
 * progress of a submission).
 */
export const SpanList = memo(function SpanList({
  model,
  spanIds,
  server,
  origins,
}: {
  model: SheetModel;
  /** The sheet's version, read by no card: the model changes in place, so a new one renders the cards again. */
  version: number;
  spanIds: readonly string[];
  server: ServerPreview;
  /** Each span's name and kind, for rows that came from the Spans tab. */
  origins: ReadonlyMap<string, { name: string; kind: string }>;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useSpanVirtualizer(spanIds, scrollRef);
  const upToDate = upToDateOf(server);
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
                  prediction={server.state === 'ready' ? server.predict(span.spanId, span.patch) : undefined}
                  compared={server.state === 'ready'}
                  upToDate={upToDate.has(span.spanId)}
                  origin={origins.get(span.spanId)}
                />
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
});
