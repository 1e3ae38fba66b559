import { describe, expect, it } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { predictSubmission, type StoredType } from '@/core/patch';
import type { ServerView } from '@/core/patch/predict';
import { SheetModel } from '@/core/sheet';

describe('predicting a submission in parts', () => {
  it('predicts as at once when every part gets the same map of field types, in order', () => {
    // span 2 sets `score` as a number; span 4 then sets it as text: a conflict only span 2 explains.
    const { columns } = autoMapColumns(['context.span_id', 'patch_document']);
    const ids = ['0000000000000001', '0000000000000002', '0000000000000003', '0000000000000004'];
    const model = SheetModel.fromRows(columns, [
      [ids[0], '{"label": "a"}'],
      [ids[1], '{"score": 5}'],
      [ids[2], '{"label": "c"}'],
      [ids[3], '{"score": "high"}'],
    ]);
    const spans = ids.flatMap((id) => {
      const span = model.span(id);
      return span ? [{ spanId: span.spanId, patch: span.patch }] : [];
    });
    const server: ServerView = {
      project: 'demo',
      fields: new Map<string, StoredType | null>(),
      spans: new Map(ids.map((id) => [id, {}])),
    };
    const atOnce = predictSubmission(spans, server);
    expect(atOnce.get(ids[3] ?? '')?.failure?.type).toBe('type_conflict');

    const fields = new Map(server.fields);
    const inParts = new Map([
      ...predictSubmission(spans.slice(0, 2), server, fields),
      ...predictSubmission(spans.slice(2), server, fields),
    ]);
    expect(inParts).toEqual(atOnce);
    // Without the shared map, the second part knows nothing of the type the first one set.
    const apart = predictSubmission(spans.slice(2), server);
    expect(apart.get(ids[3] ?? '')?.failure).toBeNull();
  });
});
