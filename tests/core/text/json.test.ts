import { describe, expect, it } from 'vitest';
import { compactJson, containsNonFiniteNumber, jsonDepth, parseJson } from '@/core/text';

/** An array nested `levels` deep around `leaf`, built without recursion. */
function nestedArray(levels: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('JSON helpers', () => {
  it.each([
    [1, 1],
    [{}, 1],
    [{ a: 1 }, 2],
    [{ a: { b: 1 } }, 3],
    [[1], 2],
    [{ a: [[1]] }, 4],
  ])('depth of %j is %i, as the SDK counts', (value, depth) => {
    expect(jsonDepth(value)).toBe(depth);
  });

  it('measures a million levels without overflowing the stack', () => {
    const deep = nestedArray(1_000_000, 1);
    expect(jsonDepth(deep)).toBe(1_000_001);
    expect(jsonDepth(JSON.parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`))).toBe(100_001);
  });

  it('stops once past maxDepth, answering maxDepth + 1, and is exact within it', () => {
    expect(jsonDepth(nestedArray(1_000_000, 1), 10)).toBe(11);
    expect(jsonDepth({ wide: [1, 2, 3], deep: { a: { b: 1 } } }, 10)).toBe(4);
    expect(jsonDepth({ a: { b: 1 } }, 3)).toBe(3);
    expect(jsonDepth({ a: { b: { c: 1 } } }, 3)).toBe(4);
  });

  it('finds a non-finite number at any depth without recursion', () => {
    expect(containsNonFiniteNumber(nestedArray(1_000_000, Number.NaN))).toBe(true);
    expect(containsNonFiniteNumber(nestedArray(1_000_000, 1))).toBe(false);
    expect(containsNonFiniteNumber({ a: [1, { b: -Infinity }] })).toBe(true);
  });

  it.each([
    ['{"a": }', 'Unexpected character "}": expected a value at line 1, column 7'],
    ['{a:1}', 'Unexpected character "a": expected a property name in double quotes at line 1, column 2'],
    ['{\n  "a": 1,\n  "b": tru\n}', 'Unexpected character "t": expected a value at line 3, column 8'],
    ['{"a":1', "Unexpected end of JSON: expected ',' or '}' at line 1, column 7"],
    ['"abc', 'Unterminated string at line 1, column 5'],
    ['{"a":1} x', 'Unexpected character "x" after the end of the JSON value at line 1, column 9'],
    [
      '{"a": NaN}',
      'Unexpected character "N": expected a value at line 1, column 7 (NaN is not JSON: write null, or leave the key out)',
    ],
  ])('says where %j fails', (text, message) => {
    const result = parseJson(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toBe(message);
  });

  it('writes compact JSON with exact bigints', () => {
    expect(compactJson({ a: [1, 'x', null], b: 9007199254740993n, c: undefined })).toBe(
      '{"a":[1,"x",null],"b":9007199254740993}',
    );
  });
});
