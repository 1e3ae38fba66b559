import { describe, expect, it } from 'vitest';
import { autoMapColumns, plainHeaderKey } from '@/core/columns';

/** The mapping step takes a plain header as the metadata key it names (issue 25, item 3). */
describe('plain headers as metadata keys', () => {
  it.each(['reviewed', 'quality', 'ticket', 'Reviewer', ' score_2 '])('takes %j as a key', (header) => {
    expect(plainHeaderKey(header)).toBe(header.trim());
  });

  it.each([
    'ticket_id',
    'spanId',
    'span_id',
    'ID',
    'index',
    'level_0',
    'Unnamed: 0',
    'Unnamed: 4',
    '',
    'Reviewer notes',
    'context.span_id',
    'a.b',
    '2nd',
    'constructor',
    'x'.repeat(257),
  ])('leaves %j to the user', (header) => {
    expect(plainHeaderKey(header)).toBeNull();
  });

  it("maps a pandas file's plain headers to keys in the mapping step, and keeps the step open to confirm", () => {
    const headers = [
      'Unnamed: 0',
      'span_id',
      'reviewed',
      'Quality',
      'ticket',
      'ticket_id',
      'index',
      'notes here',
    ];
    const { columns, allRecognized } = autoMapColumns(headers, 'text', ['quality'], {
      plainHeadersAsKeys: true,
    });
    expect(columns.map((column) => column.target)).toEqual([
      { kind: 'ignore' },
      { kind: 'span_id' },
      { kind: 'metadata', key: 'reviewed' },
      { kind: 'metadata', key: 'quality' },
      { kind: 'metadata', key: 'ticket' },
      { kind: 'ignore' },
      { kind: 'ignore' },
      { kind: 'ignore' },
    ]);
    expect(allRecognized).toBe(false);
  });

  it('leaves plain headers ignored without the option (the command line maps with --map)', () => {
    expect(autoMapColumns(['span_id', 'reviewed']).columns[1]?.target).toEqual({ kind: 'ignore' });
  });
});
