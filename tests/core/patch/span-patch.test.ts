import { describe, expect, it } from 'vitest';
import { isSubmittable, SPAN_STATUSES, type SpanStatus } from '@/core/patch';
import { submittableCount } from '@/core/sheet';
import { sheetOf } from '../helpers';

describe('which spans a submit sends (SPEC §4)', () => {
  it.each<[SpanStatus, boolean]>([
    ['ready', true],
    ['warnings', true],
    ['blocked', false],
    ['empty', false],
  ])('sends a %s span: %s, and none while the sheet is blocked', (status, sent) => {
    expect(isSubmittable(status, false)).toBe(sent);
    expect(isSubmittable(status, true)).toBe(false);
  });

  it('lists every status once', () => {
    expect([...SPAN_STATUSES].sort()).toEqual(['blocked', 'empty', 'ready', 'warnings']);
  });

  it('counts and sends the same spans: ready and with warnings, none once a sheet-wide issue appears', () => {
    const ID = 'context.span_id';
    const rows = [
      ['aaaaaaaaaaaaaaaa', '1'],
      ['BBBBBBBBBBBBBBBB', '2'],
      ['cccccccccccccccc', 'x'],
      ['dddddddddddddddd', ''],
    ];
    const model = sheetOf([ID, 'attributes.metadata.score'], rows, {
      'attributes.metadata.score': { type: 'number' },
    });
    expect(model.summary().spansByStatus).toEqual({ ready: 1, warnings: 1, blocked: 1, empty: 1 });
    expect(submittableCount(model.summary())).toBe(2);
    expect(model.submittableSpans().map((span) => span.span_id)).toEqual([
      'aaaaaaaaaaaaaaaa',
      'bbbbbbbbbbbbbbbb',
    ]);

    const blocked = sheetOf([ID, 'attributes.metadata.score', 'other'], rows, {
      'attributes.metadata.score': { type: 'number' },
      other: { target: { kind: 'span_id' } },
    });
    expect(blocked.summary().spansByStatus.ready).toBe(1);
    expect(blocked.sheetIssues.map((issue) => issue.code)).toEqual(['several_span_id_columns']);
    expect(submittableCount(blocked.summary())).toBe(0);
    expect(blocked.submittableSpans()).toEqual([]);
  });
});
