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

const NOT_TYPED_IN = new Set([
  'checkbox',
  'radio',
  'button',
  'submit',
  'reset',
  'range',
  'color',
  'file',
  'image',
]);

/**
 * True for a `/` that should take the user to the search of spans: pressed without Ctrl, Alt or Meta, not while
 * typing in a field (a text input, a text area, a select, editable text, or the sheet's grid, where typing edits a cell)
 * and not while a dialog is open.
 */
export function isSearchShortcut(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'target' | 'defaultPrevented'>,
  dialogOpen: boolean,
): boolean {
  if (event.key !== '/' || event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented)
    return false;
  if (dialogOpen) return false;
  const target = event.target;
  if (!(target instanceof Element)) return true;
  if (target.closest('textarea, select, [contenteditable=""], [contenteditable="true"], [role="grid"]')) {
    return false;
  }
  // A checkbox, a radio button or a button takes no text: `/` there still goes to the search.
  return !(target instanceof HTMLInputElement) || NOT_TYPED_IN.has(target.type);
}
