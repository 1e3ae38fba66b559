import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { App } from '@/ui/app/app';
import { tabAfterKey } from '@/ui/app/tabs';

describe('the app frame', () => {
  it('shows the product name and the tabs, Spans before Sheet, Sheet selected', () => {
    const html = renderToStaticMarkup(<App />);
    expect(html).toContain('Spanpatch</h1>');
    const tabs = [...html.matchAll(/role="tab"[^>]*aria-selected="(true|false)"[^>]*>([^<]+)</g)].map(
      (match) => [match[2], match[1]],
    );
    expect(tabs).toEqual([
      ['Spans', 'false'],
      ['Sheet', 'true'],
      ['Preview', 'false'],
      ['Results', 'false'],
      ['History', 'false'],
    ]);
  });

  it.each([
    ['sheet', 'ArrowRight', 'preview'],
    ['history', 'ArrowRight', 'spans'],
    ['sheet', 'ArrowLeft', 'spans'],
    ['spans', 'ArrowLeft', 'history'],
    ['results', 'Home', 'spans'],
    ['preview', 'End', 'history'],
    ['preview', 'a', null],
  ] as const)('moves from %s on %s to %s', (from, key, to) => {
    expect(tabAfterKey(from, key)).toBe(to);
  });
});
