import { type RefObject, useEffect } from 'react';

const FOCUSABLE =
  'a[href], area[href], button, input:not([type="hidden"]), select, textarea, iframe, summary, [tabindex], [contenteditable="true"]';

/** The element that last had the focus, kept after it lost it (to a button disabled while it works, say). */
let lastFocused: HTMLElement | null = null;
if (typeof document !== 'undefined') {
  document.addEventListener(
    'focusin',
    (event) => {
      if (event.target instanceof HTMLElement) lastFocused = event.target;
    },
    true,
  );
}

/**
 * What a dialog opening now gives the focus back to when it closes: the focused element, else the one that last
 * had the focus (the Import file input, disabled while its file is read, has lost it by the time the mapping
 * step opens).
 */
export function focusOpener(): HTMLElement | null {
  if (typeof document === 'undefined') return null;
  const current = document.activeElement;
  if (current instanceof HTMLElement && current !== document.body) return current;
  return lastFocused?.isConnected ? lastFocused : null;
}

/** The elements inside `root` that Tab reaches, in the order it reaches them (positive tabindex aside). */
export function tabbableElements(root: ParentNode): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (element) =>
      element.tabIndex >= 0 &&
      !element.matches(':disabled') &&
      element.closest('[hidden], [inert]') === null &&
      // NOTE: jsdom lays nothing out and has no checkVisibility: there every element counts as visible.
      (typeof element.checkVisibility !== 'function' || element.checkVisibility()),
  );
}

/**
 * Keeps the keyboard inside a dialog or popover while `active`: Tab from its last focusable element goes to its
 * first, Shift+Tab from its first to its last, and focus that falls out of it onto the page (an input removed or
 * blurred) comes back to it. The element should have `tabIndex={-1}` so it can hold the focus itself.
 */
export function useFocusTrap(ref: RefObject<HTMLElement | null>, active = true): void {
  useEffect(() => {
    const container = ref.current;
    if (!active || !container) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Tab' || event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey)
        return;
      const elements = tabbableElements(container);
      const first = elements[0];
      const last = elements[elements.length - 1];
      const current = document.activeElement;
      if (!first || !last) {
        event.preventDefault();
        container.focus();
      } else if (event.shiftKey && (current === first || current === container)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && current === last) {
        event.preventDefault();
        first.focus();
      }
    };
    const onFocusOut = (event: FocusEvent) => {
      if (event.relatedTarget instanceof Node && container.contains(event.relatedTarget)) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const current = document.activeElement;
        if (container.isConnected && (current === null || current === document.body)) container.focus();
      }, 0);
    };
    container.addEventListener('keydown', onKeyDown);
    container.addEventListener('focusout', onFocusOut);
    return () => {
      clearTimeout(timer);
      container.removeEventListener('keydown', onKeyDown);
      container.removeEventListener('focusout', onFocusOut);
    };
  }, [ref, active]);
}
