import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { importFile } from '@/core/import';
import { SheetModel } from '@/core/sheet';
import { buildDemoSpans } from '@/server/demo/demo-spans';
import { SAMPLES } from '@/ui/sheet/import/samples';

const demoIds = new Set(buildDemoSpans().map((span) => span.spanId));

async function load(fileName: string) {
  const bytes = readFileSync(`public/samples/${fileName}`);
  const result = await importFile(fileName, bytes);
  if (!result.ok) throw new Error(result.error.message);
  const { columns, allRecognized } = autoMapColumns(result.table.headers, result.table.origin);
  return { model: SheetModel.fromRows(columns, result.table.rows), allRecognized };
}

describe('the sample sheets a new user can open', () => {
  it.each(SAMPLES.map((sample) => sample.fileName))('%s opens without a mapping step', async (fileName) => {
    const { allRecognized, model } = await load(fileName);
    expect(allRecognized).toBe(true);
    expect(model.rowCount).toBeGreaterThan(2);
  });

  it.each(['reviewed-traces.csv', 'fix-conversation.jsonl'])(
    '%s is clean and names only spans of the demo project',
    async (fileName) => {
      const { model } = await load(fileName);
      expect(model.summary().errors).toBe(0);
      for (const span of model.submittableSpans()) expect(demoIds.has(span.span_id)).toBe(true);
      expect(model.submittableSpans()).toHaveLength(model.summary().spans);
    },
  );

  it('spreadsheet-export.csv shows the problems it is meant to show', async () => {
    const { model } = await load('spreadsheet-export.csv');
    const codes = model.summary().byCode;
    expect(codes).toMatchObject({
      span_id_lowercased: 1,
      missing_span_id: 1,
      parse_failure: 1,
      overridden_by_patch_document: 1,
    });
    // The ticket numbers with leading zeros make their column text: one column notice, not six warnings.
    expect(model.summary().notices.map(({ code, count }) => ({ code, count }))).toEqual([
      { code: 'looks_numeric_kept_text', count: 6 },
    ]);
    const unknown = model.submittableSpans().filter((span) => !demoIds.has(span.span_id));
    expect(unknown.map((span) => span.span_id)).toEqual(['ffffffffffffffff']);
  });
});
