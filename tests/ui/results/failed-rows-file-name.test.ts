import { describe, expect, it } from 'vitest';
import { failedRowsFileName } from '@/ui/results/export-failed-rows';

describe('the file name of exported failed rows', () => {
  it('is named after the sheet it was submitted from', () => {
    const cases: [string, string][] = [
      ['review.csv', 'review-failed-rows.csv'],
      ['Failed rows of review.csv', 'review-failed-rows.csv'],
      ['labels.jsonl', 'labels-failed-rows.csv'],
      ['Q3 review (final).xlsx.csv', 'Q3-review-final-.xlsx-failed-rows.csv'],
      ['Edited sheet', 'Edited-sheet-failed-rows.csv'],
      ['évaluation.tsv', 'évaluation-failed-rows.csv'],
      ['../../etc/passwd', 'etc-passwd-failed-rows.csv'],
      ['', 'failed-rows.csv'],
      ['???', 'failed-rows.csv'],
    ];
    for (const [label, name] of cases) expect(failedRowsFileName(label), label).toBe(name);
  });

  it('keeps a long name short', () => {
    expect(failedRowsFileName(`${'a'.repeat(300)}.csv`)).toBe(`${'a'.repeat(80)}-failed-rows.csv`);
  });
});
