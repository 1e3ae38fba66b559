import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExportCount } from '@/server/otlp/export-count';
import { countJsonExport } from '@/server/otlp/json-export-count';
import { countProtobufExport } from '@/server/otlp/protobuf-export-count';
import { exportTraceRequestType } from '@/server/otlp/otlp-proto';

/** Feeds `body` to a count in chunks of the given sizes (cycled), as a request body arrives. */
function feed<C extends ExportCount>(count: C, body: Uint8Array, sizes: readonly number[]): C {
  let offset = 0;
  for (let index = 0; offset < body.length; index++) {
    const size = sizes[index % sizes.length] ?? body.length;
    count.add(body.subarray(offset, offset + size));
    offset += size;
  }
  return count;
}

const chunkSizes = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 });

const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.record({ stringValue: fc.string({ maxLength: 10 }) }),
    fc.record({ intValue: fc.integer().map(String) }),
    fc.record({ boolValue: fc.boolean() }),
    fc.record({ arrayValue: fc.record({ values: fc.array(tie('value'), { maxLength: 3 }) }) }),
    fc.record({
      kvlistValue: fc.record({
        values: fc.array(fc.record({ key: fc.string({ maxLength: 5 }), value: tie('value') }), {
          maxLength: 3,
        }),
      }),
    }),
  ),
})).value;

