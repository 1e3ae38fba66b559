import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { type SheetEdit, SheetModel } from '@/core/sheet';
import { SheetStore } from '@/ui/sheet';
import { SubmissionStore } from '@/ui/submission';
import { ingestSpans, spanId } from '../../server/test-server';
import { type InProcessServer, startInProcessServer } from '../../server/in-process-server';
import { fetchFrom } from '../page-setup';
import { holdSubmissions } from './held-submissions';

let server: InProcessServer;

beforeAll(async () => {
  server = await startInProcessServer();
  await ingestSpans(server, 'demo', [{ spanId: spanId(1) }, { spanId: spanId(2) }]);
});

afterAll(async () => {
  await server?.stop();
});

beforeEach(() => {
  fetchFrom(server);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const settings = () => ({ serverUrl: server.url, apiKey: '', project: 'demo', rememberApiKey: false });

function sheetOf(...labels: string[]): SheetStore {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.label']);
  return new SheetStore(
    SheetModel.fromRows(
      columns,
      labels.map((label, index) => [spanId(index + 1), label]),
    ),
  );
}

const edit: SheetEdit = { kind: 'set_cells', cells: [{ row: 0, columnId: 'c1', value: 'edited' }] };

describe('a read-only sheet', () => {
  it('is not a change of the data: the version stays, edits, undo and redo are refused', () => {
    const sheet = sheetOf('a', 'b');
    sheet.apply(edit, 'Edit');
    const { version } = sheet.getState();
    let told = 0;
    sheet.subscribe(() => told++);

    sheet.setReadOnly(true);
    expect(sheet.getState()).toMatchObject({ readOnly: true, version, canUndo: false });
    sheet.setReadOnly(true);
    expect(told).toBe(1);
    sheet.apply({ kind: 'set_cells', cells: [{ row: 1, columnId: 'c1', value: 'refused' }] }, 'Edit');
    sheet.undo();
    expect(sheet.model.cell(0, 'c1')).toBe('edited');
    expect(sheet.model.cell(1, 'c1')).toBe('b');

    sheet.setReadOnly(false);
    expect(sheet.getState()).toMatchObject({ readOnly: false, version, canUndo: true });
    expect(told).toBe(2);
  });

  it('is the sheet while a submission runs, which counts as one more run ended, the version untouched', async () => {
    const sheet = sheetOf('a', 'b');
    const submission = new SubmissionStore();
    const { version } = sheet.getState();
    const seen: { readOnly: boolean; version: number; running: boolean; finishedRuns: number }[] = [];
    const record = () =>
      seen.push({
        readOnly: sheet.readOnly,
        version: sheet.getState().version,
        running: submission.running !== null,
        finishedRuns: submission.getState().finishedRuns,
      });
    sheet.subscribe(record);
    submission.subscribe(record);

    expect(submission.getState().finishedRuns).toBe(0);
    await submission.submit(sheet, settings());
    expect(submission.outcome?.result.spans_updated).toBe(2);
    expect(seen.every((state) => state.version === version)).toBe(true);
    // Read-only first, then the run; the count goes up as the run ends, before the sheet is editable again.
    expect(seen[0]).toMatchObject({ readOnly: true, running: false, finishedRuns: 0 });
    expect(seen.at(-1)).toMatchObject({ readOnly: false, running: false, finishedRuns: 1 });
    expect(seen.find((state) => state.finishedRuns === 1)).toMatchObject({ readOnly: true, running: false });
  });

  it('shows the submission at once, before anything is sent; a cancel then sends nothing', async () => {
    const batches = holdSubmissions();
    const sheet = sheetOf(...Array.from({ length: 4_500 }, (_, index) => `label ${index}`));
    const submission = new SubmissionStore();

    const submitting = submission.submit(sheet, settings());
    // Running before a single span is chosen: the progress bar shows at once, with the spans to come.
    expect(submission.running?.progress).toMatchObject({ spansDone: 0, spansTotal: 4_500, batchesTotal: 1 });
    expect(sheet.readOnly).toBe(true);
    submission.cancel();
    await submitting;

    expect(batches.requests).toEqual([]);
    expect(submission.getState()).toMatchObject({
      running: null,
      outcome: null,
      problem: null,
      finishedRuns: 1,
    });
    expect(sheet.readOnly).toBe(false);
  });
});
