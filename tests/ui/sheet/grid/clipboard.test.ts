import { describe, expect, it } from 'vitest';
import { formatClipboardTable } from '@/ui/sheet/grid/clipboard';

describe('copying cells', () => {
  it('quotes copied cells that hold tabs, newlines or quotes', () => {
    expect(
      formatClipboardTable([
        ['a', 'b\tc'],
        ['say "hi"', 'x\ny'],
      ]),
    ).toBe('a\t"b\tc"\n"say ""hi"""\t"x\ny"');
  });
});
