import { describe, expect, it } from 'vitest';
import { compactJson, jsonDepth, parseJson } from '@/core/json';

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
