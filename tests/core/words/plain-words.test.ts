import { describe, expect, it } from 'vitest';
import { ERROR_TYPES, formatErrorMessage } from '@/core/api';
import { ERROR_CODES, type IssueCode, WARNING_CODES } from '@/core/issues';
import { planSpanUpdate, type StoredType } from '@/core/patch';
import {
  describeErrorMessage,
  errorTypeLabel,
  fieldTypeName,
  issueLabel,
  unreachableServerText,
} from '@/core/words';
import { storedTypeName } from '@/core/words/plain-words';

/** Codes and type names that must never reach the UI's text. */
const CODE_LIKE = /\b[a-z]+_[a-z_]+\b|Int64|Float64|Utf8/;

describe('the words the UI shows for the codes', () => {
  it('says store types as users say them', () => {
    const words: Record<StoredType, string> = {
      Int64: 'whole number',
      Float64: 'decimal number',
      Utf8: 'text',
    };
    for (const [type, word] of Object.entries(words)) expect(storedTypeName(type as StoredType)).toBe(word);
    expect(fieldTypeName(null)).toBe('no type yet');
    expect(fieldTypeName('Int64')).toBe('whole number');
  });

  it('names every warning and error code in words, each differently', () => {
    const codes: IssueCode[] = [...ERROR_CODES, ...WARNING_CODES];
    const labels = codes.map(issueLabel);
    expect(new Set(labels).size).toBe(codes.length);
    for (const [index, label] of labels.entries()) {
      // patch_document is the column's name, which the user types: it may appear as it is.
      expect(label.replace('patch_document', ''), codes[index]).not.toMatch(CODE_LIKE);
    }
    expect(issueLabel('bool_to_string')).toBe('True/false stored as text');
    expect(issueLabel('empty_patch')).toBe('Nothing to change');
  });

  it('names every failure type in words, and keeps a type it does not know as it came', () => {
    for (const type of [...ERROR_TYPES, 'revert_conflict', 'unknown'])
      expect(errorTypeLabel(type), type).not.toMatch(CODE_LIKE);
    expect(errorTypeLabel('type_conflict')).toBe('Type conflict');
    expect(errorTypeLabel('rate_limited')).toBe('rate_limited');
    // Not fooled by the names every object has.
    expect(errorTypeLabel('constructor')).toBe('constructor');
  });
});

describe('server messages reworded for display', () => {
  it('says a type conflict in words, for every pair of types the server can name', () => {
    const fields = new Map<string, StoredType | null>([['score', 'Int64']]);
    const plan = planSpanUpdate({}, [['score', 'high']], fields);
    if (plan.ok) throw new Error('expected a type conflict');
    expect(describeErrorMessage(plan.errorMessage)).toEqual({
      type: 'type_conflict',
      typeLabel: 'Type conflict',
      text: "'score' holds whole numbers; this value is text.",
      original: "[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8",
    });
    const cases: [StoredType, StoredType, string][] = [
      ['Float64', 'Utf8', "'k' holds decimal numbers; this value is text."],
      ['Utf8', 'Int64', "'k' holds text; this value is a whole number."],
      ['Utf8', 'Float64', "'k' holds text; this value is a decimal number."],
      ['Int64', 'Float64', "'k' holds whole numbers; this value is a decimal number."],
    ];
    for (const [stored, patch, text] of cases) {
      const message = formatErrorMessage(
        'type_conflict',
        `Type conflict on 'k': stored ${stored}, patch has ${patch}`,
      );
      expect(describeErrorMessage(message).text).toBe(text);
    }
    // A key with quotes and colons in it is kept whole.
    expect(
      describeErrorMessage("[type_conflict] Type conflict on 'a': b's': stored Utf8, patch has Int64").text,
    ).toBe("'a': b's' holds text; this value is a whole number.");
  });

  it('says an unreachable server in the one sentence, with the attempts and a cancel', () => {
    expect(unreachableServerText('http://127.0.0.1:8787')).toBe(
      'Cannot reach the server at http://127.0.0.1:8787. Check the address and that the server is running.',
    );
    expect(unreachableServerText('http://spans.example', true)).toBe(
      'Cannot reach the server at http://spans.example. Check the address and that the server is running and accepts requests from this page (CORS).',
    );
    expect(
      describeErrorMessage('[connection_failure] Could not reach the server: Failed to fetch').text,
    ).toBe('Cannot reach the server. Check the address and that the server is running.');
    expect(
      describeErrorMessage(
        '[connection_failure] Could not reach the server: fetch failed (after 4 attempts)',
        { serverUrl: 'http://127.0.0.1:8787' },
      ).text,
    ).toBe(
      'Cannot reach the server at http://127.0.0.1:8787. Check the address and that the server is running. Tried 4 times.',
    );
    expect(
      describeErrorMessage(
        '[connection_failure] Could not reach the server: fetch failed (after 2 attempts); cancelled before retrying, so the server may or may not have applied it',
      ).text,
    ).toBe(
      'Cannot reach the server. Check the address and that the server is running. Tried 2 times. Cancelled before retrying, so the server may or may not have applied it.',
    );
  });

  it('keeps messages already in words as they are', () => {
    for (const message of [
      "[segment_not_found] No span with ID 'ffffffffffffffff' in project 'demo'",
      '[connection_failure] HTTP 503 Service Unavailable',
      "[revert_conflict] 'tier' changed after this submission (now enterprise)",
      'Something broke',
    ]) {
      const shown = describeErrorMessage(message);
      expect(shown.original).toBe(message);
      expect(message.endsWith(shown.text)).toBe(true);
    }
    expect(describeErrorMessage('Something broke').typeLabel).toBe('Other');
  });
});