const attributes = fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value: anyValue }), {
  maxLength: 3,
});
const span = fc.record({
  traceId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  spanId: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  name: fc.string({ maxLength: 12 }),
  kind: fc.integer({ min: 0, max: 5 }),
  attributes,
});
const exportRequest = fc.record({
  resourceSpans: fc.array(
    fc.record({
      resource: fc.record({ attributes }),
      scopeSpans: fc.array(
        fc.record({
          scope: fc.record({ name: fc.string({ maxLength: 6 }) }),
          spans: fc.array(span, { maxLength: 5 }),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 3 },
  ),
});

function spansIn(request: { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }): unknown[] {
  return request.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return bytes;
}

function delimited(fieldNumber: number, bytes: readonly number[]): number[] {
  return [...varint((fieldNumber << 3) | 2), ...varint(bytes.length), ...bytes];
}

/** A Span message with an 8-byte ID. */
const goodSpan = delimited(2, [...delimited(2, [1, 2, 3, 4, 5, 6, 7, 8]), ...delimited(5, [0x6e])]);

describe('countProtobufExport', () => {
  it('counts the spans of any export exactly, however the body is cut into chunks', () => {
    fc.assert(
      fc.property(exportRequest, chunkSizes, (request, sizes) => {
        const body = exportTraceRequestType.encode(exportTraceRequestType.fromObject(request)).finish();
        const count = feed(countProtobufExport(), body, sizes);
        expect(count.spans).toBe(spansIn(request).length);
        expect(count.crowdedSpan).toBeNull();
      }),
      { numRuns: 200 },
    );
  });

  it('counts the fields outside spans, and names the first span of more than 100,000 values', () => {
    // A span counts as one value, and each of its fields as one more.
    /** A span of `count` name fields (the last one counts, as for any field given again). */
    const names = (count: number) => delimited(2, Array<number[]>(count).fill([0x2a, 0]).flat());
    // An attribute: its key and value, and the value's string.
    const attribute = delimited(9, [...delimited(1, [0x6b]), ...delimited(2, delimited(1, [0x76]))]);
    // A span, its ID and 25,000 attributes: 100,002 values.
    const attributes = delimited(2, [
      ...delimited(2, [1, 2, 3, 4, 5, 6, 7, 8]),
      ...Array<number[]>(25_000).fill(attribute).flat(),
    ]);
    const spans = [...goodSpan, ...names(99_999), ...attributes, ...names(100_000)];
    const count = feed(countProtobufExport(), new Uint8Array(delimited(1, delimited(2, spans))), [1000]);
    // Outside: resourceSpans and scopeSpans.
    expect(count).toMatchObject({ spans: 4, valuesOutsideSpans: 2, crowdedSpan: 3 });
  });

  it('goes on after a group, and after a span whose bytes are not protobuf', () => {
    const group = [...varint((7 << 3) | 3), ...varint(1 << 3), 5, ...varint((7 << 3) | 4)];
    const garbledSpan = delimited(2, [0xff, 0xff, 0xff]);
    const scope = delimited(2, [...goodSpan, ...garbledSpan, ...goodSpan, ...goodSpan]);
    const body = [...group, ...delimited(1, scope), ...group, ...delimited(1, delimited(2, goodSpan))];
    for (const size of [1, 2, 5, body.length]) {
      expect(feed(countProtobufExport(), new Uint8Array(body), [size]).spans).toBe(5);
    }
  });

  it('stops counting where the envelope stops being protobuf, as decoding does', () => {
    const body = [...delimited(1, delimited(2, goodSpan)), 0x0f, ...delimited(1, delimited(2, goodSpan))];
    expect(feed(countProtobufExport(), new Uint8Array(body), [4]).spans).toBe(1);
  });
});

/** Writes JSON with spaces and newlines between its tokens, as a pretty-printing exporter might. */
const spacing = fc.constantFrom(0, 1, 2, '\t');

describe('countJsonExport', () => {
  it('counts the spans of any export exactly and finds the text of each, however the body is cut', () => {
    fc.assert(
      fc.property(
        exportRequest,
        fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }),
        spacing,
        chunkSizes,
        (request, junk, space, sizes) => {
          const json = {
            junk,
            resourceSpans: request.resourceSpans.map((resource) => ({
              ...resource,
              scopeSpans: resource.scopeSpans.map((scope) => ({
                ...scope,
                spans: scope.spans.map((entry) => ({
                  ...entry,
                  traceId: 'a"\\b',
                  spanId: '\u00e9\u{1f600}',
                })),
              })),
            })),
          };
          const body = Buffer.from(JSON.stringify(json, null, space));
          const count = feed(countJsonExport(), body, sizes);
          const spans = spansIn(json);
          expect(count.spans).toBe(spans.length);
          const texts = count.spanStarts.map((start, index) =>
            JSON.parse(body.toString('utf8', start, count.spanEnds[index])),
          );
          expect(texts).toEqual(spans);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts the values outside spans, and names the first span of more than 100,000 values, keys aside', () => {
    /** A span of `count` values: an object, a list, and numbers. */
    const values = (count: number) => `{"k":[${'0,'.repeat(count - 3)}0]}`;
    const spans = `{"traceId":"t","n":[1,true,null]},7,${values(100_000)},${values(100_001)}`;
    const body = Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[${spans}]}]}]}`);
    const count = feed(countJsonExport(), body, [1000]);
    expect(count).toMatchObject({ spans: 4, valuesOutsideSpans: 6, crowdedSpan: 4 });
  });

  it('reads keys written with escapes, counts a key given twice both times, and only spans on the path', () => {
    const spans = '[{},{},{}]';
    const escaped = `{"resource\\u0053pans":[{"scope\\u0053pans":[{"\\u0073pans":${spans}}]}]}`;
    expect(feed(countJsonExport(), Buffer.from(escaped), [1]).spans).toBe(3);
    const twice = `{"resourceSpans":[{"scopeSpans":[{"spans":${spans},"spans":${spans}}]}]}`;
    expect(feed(countJsonExport(), Buffer.from(twice), [7]).spans).toBe(6);
    const elsewhere = `{"spans":${spans},"resourceSpans":[{"spans":${spans},"scopeSpans":[{"x":{"spans":${spans}}}]}]}`;
    expect(feed(countJsonExport(), Buffer.from(elsewhere), [3]).spans).toBe(0);
    const inStrings = `{"resourceSpans":[{"scopeSpans":[{"spans":["]}]}]}\\"{", "[", "\\\\"]}]}]}`;
    expect(feed(countJsonExport(), Buffer.from(inStrings), [2]).spans).toBe(3);
  });
});
