import { describe, expect, it } from 'vitest';
import { cellText, valueText } from '@/ui/shared/cell-text';
import { countText, formatSubmissionTime } from '@/ui/shared/format';

describe('counts with their noun', () => {
  it.each([
    [0, 'span', undefined, '0 spans'],
    [1, 'span', undefined, '1 span'],
    [12_000, 'failed row', undefined, '12,000 failed rows'],
    [2, 'match', 'matches', '2 matches'],
  ] as const)('%d %s', (count, one, many, text) => {
    expect(countText(count, one, many)).toBe(text);
  });
});

describe('submission times', () => {
  it('are shown in the reader’s locale, with the date and the seconds', () => {
    const iso = '2025-03-04T10:00:05.000Z';
    expect(formatSubmissionTime(iso)).toBe(
      new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso)),
    );
    expect(formatSubmissionTime(iso)).toMatch(/2025/);
  });

  it('keep a text that is not a date as it is', () => {
    expect(formatSubmissionTime('yesterday')).toBe('yesterday');
  });
});

describe('values as the Preview and the History show them', () => {
  it.each([
    ['text in JSON quotes', 'good', '"good"'],
    ['text that looks like a number, quoted', '1', '"1"'],
    ['a number bare', 5, '5'],
    ['null', null, 'null'],
    ['true', true, 'true'],
    ['a large integer', 12345678901234567890n, '12345678901234567890'],
    ['an object as JSON', { a: [1, 'x'] }, '{"a":[1,"x"]}'],
    ['a missing value as nothing', undefined, ''],
  ])('%s', (_name, value, text) => {
    expect(valueText(value)).toBe(text);
  });

  it('differ from the grid only for text, which the grid shows as typed', () => {
    expect(cellText('good')).toBe('good');
    expect(cellText({ a: 1 })).toBe(valueText({ a: 1 }));
  });
});
