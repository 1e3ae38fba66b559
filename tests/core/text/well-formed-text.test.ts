import { describe, expect, it } from 'vitest';
import { wellFormedText } from '@/core/text';

describe('wellFormedText', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a\ud800b', 'a\ufffdb'],
    ['\udc00', '\ufffd'],
    ['\udc00\ud800', '\ufffd\ufffd'],
    ['end \ud83d', 'end \ufffd'],
    ['pair \ud83d\ude00 kept', 'pair \ud83d\ude00 kept'],
    ['\ud83d\ud83d\ude00', '\ufffd\ud83d\ude00'],
  ])('%j → %j', (text, expected) => {
    expect(wellFormedText(text)).toBe(expected);
  });

  it('returns text without a lone surrogate as it is', () => {
    const text = 'x'.repeat(1000);
    expect(wellFormedText(text)).toBe(text);
  });
});
