/** The app's views, in the order of the work: find spans, build the sheet, preview, submit and fix, look back. */
export const TABS = [
  { id: 'spans', label: 'Spans' },
  { id: 'sheet', label: 'Sheet' },
  { id: 'preview', label: 'Preview' },
  { id: 'results', label: 'Results' },
  { id: 'history', label: 'History' },
] as const;

export type TabId = (typeof TABS)[number]['id'];

/** The tab a key press moves to in a tab list (arrows wrap, Home and End jump), or null for other keys. */
export function tabAfterKey(current: TabId, key: string): TabId | null {
  const index = TABS.findIndex((tab) => tab.id === current);
  const last = TABS.length - 1;
  const next =
    key === 'ArrowRight'
      ? (index + 1) % TABS.length
      : key === 'ArrowLeft'
        ? (index + last) % TABS.length
        : key === 'Home'
          ? 0
          : key === 'End'
            ? last
            : null;
  return next === null ? null : (TABS[next]?.id ?? null);
}
