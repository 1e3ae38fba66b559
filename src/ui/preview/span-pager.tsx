/** How many spans the Preview lists at once: more are a page away (a million cards cannot be scrolled to anyway). */
export const PREVIEW_PAGE_SPANS = 10_000;

/** The spans of one page of the Preview's list. */
export function pageOf(spanIds: readonly string[], page: number): readonly string[] {
  if (spanIds.length <= PREVIEW_PAGE_SPANS) return spanIds;
  return spanIds.slice(page * PREVIEW_PAGE_SPANS, (page + 1) * PREVIEW_PAGE_SPANS);
}

/**
 * Moves between pages of the Preview's list when it holds more than `PREVIEW_PAGE_SPANS` spans: which spans are
 * shown, and a button each way. Nothing when one page holds them all.
 */
export function SpanPager({
  total,
  page,
  onPage,
}: {
  total: number;
  page: number;
  onPage: (page: number) => void;
}) {
  if (total <= PREVIEW_PAGE_SPANS) return null;
  const pages = Math.ceil(total / PREVIEW_PAGE_SPANS);
  const first = page * PREVIEW_PAGE_SPANS + 1;
  const last = Math.min(total, (page + 1) * PREVIEW_PAGE_SPANS);
  const format = (count: number) => count.toLocaleString('en-US');
  return (
    <nav className="span-pager" aria-label="Pages of spans">
      <button type="button" disabled={page === 0} onClick={() => onPage(page - 1)}>
        Previous {format(PREVIEW_PAGE_SPANS)}
      </button>
      <span>
        Spans {format(first)}–{format(last)} of {format(total)}
      </span>
      <button type="button" disabled={page >= pages - 1} onClick={() => onPage(page + 1)}>
        {last < total ? `Next ${format(Math.min(PREVIEW_PAGE_SPANS, total - last))}` : 'Next'}
      </button>
    </nav>
  );
}
