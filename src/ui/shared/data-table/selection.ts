/**
 * The selection rules of a data table, as pure functions of a selection (the selected rows' keys) and the rows
 * listed (their keys, in order). Each returns the selection unchanged (the same object) when nothing changes, so a
 * store holding it tells no one.
 */

/** Selects `key`, or deselects it when `on` is false. */
export function toggleSelected<Key>(selected: ReadonlySet<Key>, key: Key, on: boolean): ReadonlySet<Key> {
  if (selected.has(key) === on) return selected;
  const next = new Set(selected);
  if (on) next.add(key);
  else next.delete(key);
  return next;
}

/**
 * What a click (or Space) on a row's checkbox does: with Shift, every row from the `anchor` (the row last clicked)
 * to this one, both included, takes this row's new state, as in a mail client's list; without Shift, or when the
 * anchor is no longer listed, this row alone. Rows selected outside the range stay as they are.
 */
export function selectRange<Key>(
  selected: ReadonlySet<Key>,
  keys: readonly Key[],
  anchor: Key | null,
  key: Key,
  on: boolean,
): ReadonlySet<Key> {
  const to = keys.indexOf(key);
  const from = anchor === null ? -1 : keys.indexOf(anchor);
  if (to === -1 || from === -1) return toggleSelected(selected, key, on);
  const range = keys.slice(Math.min(from, to), Math.max(from, to) + 1);
  return on ? selectAll(selected, range) : deselectAll(selected, range);
}

/** Adds every key of `keys` to the selection, keeping those already selected (in the order they were). */
export function selectAll<Key>(selected: ReadonlySet<Key>, keys: Iterable<Key>): ReadonlySet<Key> {
  let next: Set<Key> | null = null;
  for (const key of keys) {
    if (selected.has(key) || next?.has(key)) continue;
    next ??= new Set(selected);
    next.add(key);
  }
  return next ?? selected;
}

/** Removes every key of `keys` from the selection. */
export function deselectAll<Key>(selected: ReadonlySet<Key>, keys: Iterable<Key>): ReadonlySet<Key> {
  let next: Set<Key> | null = null;
  for (const key of keys) {
    if (!selected.has(key) || (next && !next.has(key))) continue;
    next ??= new Set(selected);
    next.delete(key);
  }
  return next ?? selected;
}

/** The state of a "select all listed" checkbox: every listed row selected, some, or none. */
export function listedSelection<Key>(
  selected: ReadonlySet<Key>,
  keys: readonly Key[],
): 'all' | 'some' | 'none' {
  let count = 0;
  for (const key of keys) if (selected.has(key)) count++;
  if (count === 0) return 'none';
  return count === keys.length ? 'all' : 'some';
}

/** The parts of a key press a row move reads. */
export interface RowKeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/**
 * Where a key moves the active row of a list of `count` rows: ArrowUp/ArrowDown by one, PageUp/PageDown by `page`
 * rows, Home/End (or Ctrl+Home/End) to the first and the last row, never out of the list. Null for other keys and
 * for an empty list.
 */
export function moveRow(index: number, press: RowKeyPress, count: number, page: number): number | null {
  if (count === 0 || press.altKey) return null;
  const to = (row: number) => Math.min(count - 1, Math.max(0, row));
  switch (press.key) {
    case 'ArrowUp':
      return to(index - 1);
    case 'ArrowDown':
      return to(index + 1);
    case 'PageUp':
      return to(index - Math.max(1, page));
    case 'PageDown':
      return to(index + Math.max(1, page));
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
