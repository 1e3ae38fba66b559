import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { escapeSpreadsheetFormula, failedRowsCsv } from '@/ui/results';
import { COLUMNS } from './outcome-fixture';

describe('escapeSpreadsheetFormula', () => {
  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['=1+1', "'=1+1"],
    ['+cmd|calc', "'+cmd|calc"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['-cmd', "'-cmd"],
    ['-', "'-"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['@user', "'@user"],
    ['\t=1', "'\t=1"],
    ['\tindented', "'\tindented"],
    ['\r=1', "'\r=1"],
    ['=1\n=2', "'=1\n=2"],
    ["'=already", "'=already"],
    ['plain text', 'plain text'],
    ['', ''],
    [' =SUM(A1)', ' =SUM(A1)'],
    ['a=b', 'a=b'],
    ['12', '12'],
    ['<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
    // A plain negative number cannot run anything; escaping it would turn it into text.
    ['-5', '-5'],
    ['-0.25', '-0.25'],
    ['-1e5', '-1e5'],
    ['-1.5E-3', '-1.5E-3'],
    ['-.5', "'-.5"],
    ['-01', "'-01"],
    ['-5 ', "'-5 "],
    ['-1-1', "'-1-1"],
  ])('%j becomes %j', (input, expected) => {
    expect(escapeSpreadsheetFormula(input)).toBe(expected);
  });
});

describe('failedRowsCsv', () => {
  it('writes the sheet columns as the header and each row in them, escaped and quoted', () => {
    const csv = failedRowsCsv(COLUMNS, [
      ['tc-0001', 'high', '=SUM(A1)'],
      ['tc-0002', 'low', 'He said "hi", then left'],
      ['tc-0003', 7, 12],
      ['pf-0001', undefined, null],
      ['tc-0004', -3, { nested: true }],
      ['tc-0005', 'two\nlines', '@user'],
    ]);
    expect(csv).toBe(
      [
        'context.span_id,attributes.metadata.score,attributes.metadata.note',
        "tc-0001,high,'=SUM(A1)",
        'tc-0002,low,"He said ""hi"", then left"',
        'tc-0003,7,12',
        'pf-0001,,null',
        'tc-0004,-3,"{""nested"":true}"',
        `tc-0005,"two\nlines",'@user`,
      ].join('\r\n'),
    );
  });

  it('reads back as the same table, less the escaping', () => {
    const csv = failedRowsCsv(COLUMNS, [['a', 'x,y', '=1']]);
    expect(Papa.parse<string[]>(csv).data).toEqual([
      ['context.span_id', 'attributes.metadata.score', 'attributes.metadata.note'],
      ['a', 'x,y', "'=1"],
    ]);
  });

  it('escapes a header that looks like a formula and pads short rows', () => {
    const [spanId, score] = COLUMNS;
    if (!spanId || !score) throw new Error('fixture columns missing');
    const columns = [{ ...spanId, name: '=HYPERLINK("x")' }, score];
    expect(failedRowsCsv(columns, [['only']])).toBe(
      '"\'=HYPERLINK(""x"")",attributes.metadata.score\r\nonly,',
    );
  });

  it('is only the header when there are no rows', () => {
    expect(failedRowsCsv(COLUMNS, [])).toBe(
      'context.span_id,attributes.metadata.score,attributes.metadata.note',
    );
  });
});
