import { describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { cellFromText, cellText } from '@/ui/shared/cell-text';

describe('cell text', () => {
  it('shows values as the user typed them, typed values as JSON', () => {
    expect(cellText(undefined)).toBe('');
    expect(cellText(null)).toBe('null');
    expect(cellText('a')).toBe('a');
    expect(cellText(3)).toBe('3');
    expect(cellText(12n)).toBe('12');
    expect(cellText({ a: [1] })).toBe('{"a":[1]}');
  });

  it('reads typed text by the column: text stays text, typed columns read JSON literals', () => {
    const [, text] = autoMapColumns(['context.span_id', 'attributes.metadata.x']).columns;
    const [, typed] = autoMapColumns(['context.span_id', 'attributes.metadata.x'], 'typed').columns;
    if (!text || !typed) throw new Error('columns');
    expect(cellFromText('42', text)).toBe('42');
    expect(cellFromText('', text)).toBeUndefined();
    expect(cellFromText('42', typed)).toBe(42);
    expect(cellFromText('true', typed)).toBe(true);
  });
});
