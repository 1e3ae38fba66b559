import { describe, expect, it } from 'vitest';
import { MAX_PREVIEW_LENGTH, textPreview } from '@/core/text';

describe('textPreview', () => {
  it('is the first line that holds something, its spaces collapsed', () => {
    expect(textPreview('\n  \r\n  Where is   order\t4417?\nSecond line')).toBe('Where is order 4417?');
  });

  it('is null for no text or blanks only', () => {
    expect(textPreview(null)).toBeNull();
    expect(textPreview(undefined)).toBeNull();
    expect(textPreview(' \n\t ')).toBeNull();
  });

  it('cuts a long line with an ellipsis, never inside a surrogate pair', () => {
    const long = '😀'.repeat(MAX_PREVIEW_LENGTH + 5);
    const preview = textPreview(long) ?? '';
    expect([...preview]).toHaveLength(MAX_PREVIEW_LENGTH);
    expect(preview.endsWith('😀…')).toBe(true);
    expect(textPreview('x'.repeat(MAX_PREVIEW_LENGTH))).toBe('x'.repeat(MAX_PREVIEW_LENGTH));
  });
});
