// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { isSearchShortcut } from '@/ui/app/tabs';

const key = (target: Element, extra: Partial<KeyboardEvent> = {}) => ({
  key: '/',
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  defaultPrevented: false,
  target,
  ...extra,
});

describe('/ goes to the search of spans', () => {
  it('from a button or the page, but not while typing in a field, in the grid or with a dialog open', () => {
    document.body.innerHTML = `
      <button id="button">Tab</button><input id="input"><input type="checkbox" id="box"><textarea id="area"></textarea>
      <div role="grid" id="grid"><div id="cell"></div></div><div contenteditable="true" id="editable"></div>`;
    const at = (id: string) => document.getElementById(id) as Element;
    expect(isSearchShortcut(key(at('button')), false)).toBe(true);
    expect(isSearchShortcut(key(document.body), false)).toBe(true);
    expect(isSearchShortcut(key(at('box')), false)).toBe(true);
    for (const id of ['input', 'area', 'grid', 'cell', 'editable']) {
      expect(isSearchShortcut(key(at(id)), false)).toBe(false);
    }
    expect(isSearchShortcut(key(at('button')), true)).toBe(false);
    expect(isSearchShortcut(key(at('button'), { ctrlKey: true }), false)).toBe(false);
    expect(isSearchShortcut(key(at('button'), { key: '?' }), false)).toBe(false);
  });
});
