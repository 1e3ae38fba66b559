import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printableJson, printableText } from '@/core/text';

/** Anything a terminal obeys: C0 but tab and line feed, DEL, C1, bidi embeddings, overrides and isolates. */
// eslint-disable-next-line no-control-regex
const OBEYED = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

describe('printableText', () => {
  it.each([
    ['clear screen and home', '\x1b[2J\x1b[HAll spans applied', 'All spans applied'],
    ['colours and conceal', 'a\x1b[31mred\x1b[0m \x1b[8mhidden\x1b[28m', 'ared hidden'],
    ['cursor moves with parameters', 'x\x1b[10;20Hy\x1b[?25lz\x1b[1A', 'xyz'],
    ['a CSI with intermediates', 'a\x1b[1 qb', 'ab'],
    ['the window title (OSC, ended by BEL)', '\x1b]0;owned\x07title', 'title'],
    ['a hyperlink (OSC 8, ended by ST)', '\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\', 'click'],
    ['the clipboard (OSC 52) with no end, up to the line end', 'a\x1b]52;c;ZXZpbA==', 'a'],
    ['a DCS string', 'a\x1bP1$tq\x1b\\b', 'ab'],
    ['reset, save and restore the cursor, a character set', '\x1bca\x1b7b\x1b8\x1b(Bc', 'abc'],
    ['8-bit CSI and OSC (C1)', '\u009b2Jx\u009d0;t\u009cy', 'xy'],
    ['other C1 controls, NEL included', 'a\u0085b\u0084\u0099c\u0080', 'abc'],
    ['an 8-bit DCS string, up to its end', 'a\u0090q\u009cb\u0090zzz', 'ab'],
    ['C0 controls and DEL', 'a\x00b\x07c\x08d\x7fe\x0bf\x0cg', 'abcdefg'],
    ['a lone ESC', 'a\x1b', 'a'],
    ['bidi overrides and isolates', 'abc\u202edcba\u202c \u2066x\u2069 \u202ay\u202b', 'abcdcba x y'],
    ['tabs', 'a\tb', 'a\tb'],
  ])('removes %s', (_what, text, printable) => {
    expect(printableText(text)).toBe(printable);
    expect(printableText(text, { multiline: true })).toBe(printable);
  });

  it('makes every line break a space on one line, and keeps line feeds when multi-line', () => {
    const forged = 'oops\r  Sent 5 · Updated 5\nAll spans applied\r\nreally';
    expect(printableText(forged)).toBe('oops   Sent 5 · Updated 5 All spans applied really');
    expect(printableText(forged, { multiline: true })).toBe(
      'oops  Sent 5 · Updated 5\nAll spans applied\nreally',
    );
  });

  it('returns plain text as it is, other Unicode included', () => {
    for (const text of ['', 'span 00f1 · Ünïcödé → ✓', 'עברית and العربية', '😀 ZWJ 👩‍👩‍👧', '\u00a0nbsp']) {
      expect(printableText(text)).toBe(text);
    }
  });

  it('leaves nothing a terminal obeys in any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(printableText(text)).not.toMatch(OBEYED);
        expect(printableText(text)).not.toMatch(/\n/);
        expect(printableText(text, { multiline: true })).not.toMatch(OBEYED);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('printableJson', () => {
  it('means the same value and holds nothing a terminal obeys', () => {
    const value = {
      error_message: '\x1b[2J\u009b2J\u0085\u202eevil\u2066\x7f',
      nested: ['\x00', 'plain ✓'],
    };
    const text = printableJson(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).not.toMatch(OBEYED);
    expect(text).toContain('\\u009b2J\\u0085\\u202eevil\\u2066\\u007f');
  });

  it('is JSON.stringify indented by two spaces when there is nothing to escape', () => {
    const value = { spans_processed: 2, errors: [{ span_id: 'a', error_message: '[x] ✓' }] };
    expect(printableJson(value)).toBe(JSON.stringify(value, null, 2));
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        // As JSON gives it back: JSON has no -0 (JSON.stringify writes it as 0).
        expect(JSON.parse(printableJson(json))).toEqual(JSON.parse(JSON.stringify(json)));
        expect(printableJson(json)).not.toMatch(OBEYED);
      }),
    );
  });
});
