import { describe, expect, it } from 'vitest';
import { loadParts, sinceTime } from '@/core/api';
import { NOT_IN_COPY_TEXT, targetText } from '@/core/words';

const NOW = new Date('2026-03-10T12:00:00Z');

describe('sinceTime', () => {
  it('reads a duration back from now, or an ISO 8601 time', () => {
    expect(sinceTime('24h', NOW)?.toISOString()).toBe('2026-03-09T12:00:00.000Z');
    expect(sinceTime('30m', NOW)?.toISOString()).toBe('2026-03-10T11:30:00.000Z');
    expect(sinceTime('7D', NOW)?.toISOString()).toBe('2026-03-03T12:00:00.000Z');
    expect(sinceTime('2026-03-01T00:00:00Z', NOW)?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('is null for anything else', () => {
    for (const text of ['yesterday', '24', 'h', '-1h', '2026-13-45', ''])
      expect(sinceTime(text, NOW)).toBeNull();
  });
});

describe('loadParts', () => {
  it('cuts up to two days into hours and longer windows into days, the last part ending at the end', () => {
    const hours = loadParts(new Date('2026-03-10T00:00:00Z'), new Date('2026-03-10T02:30:00Z'));
    expect(hours.map((part) => [part.start.toISOString(), part.end.toISOString()])).toEqual([
      ['2026-03-10T00:00:00.000Z', '2026-03-10T01:00:00.000Z'],
      ['2026-03-10T01:00:00.000Z', '2026-03-10T02:00:00.000Z'],
      ['2026-03-10T02:00:00.000Z', '2026-03-10T02:30:00.000Z'],
    ]);
    expect(loadParts(new Date('2026-03-01T00:00:00Z'), new Date('2026-03-08T00:00:00Z'))).toHaveLength(7);
    expect(loadParts(NOW, NOW)).toEqual([]);
  });
});

describe('targetText', () => {
  it('says where a project writes', () => {
    expect(targetText({ kind: 'arize', space_id: 'U3BhY2U6MQ==', project: 'support-prod' })).toBe(
      'Writes to Arize AX · space U3BhY2U6MQ== · project support-prod',
    );
    expect(targetText({ kind: 'local' })).toBe("Writes to Spanpatch's store");
    expect(NOT_IN_COPY_TEXT).toBe("Not in Spanpatch's copy: Arize will decide");
  });
});
