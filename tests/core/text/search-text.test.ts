import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchForm } from '@/core/text';
import { nameMatches } from '@/core/text/search-text';

describe('searchForm and nameMatches (SPEC §10: a substring of the name)', () => {
  it('ignores case in every script, whatever the length of the search', () => {
    expect(nameMatches('ÉCOLE normale', 'école')).toBe(true);
    expect(nameMatches('école normale', 'ÉCOLE')).toBe(true);
    expect(nameMatches('Étape', 'é')).toBe(true);
    expect(nameMatches('Étape', 'ét')).toBe(true);
    expect(nameMatches('ΟΔΟΣ', 'οδος')).toBe(true);
    expect(nameMatches('Поиск документов', 'ПОИСК')).toBe(true);
    expect(nameMatches('Straße', 'STRASSE')).toBe(true);
    expect(nameMatches('call weather tool', 'WEATHER')).toBe(true);
  });

  it('matches an accent however it was typed, and compatibility characters as their plain form', () => {
    expect(nameMatches('caf\u00e9', 'cafe\u0301')).toBe(true);
    expect(nameMatches('cafe\u0301 au lait', 'CAF\u00c9')).toBe(true);
    expect(nameMatches('ﬁle upload', 'file')).toBe(true);
    expect(nameMatches('ＧＰＴ－４', 'gpt-4')).toBe(true);
  });

  it('keeps letters that differ apart: an accent is not its bare letter, and text must be there', () => {
    expect(nameMatches('école', 'ecole')).toBe(false);
    expect(nameMatches('chat completion', 'chats')).toBe(false);
    expect(nameMatches('anything', '')).toBe(true);
  });

  it('is a fold: folding a folded text changes nothing, and every text matches itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(searchForm(searchForm(text))).toBe(searchForm(text));
        expect(nameMatches(text, text)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
