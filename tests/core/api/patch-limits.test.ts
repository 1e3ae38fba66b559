import { describe, expect, it } from 'vitest';
import {
  exceedsPatchDepth,
  exceedsPatchLength,
  invalidKeyReason,
  isSpanIdTooLong,
  isValidKey,
  MAX_KEY_LENGTH,
  MAX_PATCH_DEPTH,
  MAX_PATCH_LENGTH,
  MAX_SPAN_ID_LENGTH,
} from '@/core/api';

describe('the limits of a patch (SPEC §5)', () => {
  it('states the numbers of the contract', () => {
    expect([MAX_KEY_LENGTH, MAX_SPAN_ID_LENGTH, MAX_PATCH_LENGTH, MAX_PATCH_DEPTH]).toEqual([
      256, 256, 1_000_000, 10,
    ]);
  });

  it.each([
    ['', 'empty'],
    ['k'.repeat(257), 'too_long'],
    [' ', 'blank'],
    ['\t \u00a0', 'blank'],
    ['a\u0000b', 'control_character'],
    ['line\nbreak', 'control_character'],
    ['\u001f', 'control_character'],
    ['del\u007f', 'control_character'],
    ['__proto__', 'reserved'],
    ['constructor', 'reserved'],
    ['prototype', 'reserved'],
    ['k'.repeat(256), null],
    ['toString', null],
    [' padded ', null],
    ['next\u0085line', null],
    ['a.b', null],
    ['score', null],
  ] as const)('says why the key %j cannot be stored: %s', (key, reason) => {
    expect(invalidKeyReason(key)).toBe(reason);
    expect(isValidKey(key)).toBe(reason === null);
  });

  it('takes a span ID of 256 characters and refuses one more', () => {
    expect(isSpanIdTooLong('s'.repeat(256))).toBe(false);
    expect(isSpanIdTooLong('s'.repeat(257))).toBe(true);
  });

  it('takes 10 levels of nesting and 1,000,000 characters, and refuses one more of each', () => {
    expect([exceedsPatchDepth(10), exceedsPatchDepth(11)]).toEqual([false, true]);
    expect([exceedsPatchLength(1_000_000), exceedsPatchLength(1_000_001)]).toEqual([false, true]);
  });
});
