import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { App } from '@/ui/app/app';
import { tabAfterKey } from '@/ui/app/tabs';

describe('the app frame', () => {
  it('shows the product name and the four tabs, Sheet selected', () => {
    const html = renderToStaticMarkup(<App />);
    expect(html).toContain('Spanpatch</h1>');
    const tabs = [...html.matchAll(/role="tab"[^>]*aria-selected="(true|false)"[^>]*>([^<]+)</g)].map(
      (match) => [match[2], match[1]],
    );
    expect(tabs).toEqual([
      ['Sheet', 'true'],
      ['Preview', 'false'],
      ['Results', 'false'],
      ['History', 'false'],
    ]);
  });

  it.each([
    ['sheet', 'ArrowRight', 'preview'],
    ['history', 'ArrowRight', 'sheet'],
    ['sheet', 'ArrowLeft', 'history'],
    ['results', 'Home', 'sheet'],
    ['preview', 'End', 'history'],
    ['preview', 'a', null],
  ] as const)('moves from %s on %s to %s', (from, key, to) => {
    expect(tabAfterKey(from, key)).toBe(to);
  });
});
