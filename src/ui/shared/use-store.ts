import { useMemo, useSyncExternalStore } from 'react';
import type { ReadableStore } from './store';

/**
 * The selection of a store's state as `useSyncExternalStore` wants it: the same state gives the same value
 * back, and a new state whose selection is equal (by `isEqual`) keeps the old value, so React sees no change.
 */
function selectionOf<State, Selected>(
  store: ReadableStore<State>,
  selector: (state: State) => Selected,
  isEqual: (a: Selected, b: Selected) => boolean,
): () => Selected {
  let memo: { state: State; selected: Selected } | null = null;
  return () => {
    const state = store.getState();
    if (memo?.state === state) return memo.selected;
    const selected = selector(state);
    memo = { state, selected: memo !== null && isEqual(memo.selected, selected) ? memo.selected : selected };
    return memo.selected;
  };
}

/**
 * The part of a store's state a component reads, as TanStack's `useStore(store, selector)`: the component
 * re-renders when the selected value changes (by `isEqual`, `Object.is` unless given), not on every change.
 * A selector returns a part of the state or a value computed from it; `isEqual` lets a computed object count as
 * unchanged.
 */
export function useStore<State, Selected>(
  store: ReadableStore<State>,
  selector: (state: State) => Selected,
  isEqual: (a: Selected, b: Selected) => boolean = Object.is,
): Selected {
  const getSelection = useMemo(() => selectionOf(store, selector, isEqual), [store, selector, isEqual]);
  return useSyncExternalStore(store.subscribe, getSelection, getSelection);
}
